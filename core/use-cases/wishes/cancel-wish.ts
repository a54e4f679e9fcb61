import { DomainError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { cancel, type Pledge, type Wish, type WishEvent, type WishId } from '../../wishlist.ts';
import { publish } from './support.ts';

/**
 * Cancels a wish that is not funded yet (`/cancel`): by a maintainer, or by the requester who
 * opened it. Returns the pledges to refund (the payments side refunds paid ones and releases
 * committed ones with `refundWishPledges`).
 */
export async function cancelWish({
  wishes,
  outbox,
  clock,
  id,
  by,
  isMaintainer,
}: {
  wishes: WishStore;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  by: string;
  isMaintainer: boolean;
}): Promise<{ wish: Wish; events: readonly WishEvent[]; refunds: Pledge[] }> {
  const change = await wishes.update(id, (w) => {
    if (!isMaintainer && w.requester.toLowerCase() !== by.toLowerCase()) {
      return {
        ok: false,
        error: new DomainError('not_maintainer', 'Only the maintainers or the person who opened the wish can cancel it.', { wishId: id, action: 'cancel' }),
      };
    }
    return cancel(w, { by, at: clock.now() });
  });
  await publish(outbox, change);
  const cancelled = change.events.find((e) => e.type === 'cancelled');
  return { ...change, refunds: cancelled?.type === 'cancelled' ? [...cancelled.refunds] : [] };
}
