import type { Clock } from '../ports/clock.ts';
import type { FundingStats } from '../ports/funding-stats.ts';
import type { PackageDirectory } from '../ports/packages.ts';
import type { WishSearch } from '../ports/wish-search.ts';
import { byClosenessToFunding, wishCard, type WishCard } from '../wishlist/closeness.ts';
import type { PackageSummary } from './get-package-page.ts';
import { getPackageSummary } from './get-package-summary.ts';

/** What the home page lists (aggregates only). */
export interface Home {
  /** Quoted wishes across repositories, closest to funding first. */
  readonly wishes: readonly WishCard[];
  /** Packages with the largest standing monthly total, largest first (the API's aggregates). */
  readonly packages: readonly PackageSummary[];
}

/** The home page's lists: the wishes closest to funding and the most-funded packages. */
export async function getHome({
  wishSearch,
  stats,
  packages,
  clock,
  currency,
  wishLimit = 6,
  packageLimit = 8,
}: {
  wishSearch: WishSearch;
  stats: FundingStats;
  packages: PackageDirectory;
  clock: Clock;
  currency: string;
  wishLimit?: number;
  packageLimit?: number;
}): Promise<Home> {
  const now = clock.now();
  const [closest, ids] = await Promise.all([wishSearch.closestToFunding(wishLimit), stats.mostFunded(packageLimit)]);
  const summaries = await Promise.all(ids.map((id) => getPackageSummary({ stats, packages, clock, currency, id })));
  return {
    wishes: [...closest].sort(byClosenessToFunding).map((w) => wishCard(w, now)),
    // The ranking of the store approximates the split; the page shows the exact figures, in their order.
    packages: summaries
      .filter((s) => s.monthlyTotal.amount > 0)
      .sort((a, b) => b.monthlyTotal.amount - a.monthlyTotal.amount || b.fundingCompanies - a.fundingCompanies || (a.id < b.id ? -1 : 1)),
  };
}
