// PackageDirectory: what the repositories that opted in say about the packages they publish.
import type { PackageId } from '../core/packages.ts';
import type { MaintainerShare, PackageDirectory, PackageProfile } from '../core/ports/packages.ts';
import type { PrismaClient } from './generated/client.ts';

export class PrismaPackageDirectory implements PackageDirectory {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * A profile for every requested id. A package's maintainers are those of the repository that
   * claims it, and only while that repository is opted in; otherwise none (its money waits in escrow). Activity
   * is known for any repository the GitHub App sees.
   */
  async profiles(ids: readonly PackageId[]): Promise<Map<PackageId, PackageProfile>> {
    const unique = [...new Set(ids)];
    const result = new Map<PackageId, PackageProfile>();
    if (unique.length === 0) return result;
    const claims = await this.prisma.packageClaim.findMany({
      where: { packageId: { in: unique } },
      include: { repository: { include: { maintainers: true } } },
    });
    const byPackage = new Map(claims.map((c) => [c.packageId, c]));
    for (const id of unique) {
      const repo = byPackage.get(id)?.repository;
      if (!repo) {
        result.set(id, { id, repository: null, maintainers: [], lastActivityAt: null, description: null, needs: null, contact: null });
        continue;
      }
      // What upkeep.yml says is shown only while the repository stays opted in.
      const maintainers: MaintainerShare[] = repo.optedIn
        ? repo.maintainers
            .map((m) => ({ login: m.login.toLowerCase(), share: m.share }))
            .sort((a, b) => b.share - a.share || (a.login < b.login ? -1 : a.login > b.login ? 1 : 0))
        : [];
      result.set(id, {
        id,
        repository: repo.id,
        maintainers,
        lastActivityAt: repo.lastActivityAt,
        description: repo.optedIn ? repo.description : null,
        needs: repo.optedIn ? repo.needs : null,
        contact: repo.optedIn ? repo.contact : null,
      });
    }
    return result;
  }
}
