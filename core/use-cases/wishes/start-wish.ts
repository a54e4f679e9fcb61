import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { start, type WishChange, type WishId } from '../../wishlist.ts';
import { publish, requireMaintainer } from './support.ts';

/** A maintainer starts work on a funded wish (`/start`). */
export async function startWish({
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
}): Promise<WishChange> {
  requireMaintainer(isMaintainer, 'start work on a wish', id);
  const change = await wishes.update(id, (w) => start(w, { by, at: clock.now() }));
  await publish(outbox, change);
  return change;
}
