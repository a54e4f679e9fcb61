// Whether a month can be closed: the one rule the close itself, the CLI and the admin route share.
import { DomainError, err, ok, type Result } from './errors.ts';
import { comparePeriods, periodOf, type Period } from './period.ts';

/** `new`: nobody began closing it; `resume`: a close began and did not finish; `closed`: nothing left to do. */
export type Closability = 'new' | 'resume' | 'closed';

/**
 * Whether `period` can be closed at `now`, given its state (null when no close began) and the
 * periods already closed. The current month may be closed early; a month that has not started
 * may not; and since escrow lots carry from one close to the next, months close in order: a
 * month before one already closed can no longer be closed (unless its own close already began).
 */
export function closability(
  period: Period,
  { now, existing, closedPeriods }: { now: Date; existing: { status: string } | null; closedPeriods: readonly Period[] },
): Result<Closability> {
  const current = periodOf(now);
  if (comparePeriods(period, current) > 0) {
    return err(new DomainError('period_in_future', `${period} has not started yet; the latest period that can be closed is ${current}.`, { period }));
  }
  if (existing?.status === 'closed') return ok('closed');
  if (existing) return ok('resume');
  const later = closedPeriods.filter((p) => comparePeriods(p, period) > 0).sort(comparePeriods);
  if (later.length > 0) {
    return err(new DomainError('period_closed', `${period} can no longer be closed: ${later[later.length - 1]!} is already closed, and months close in order.`, { period }));
  }
  return ok('new');
}
