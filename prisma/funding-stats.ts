import type { AllocationLine } from '../core/allocation.ts';
import { accounts } from '../core/ledger.ts';
import type { PackageId } from '../core/packages.ts';
import type { Period } from '../core/period.ts';
import type { FundingStats } from '../core/ports/funding-stats.ts';
import type { PrismaClient } from './generated/client.ts';
import { toSafeNumber } from './numbers.ts';

export class PrismaFundingStats implements FundingStats {
  constructor(private readonly prisma: PrismaClient) {}

  async standingFunders(pkg: PackageId): Promise<{ budget: number; lines: AllocationLine[]; seed: string }[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ company_id: string; budget: bigint; package_id: string; points: number }[]>(
      `WITH latest AS (
         SELECT DISTINCT ON (a.company_id) a.company_id, a.id FROM allocation a ORDER BY a.company_id, a.id DESC
       ), funders AS (
         SELECT l.company_id, l.id FROM latest l
         JOIN allocation_line x ON x.allocation_id = l.id AND x.package_id = $1 AND x.points > 0
       )
       SELECT f.company_id, c.budget, al.package_id, al.points
       FROM funders f JOIN company c ON c.id = f.company_id AND c.budget > 0
       JOIN allocation_line al ON al.allocation_id = f.id
       ORDER BY f.company_id, al.package_id`,
      pkg,
    );
    const out = new Map<string, { budget: number; lines: AllocationLine[]; seed: string }>();
    for (const r of rows) {
      const f = out.get(r.company_id) ?? { budget: toSafeNumber(r.budget), lines: [], seed: r.company_id };
      f.lines.push({ package: r.package_id as PackageId, points: r.points });
      out.set(r.company_id, f);
    }
    return [...out.values()];
  }

  async lastClosed(pkg: PackageId): Promise<{ period: Period; total: number; companies: number } | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ period: string; total: bigint; companies: bigint }[]>(
      `SELECT t.period, SUM(e.amount) AS total, COUNT(DISTINCT t.id) AS companies
       FROM ledger_entry e
       JOIN ledger_transaction t ON t.id = e.transaction_id AND t.kind = 'contribution'
       JOIN period p ON p.id = t.period AND p.status = 'closed'
       WHERE e.account_key = $1 AND e.amount > 0
       GROUP BY t.period ORDER BY t.period DESC LIMIT 1`,
      accounts.packagePool(pkg),
    );
    const r = rows[0];
    return r ? { period: r.period as Period, total: toSafeNumber(r.total), companies: toSafeNumber(r.companies) } : null;
  }

  async closedTotals(pkg: PackageId, from: Period, to: Period): Promise<{ period: Period; total: number; companies: number }[]> {
    // One contribution transaction per company and period (late ones included), as in lastClosed.
    const rows = await this.prisma.$queryRawUnsafe<{ period: string; total: bigint; companies: bigint }[]>(
      `SELECT t.period, SUM(e.amount) AS total, COUNT(DISTINCT t.id) AS companies
       FROM ledger_entry e
       JOIN ledger_transaction t ON t.id = e.transaction_id AND t.kind = 'contribution'
       JOIN period p ON p.id = t.period AND p.status = 'closed'
       WHERE e.account_key = $1 AND e.amount > 0 AND t.period >= $2 AND t.period <= $3
       GROUP BY t.period ORDER BY t.period`,
      accounts.packagePool(pkg),
      from,
      to,
    );
    return rows.map((r) => ({ period: r.period as Period, total: toSafeNumber(r.total), companies: toSafeNumber(r.companies) }));
  }

  async mostFunded(limit: number): Promise<PackageId[]> {
    // Ranked by budget × points of each company's latest allocation: proportional to the split, without computing it.
    const rows = await this.prisma.$queryRawUnsafe<{ package_id: string }[]>(
      `WITH latest AS (
         SELECT DISTINCT ON (a.company_id) a.company_id, a.id FROM allocation a ORDER BY a.company_id, a.id DESC
       )
       SELECT al.package_id, SUM(c.budget * al.points) AS weight
       FROM latest l JOIN company c ON c.id = l.company_id AND c.budget > 0
       JOIN allocation_line al ON al.allocation_id = l.id AND al.points > 0
       GROUP BY al.package_id
       ORDER BY weight DESC, al.package_id
       LIMIT $1`,
      limit,
    );
    return rows.map((r) => r.package_id as PackageId);
  }
}
