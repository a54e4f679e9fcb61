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

  async remove(userRef: string): Promise<IdentityLink | null> {
    // DELETE … RETURNING: two racing unlinks report the link once.
    const rows = await this.prisma.$queryRaw<{ user_ref: string; github_login: string | null; pending_login: string | null; expires_at: Date | null; confirmed_at: Date | null }[]>`
      DELETE FROM identity_link WHERE user_ref = ${userRef}
      RETURNING user_ref, github_login, pending_login, expires_at, confirmed_at`;
    const r = rows[0];
    return r ? toLink({ userRef: r.user_ref, githubLogin: r.github_login, pendingLogin: r.pending_login, expiresAt: r.expires_at, confirmedAt: r.confirmed_at }) : null;
  }
}
