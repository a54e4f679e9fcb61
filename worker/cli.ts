// Refusals of a close, before anything is enqueued (used by `npm run upkeep -- close` and
// POST /admin/periods/…/close). Temporary home: the core's close rules replace it.
import { DomainError } from '../core/errors.ts';
import { comparePeriods, periodOf, type Period } from '../core/period.ts';
import type { Ports } from '../core/ports/index.ts';

/**
 * Refuses, before anything is enqueued, a close the job would refuse (the same rules as
 * closePeriod): a month that has not started, or one before a month already closed.
 */
export async function refuseUnclosable(s: Pick<Ports, 'clock' | 'ledger'>, period: Period): Promise<void> {
  const current = periodOf(s.clock.now());
  if (comparePeriods(period, current) > 0) {
    throw new DomainError('period_in_future', `${period} has not started yet; the latest period that can be closed is ${current}.`, { period });
  }
  if ((await s.ledger.period(period)) !== null) return;
  const later = (await s.ledger.closedPeriods()).filter((p) => comparePeriods(p.period, period) > 0);
  if (later.length > 0) {
    throw new DomainError('period_closed', `${period} can no longer be closed: ${later[later.length - 1]!.period} is already closed, and months close in order.`, { period });
  }
}
