import type { LateContributionInput } from '../month-end.ts';
import type { Period } from '../period.ts';

/**
 * Months a close left unfunded for a company (its budget charge failed): the allocation frozen
 * when the close began is kept aside, so a late charge distributes the month exactly as the
 * close would have. Implemented in prisma/ (the close moves the rows there, see
 * `excludeFromClose`).
 */
export interface UnfundedMonthStore {
  /**
   * The company's frozen budget and allocation for `period`, with the maintainer shares frozen
   * for that period; null when the close did not leave this company unfunded.
   */
  frozen(period: Period, companyId: string): Promise<LateContributionInput | null>;
}
