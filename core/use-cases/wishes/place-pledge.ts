import { DomainError, err } from '../../errors.ts';
import { formatMoney, maxAmountMinor, money, type Money } from '../../money.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentGateway } from '../../ports/payments.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import { enforceRateLimit } from '../../rate-limits.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { addPledge, type Pledger, type Wish, type WishId } from '../../wishlist.ts';
import { publish, randomPledgeId, startPledgeCollection } from './support.ts';

/**
 * Anyone pledges to an open or quoted wish (GitHub `/pledge`, Slack, Discord). The pledge is
 * recorded as committed first, then the gateway starts collecting it (Stripe Checkout, or
 * offline: an operator settles it); `confirmPledgePayment` marks it paid when money arrives.
 * Every gateway takes pledges (offline is the null object), so no adapter checks for one.
 */
export async function placePledge({
  wishes,
  gateway,
  outbox,
  clock,
  id,
  pledger,
  amount,
  rateLimiter,
  address = null,
  newId = randomPledgeId,
}: {
  wishes: WishStore;
  gateway: PaymentGateway;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  pledger: Pledger;
  amount: Money;
  /**
   * Refuses a pledger (or a web address) who pledges too often (`rate_limited`), before anything
   * is written. Every front-end passes it (their deps require it); only trusted callers (seeding) omit it.
   */
  rateLimiter?: RateLimiter | null;
  /** The client's address, for a pledge from the web. */
  address?: string | null;
  newId?: () => string;
}): Promise<{ wish: Wish; pledgeId: string; checkoutUrl: string | null; offline: boolean }> {
  // A guest without an e-mail is a new pledger each time: only their address is counted.
  const user = pledger.id.startsWith('guest:') ? null : `${pledger.source}:${pledger.id}`;
  if (rateLimiter) await enforceRateLimit({ rateLimiter, action: 'pledge', subject: { user, address }, now: clock.now() });
  const pledgeId = newId();
  const change = await wishes.update(id, (w) => {
    if (amount.currency !== w.currency) {
      return err(
        new DomainError('wrong_currency', `Pledges to this wish are in ${w.currency}, not ${amount.currency}.`, {
          expected: w.currency,
          got: amount.currency,
        }),
      );
    }
    const max = maxAmountMinor(w.currency);
    if (amount.amount > max) {
      return err(
        new DomainError('invalid_amount', `A pledge can be at most ${formatMoney(money(max, w.currency))}.`, { amount: amount.amount, max }),
      );
    }
    return addPledge(w, { pledger, amount: amount.amount, id: pledgeId, at: clock.now() });
  });
  await publish(outbox, change);
  const collection = await startPledgeCollection(gateway, { pledgeId, wishId: id, amount, pledger });
  return { wish: change.wish, pledgeId, ...collection };
}
