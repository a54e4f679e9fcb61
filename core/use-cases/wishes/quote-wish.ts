import type { Money } from '../../money.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import { requireOptedInToQuote } from '../../opt-in/quoting.ts';
import type { RepositoryStore } from '../../ports/repositories.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { quote, wishIdParts, type WishChange, type WishId } from '../../wishlist.ts';
import { publish, requireMaintainer } from './support.ts';

/**
 * A maintainer quotes cost and delay (`/quote 1500 EUR 3w`), or re-quotes until the wish is
 * funded. Pledgers are notified; if paid pledges already cover the quote, it is funded now.
 * Refused with `invalid_optin` (nothing changed) in a repository that has not opted in.
 */
export async function quoteWish({
  wishes,
  repositories,
  outbox,
  clock,
  id,
  amount,
  delayDays,
  by,
  isMaintainer,
}: {
  wishes: WishStore;
  /** Tells whether the wish's repository is opted in. */
  repositories: Pick<RepositoryStore, 'find'>;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  amount: Money;
  delayDays: number;
  by: string;
  isMaintainer: boolean;
}): Promise<WishChange> {
  requireMaintainer(isMaintainer, 'quote a wish', id);
  requireOptedInToQuote(await repositories.find(wishIdParts(id).repoId), id);
  const change = await wishes.update(id, (w) =>
    quote(w, { amount: amount.amount, currency: amount.currency, delayDays, by, at: clock.now() }),
  );
  await publish(outbox, change);
  return change;
}
