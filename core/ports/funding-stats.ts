import type { AllocationLine } from '../allocation.ts';
import type { PackageId } from '../packages.ts';
import type { Period } from '../period.ts';

/** Aggregate reads for public views: never reveals which company gave what. */
export interface FundingStats {
  /** Budgets and standing allocations of the companies whose allocation includes `pkg`. */
  standingFunders(pkg: PackageId): Promise<{ budget: number; lines: AllocationLine[]; seed: string }[]>;
  /** What the package received in the latest closed period that funded it. */
  lastClosed(pkg: PackageId): Promise<{ period: Period; total: number; companies: number } | null>;
  /** What the package received in each closed period from `from` to `to` (inclusive), oldest first; a period that gave it nothing is absent. */
  closedTotals(pkg: PackageId, from: Period, to: Period): Promise<{ period: Period; total: number; companies: number }[]>;
  /** Up to `limit` packages with the most standing monthly funding (the companies' budget × points), most first. */
  mostFunded(limit: number): Promise<PackageId[]>;
}
