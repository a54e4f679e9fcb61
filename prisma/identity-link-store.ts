// IdentityLinkStore on the identity_link table (one row per chat user).
import type { IdentityLink, IdentityLinkStore } from '../core/ports/identity-links.ts';
import type { PrismaClient } from './generated/client.ts';

interface Row {
  userRef: string;
  githubLogin: string | null;
  pendingLogin: string | null;
  expiresAt: Date | null;
  confirmedAt: Date | null;
}

const toLink = (r: Row): IdentityLink => ({
  userRef: r.userRef,
  githubLogin: r.githubLogin,
  pendingLogin: r.pendingLogin,
  expiresAt: r.expiresAt,
  confirmedAt: r.confirmedAt,
});

export class PrismaIdentityLinkStore implements IdentityLinkStore {
  constructor(private readonly prisma: PrismaClient) {}

  async find(userRef: string): Promise<IdentityLink | null> {
    const row = await this.prisma.identityLink.findUnique({ where: { userRef } });
    return row ? toLink(row) : null;
  }

  async savePending({ userRef, pendingLogin, codeHash, expiresAt }: { userRef: string; pendingLogin: string; codeHash: string; expiresAt: Date }): Promise<void> {
    await this.prisma.identityLink.upsert({
      where: { userRef },
      create: { userRef, pendingLogin, codeHash, expiresAt },
      update: { pendingLogin, codeHash, expiresAt },
    });
  }

  async findByCodeHash(codeHash: string): Promise<IdentityLink | null> {
    const row = await this.prisma.identityLink.findFirst({ where: { codeHash } });
    return row ? toLink(row) : null;
  }

  async confirm({ userRef, codeHash, githubLogin, at }: { userRef: string; codeHash: string; githubLogin: string; at: Date }): Promise<boolean> {
    const { count } = await this.prisma.identityLink.updateMany({
      where: { userRef, codeHash },
      data: { githubLogin, confirmedAt: at, pendingLogin: null, codeHash: null, expiresAt: null },
    });
    return count === 1;
  }
}
