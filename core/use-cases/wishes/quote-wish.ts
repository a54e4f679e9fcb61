import type { Money } from '../../money.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { quote, type WishChange, type WishId } from '../../wishlist.ts';
import { publish, requireMaintainer } from './support.ts';

/**
 * A maintainer quotes cost and delay (`/quote 1500 EUR 3w`), or re-quotes until the wish is
 * funded. Pledgers are notified; if paid pledges already cover the quote, it is funded now.
 */
export async function quoteWish({
  wishes,
  outbox,
  clock,
  id,
  amount,
  delayDays,
  by,
  isMaintainer,
}: {
  wishes: WishStore;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  amount: Money;
  delayDays: number;
  by: string;
  isMaintainer: boolean;
}): Promise<WishChange> {
  requireMaintainer(isMaintainer, 'quote a wish', id);
  const change = await wishes.update(id, (w) =>
    quote(w, { amount: amount.amount, currency: amount.currency, delayDays, by, at: clock.now() }),
  );
  await publish(outbox, change);
  return change;
}
