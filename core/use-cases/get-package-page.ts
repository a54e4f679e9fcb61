import { DomainError } from '../errors.ts';
import type { Money } from '../money.ts';
import type { PackageId } from '../packages.ts';
import { addMonths, periodOf, type Period } from '../period.ts';
import type { Clock } from '../ports/clock.ts';
import type { FundingStats } from '../ports/funding-stats.ts';
import type { PackageDirectory } from '../ports/packages.ts';
import { getPackageSummary } from './get-package-summary.ts';

/** The public aggregates of a package, exactly as `GET /api/v1/packages/{id}` answers them. */
export type PackageSummary = Awaited<ReturnType<typeof getPackageSummary>>;

/** How many closed months the package page charts. */
export const CHART_MONTHS = 12;

/** What a package received in one closed month, from how many companies (aggregates only). */
export interface MonthTotal {
  readonly period: Period;
  readonly total: Money;
  readonly fundingCompanies: number;
}

export interface PackagePage {
  readonly summary: PackageSummary;
  /** Bus factor of one: exactly one opted-in maintainer. */
  readonly singleMaintainer: boolean;
  /** The last {@link CHART_MONTHS} closed months, oldest first; a month that gave nothing is zero. */
  readonly months: readonly MonthTotal[];
}

/**
 * A package's public page (CONTRACT §3 `GET /packages/{id}`): the API's aggregates and the
 * totals of the last 12 closed months. The months end with the current one when it was closed
 * early (it funded the package), otherwise with the previous one. Never which company gave what.
 * Throws `not_found` for a package Upkeep knows nothing of (no funder, no claim, no close).
 */
export async function getPackagePage({
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
}): Promise<PackagePage> {
  const summary = await getPackageSummary({ stats, packages, clock, currency, id });
  const current = periodOf(clock.now());
  const totals = new Map((await stats.closedTotals(id, addMonths(current, -CHART_MONTHS), current)).map((t) => [t.period, t]));
  if (summary.repository === null && summary.fundingCompanies === 0 && summary.lastPeriod === null && totals.size === 0) {
    throw new DomainError('not_found', `Upkeep knows nothing of ${id} yet: no company funds it and no repository has opted it in.`, { package: id });
  }
  const last = totals.has(current) ? current : addMonths(current, -1);
  const months = Array.from({ length: CHART_MONTHS }, (_, i) => {
    const period = addMonths(last, i - CHART_MONTHS + 1);
    const t = totals.get(period);
    return { period, total: { amount: t?.total ?? 0, currency }, fundingCompanies: t?.companies ?? 0 };
  });
  return { summary, singleMaintainer: summary.maintainers.length === 1, months };
}
