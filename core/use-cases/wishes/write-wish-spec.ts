import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { writeSpec, type WishChange, type WishId } from '../../wishlist.ts';
import { publish, requireMaintainer } from './support.ts';

/** A maintainer writes (or rewrites) the technical spec of a wish, until it is funded. */
export async function writeWishSpec({
  wishes,
  outbox,
  clock,
  id,
  text,
  author,
  isMaintainer,
}: {
  wishes: WishStore;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  text: string;
  author: string;
  /** Write access or more on the repository, checked by the adapter with GitHub. */
  isMaintainer: boolean;
}): Promise<WishChange> {
  requireMaintainer(isMaintainer, 'write the spec of a wish', id);
  const change = await wishes.update(id, (w) => writeSpec(w, { text, author, at: clock.now() }));
  await publish(outbox, change);
  return change;
}
