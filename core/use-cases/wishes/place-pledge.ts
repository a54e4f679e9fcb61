import { DomainError, err, isDomainError } from '../../errors.ts';
import { formatMoney, maxAmountMinor, money, type Money } from '../../money.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentGateway } from '../../ports/payments.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { addPledge, type Pledger, type Wish, type WishId } from '../../wishlist.ts';
import { publish, randomPledgeId } from './support.ts';

/**
 * Anyone pledges to an open or quoted wish (GitHub `/pledge`, Slack, Discord). The pledge is
 * recorded as committed first, then the gateway starts collecting it (Stripe Checkout, or
 * offline: an operator settles it); `confirmPledgePayment` marks it paid when money arrives.
 */
export async function placePledge({
  wishes,
  payments,
  outbox,
  clock,
  id,
  pledger,
  amount,
  newId = randomPledgeId,
}: {
  wishes: WishStore;
  payments: PaymentGateway;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  pledger: Pledger;
  amount: Money;
  newId?: () => string;
}): Promise<{ wish: Wish; pledgeId: string; checkoutUrl: string | null; offline: boolean }> {
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
  let url: string | null;
  try {
    ({ url } = await payments.startPledgeCheckout({ pledgeId, wishId: id, amount, pledger, idempotencyKey: `pledge:${pledgeId}` }));
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw new DomainError(
      'payment_failed',
      'Your pledge is recorded, but the payment could not be started right now; nothing was charged. Try again in a few minutes.',
      { wishId: id, pledgeId, cause: e instanceof Error ? e.message : String(e) },
    );
  }
  return { wish: change.wish, pledgeId, checkoutUrl: url, offline: payments.mode === 'offline' };
}
