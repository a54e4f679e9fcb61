// Questions about a wish's status that adapters and schedulers ask: one answer each, here.
import type { Pledge, Wish } from './wish.ts';

/** Whether a wish takes new pledges: while it is open (no quote yet) or quoted (collecting). */
export const acceptsPledges = (wish: Pick<Wish, 'status'>): boolean => wish.status === 'open' || wish.status === 'quoted';

/** True when `expire(wish, at)` would succeed: for the scheduler that sweeps deadlines. */
export const isExpired = (wish: Wish, at: Date): boolean =>
  wish.status === 'quoted' && wish.deadline !== null && at.getTime() >= wish.deadline.getTime();

/**
 * Pledges still to refund in a cancelled or expired wish (empty otherwise): paid ones are
 * refunded, committed ones released without money moving. Mark each with `markPledgeRefunded`.
 */
export function pledgesToRefund(wish: Wish): Pledge[] {
  if (wish.status !== 'cancelled' && wish.status !== 'expired') return [];
  return wish.pledges.filter((p) => p.status !== 'refunded');
}

/** A status as every front-end names it in running text ("in progress", not `in_progress`). */
export const STATUS_NAME: Readonly<Record<Wish['status'], string>> = {
  open: 'open',
  quoted: 'quoted',
  funded: 'funded',
  in_progress: 'in progress',
  delivered: 'delivered',
  cancelled: 'cancelled',
  expired: 'expired',
};
