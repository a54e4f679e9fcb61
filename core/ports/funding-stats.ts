import type { AllocationLine } from '../allocation.ts';
import type { PackageId } from '../packages.ts';
import type { Period } from '../period.ts';

/** Aggregate reads for public views: never reveals which company gave what. */
export interface FundingStats {
  /** Budgets and standing allocations of the companies whose allocation includes `pkg`. */
  standingFunders(pkg: PackageId): Promise<{ budget: number; lines: AllocationLine[]; seed: string }[]>;
  /** What the package received in the latest closed period that funded it. */
  lastClosed(pkg: PackageId): Promise<{ period: Period; total: number; companies: number } | null>;
}
