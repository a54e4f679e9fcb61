import { splitBudget } from '../allocation.ts';
import type { Money } from '../money.ts';
import type { PackageId } from '../packages.ts';
import { isActive, packageWarnings, type PackageWarning } from '../package-warnings.ts';
import type { Clock } from '../ports/clock.ts';
import type { FundingStats } from '../ports/funding-stats.ts';
import type { PackageDirectory } from '../ports/packages.ts';

/**
 * Public aggregates of a package (CONTRACT §3): how many companies fund it and how much a
 * month, with its maintainers. Never which company gave what.
 */
export async function getPackageSummary({
  stats,
  packages,
  clock,
  currency,
  id,
}: {
  stats: FundingStats;
  packages: PackageDirectory;
  clock: Clock;
  currency: string;
  id: PackageId;
}) {
  const funders = await stats.standingFunders(id);
  let monthly = 0;
  for (const f of funders) {
    monthly += splitBudget(f.budget, f.lines, f.seed).find((s) => s.package === id)?.amount ?? 0;
  }
  const profile = (await packages.profiles([id])).get(id) ?? null;
  const last = await stats.lastClosed(id);
  const now = clock.now();
  const money = (amount: number): Money => ({ amount, currency });
  return {
    id,
    fundingCompanies: funders.length,
    monthlyTotal: money(monthly),
    maintainers: profile?.maintainers.map((m) => m.login) ?? [],
    repository: profile?.repository ?? null,
    active: profile ? isActive(profile, now) : false,
    lastActivityAt: profile?.lastActivityAt?.toISOString() ?? null,
    description: profile?.description ?? null,
    needs: profile?.needs ?? null,
    warnings: profile ? packageWarnings(profile, now) : (['inactive', 'no_maintainer'] satisfies PackageWarning[]),
    lastPeriod: last ? { period: last.period, total: money(last.total), fundingCompanies: last.companies } : null,
  };
}
