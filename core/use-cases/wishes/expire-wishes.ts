import { isDomainError } from '../../errors.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { expire, type Pledge, type Wish, type WishId } from '../../wishlist.ts';
import { publish } from './support.ts';

/**
 * Expires every quoted wish whose deadline (60 days after its quote) has passed unfunded.
 * Safe to run concurrently and repeatedly: a wish funded or re-quoted meanwhile is skipped.
 * Returns the expired wishes and their pledges to refund (`refundWishPledges` does it).
 */
export async function expireWishes({
  wishes,
  outbox,
  now,
}: {
  wishes: WishStore;
  outbox: NotificationOutbox;
  now: Date;
}): Promise<{ expired: Wish[]; refunds: { wishId: WishId; pledges: Pledge[] }[] }> {
  const expired: Wish[] = [];
  const refunds: { wishId: WishId; pledges: Pledge[] }[] = [];
  for (const id of await wishes.expiring(now)) {
    try {
      const change = await wishes.update(id, (w) => expire(w, now));
      await publish(outbox, change);
      expired.push(change.wish);
      const e = change.events.find((x) => x.type === 'expired');
      refunds.push({ wishId: id, pledges: e?.type === 'expired' ? [...e.refunds] : [] });
    } catch (e) {
      // Funded, re-quoted or cancelled since the sweep listed it: nothing to expire.
      if (isDomainError(e) && e.code === 'wish_transition') continue;
      throw e;
    }
  }
  return { expired, refunds };
}
