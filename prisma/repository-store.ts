// RepositoryStore: the GitHub App records repositories' opt-ins, withdrawals and activity here.
import type { PackageId } from '../core/packages.ts';
import type { OptInOutcome, RepositoryOptIn, RepositoryState, RepositoryStore } from '../core/ports/repositories.ts';
import type { PrismaClient } from './generated/client.ts';
import { toBigInt } from './numbers.ts';
import { byString } from '../core/order.ts';

const REPOSITORY = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\/[a-z0-9._-]+$/;
/** `Owner/Repo` → `owner/repo`; RangeError for anything else (callers parse user input first). */
function repositoryId(repository: string): string {
  const id = repository.trim().toLowerCase();
  if (!REPOSITORY.test(id)) throw new RangeError(`not an owner/repo: ${JSON.stringify(repository)}`);
  return id;
}

/** Checks what the opt-in parser must already have refused; a breach here is a bug. */
function checkMaintainers(input: RepositoryOptIn): { login: string; share: number }[] {
  const maintainers = input.maintainers.map((m) => ({ login: m.login.trim().toLowerCase(), share: m.share }));
  if (maintainers.length === 0) throw new RangeError(`${input.repository}: an opt-in needs at least one maintainer`);
  const seen = new Set<string>();
  let sum = 0;
  for (const m of maintainers) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,38})$/.test(m.login)) throw new RangeError(`${input.repository}: ${JSON.stringify(m.login)} is not a GitHub login`);
    if (seen.has(m.login)) throw new RangeError(`${input.repository}: ${m.login} is listed twice`);
    if (!Number.isInteger(m.share) || m.share < 1 || m.share > 100) throw new RangeError(`${input.repository}: ${m.login} has share ${m.share}`);
    seen.add(m.login);
    sum += m.share;
  }
  if (sum !== 100) throw new RangeError(`${input.repository}: maintainer shares sum to ${sum}, not 100`);
  return maintainers;
}

export class PrismaRepositoryStore implements RepositoryStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records the opt-in and replaces the maintainers. Each package has one repository: a package
   * claimed by another opted-in repository stays with it (reported in `conflicts`), one claimed
   * by a repository that withdrew is taken over. Packages no longer listed are released.
   */
  async optIn(input: RepositoryOptIn): Promise<OptInOutcome> {
    const id = repositoryId(input.repository);
    const maintainers = checkMaintainers(input);
    const packages = [...new Set(input.packages)].sort(byString);
    if (!Number.isSafeInteger(input.termsVersion)) throw new RangeError(`${id}: terms version ${input.termsVersion}`);
    const installationId = input.installationId == null ? undefined : toBigInt(input.installationId, 'installation id');
    const profile = {
      optedIn: true,
      termsVersion: input.termsVersion,
      license: input.license,
      description: input.description,
      needs: input.needs,
      contact: input.contact,
    };
    return this.prisma.$transaction(async (tx) => {
      await tx.repository.upsert({
        where: { id },
        create: { id, ...profile, installationId: installationId ?? null },
        update: { ...profile, ...(installationId === undefined ? {} : { installationId }) },
      });
      await tx.repositoryMaintainer.deleteMany({ where: { repositoryId: id } });
      await tx.repositoryMaintainer.createMany({ data: maintainers.map((m) => ({ repositoryId: id, ...m })) });

      const released = await tx.packageClaim.findMany({
        where: { repositoryId: id, packageId: { notIn: packages } },
        select: { packageId: true },
      });
      await tx.packageClaim.deleteMany({ where: { repositoryId: id, packageId: { notIn: packages } } });

      const claimed: PackageId[] = [];
      const conflicts: { package: PackageId; repository: string }[] = [];
      const existing = new Map(
        (
          await tx.packageClaim.findMany({
            where: { packageId: { in: packages } },
            include: { repository: { select: { optedIn: true } } },
          })
        ).map((c) => [c.packageId, c]),
      );
      const fresh: PackageId[] = [];
      for (const pkg of packages) {
        const claim = existing.get(pkg);
        if (!claim) fresh.push(pkg);
        else if (claim.repositoryId === id) claimed.push(pkg);
        else if (claim.repository.optedIn) conflicts.push({ package: pkg, repository: claim.repositoryId });
        else {
          // Conditional on the previous holder, so two repositories taking over at once cannot both win.
          const moved = await tx.packageClaim.updateMany({
            where: { packageId: pkg, repositoryId: claim.repositoryId },
            data: { repositoryId: id, claimedAt: new Date() },
          });
          if (moved.count === 1) claimed.push(pkg);
          else conflicts.push({ package: pkg, repository: claim.repositoryId });
        }
      }
      if (fresh.length > 0) {
        const inserted = await tx.packageClaim.createManyAndReturn({
          data: fresh.map((packageId) => ({ packageId, repositoryId: id })),
          skipDuplicates: true,
          select: { packageId: true },
        });
        const won = new Set(inserted.map((r) => r.packageId));
        for (const pkg of fresh) {
          if (won.has(pkg)) claimed.push(pkg);
          else conflicts.push({ package: pkg, repository: (await tx.packageClaim.findUnique({ where: { packageId: pkg } }))?.repositoryId ?? '' });
        }
      }
      return {
        claimed: claimed.sort(byString),
        conflicts: conflicts.sort((a, b) => byString(a.package, b.package)),
        released: released.map((r) => r.packageId as PackageId).sort(byString),
      };
    });
  }

  /** The repository no longer opts in: no maintainers, so its packages' money waits in escrow. Claims stay. */
  async withdraw(repository: string): Promise<void> {
    const id = repositoryId(repository);
    await this.prisma.$transaction([
      this.prisma.repositoryMaintainer.deleteMany({ where: { repositoryId: id } }),
      this.prisma.repository.updateMany({ where: { id }, data: { optedIn: false } }),
    ]);
  }

  async recordActivity(repository: string, at: Date): Promise<void> {
    const id = repositoryId(repository);
    if (Number.isNaN(at.getTime())) throw new RangeError(`${id}: invalid activity date`);
    await this.prisma.repository.upsert({ where: { id }, create: { id, lastActivityAt: at }, update: {} });
    // Only ever moves forward, in one statement: late or replayed webhooks cannot move it back.
    await this.prisma.repository.updateMany({
      where: { id, OR: [{ lastActivityAt: null }, { lastActivityAt: { lt: at } }] },
      data: { lastActivityAt: at },
    });
  }

  async listOptedIn(): Promise<{ repository: string; installationId: number | null }[]> {
    const rows = await this.prisma.repository.findMany({ where: { optedIn: true }, select: { id: true, installationId: true }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ repository: r.id, installationId: r.installationId === null ? null : Number(r.installationId) }));
  }

  async forMaintainer(login: string): Promise<RepositoryState[]> {
    const who = login.trim().toLowerCase();
    const rows = await this.prisma.repository.findMany({
      where: { optedIn: true, maintainers: { some: { login: who } } },
      include: { maintainers: true, packages: true },
      orderBy: { id: 'asc' },
    });
    return rows.map(toState);
  }

  async find(repository: string): Promise<RepositoryState | null> {
    const id = repositoryId(repository);
    const row = await this.prisma.repository.findUnique({ where: { id }, include: { maintainers: true, packages: true } });
    if (!row) return null;
    return toState(row);
  }
}

type RepositoryRow = {
  id: string;
  optedIn: boolean;
  termsVersion: number | null;
  license: string | null;
  description: string | null;
  needs: string | null;
  contact: string | null;
  lastActivityAt: Date | null;
  maintainers: { login: string; share: number }[];
  packages: { packageId: string }[];
};

function toState(row: RepositoryRow): RepositoryState {
  return {
    repository: row.id,
    optedIn: row.optedIn,
    packages: row.packages.map((p) => p.packageId as PackageId).sort(byString),
    maintainers: row.maintainers.map((m) => ({ login: m.login, share: m.share })).sort((a, b) => b.share - a.share || byString(a.login, b.login)),
    termsVersion: row.termsVersion,
    license: row.license,
    description: row.description,
    needs: row.needs,
    contact: row.contact,
    lastActivityAt: row.lastActivityAt,
  };
}
