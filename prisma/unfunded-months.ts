// The allocations a close left unfunded (period_unfunded_allocation, filled by the close when a
// budget charge fails) and the period's frozen maintainer shares, read back for a late charge.
import type { CloseMaintainer, LateContributionInput } from '../core/month-end.ts';
import type { PackageId } from '../core/packages.ts';
import type { Period } from '../core/period.ts';
import type { UnfundedMonthStore } from '../core/ports/unfunded-months.ts';
import type { PrismaClient } from './generated/client.ts';
import { toSafeNumber } from './numbers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PrismaUnfundedMonthStore implements UnfundedMonthStore {
  constructor(private readonly prisma: PrismaClient) {}

  async frozen(period: Period, companyId: string): Promise<LateContributionInput | null> {
    if (!UUID.test(companyId)) return null;
    const lines = await this.prisma.$queryRawUnsafe<{ budget: bigint; package_id: string; points: number }[]>(
      'SELECT budget, package_id, points FROM period_unfunded_allocation WHERE period_id = $1 AND company_id = $2::uuid ORDER BY package_id',
      period,
      companyId,
    );
    if (lines.length === 0) return null;
    const shares = await this.prisma.$queryRawUnsafe<{ package_id: string; login: string; share: number }[]>(
      'SELECT package_id, login, share FROM period_maintainer_share WHERE period_id = $1 AND package_id = ANY($2::text[]) ORDER BY package_id, login',
      period,
      lines.map((l) => l.package_id),
    );
    const maintainers = new Map<PackageId, CloseMaintainer[]>();
    for (const r of shares) {
      const list = maintainers.get(r.package_id as PackageId) ?? [];
      list.push({ login: r.login, share: r.share });
      maintainers.set(r.package_id as PackageId, list);
    }
    return {
      period,
      company: { companyId, budget: toSafeNumber(lines[0]!.budget), allocation: lines.map((l) => ({ package: l.package_id as PackageId, points: l.points })) },
      maintainers,
    };
  }
}
