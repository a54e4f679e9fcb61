import { isDomainError, type DomainError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { RepositoryStore } from '../../ports/repositories.ts';
import type { WishStore } from '../../ports/wishes.ts';
import type { Wish, WishChange, WishId } from '../../wishlist.ts';
import { deliverWish } from './deliver-wish.ts';
import { startWish } from './start-wish.ts';

/** What a merged pull request that closes a wish's issue does to that wish. */
export type MergedPullRequestAction = 'ignore' | 'deliver' | 'start_and_deliver';

/**
 * A merged PR delivers the wish of an issue it closes once the wish is funded: a wish in
 * progress is delivered, a funded one whose work was merged without `/start` is started and
 * delivered at once; any other wish (none, open, quoted, already delivered, cancelled,
 * expired) is left as it is.
 */
export function mergedPullRequestAction(wish: Pick<Wish, 'status'> | null): MergedPullRequestAction {
  if (wish?.status === 'in_progress') return 'deliver';
  if (wish?.status === 'funded') return 'start_and_deliver';
  return 'ignore';
}

export type MergedPullRequestOutcome =
  | { readonly outcome: 'ignored' }
  | { readonly outcome: 'delivered'; readonly change: WishChange }
  /** The delivery was refused (e.g. the repository has no opted-in maintainer): tell the issue. */
  | { readonly outcome: 'refused'; readonly error: DomainError };

/**
 * Pull request `pr`, merged by `mergedBy`, closes the issue of wish `id`. Merging needs write
 * access to the repository, so the merger acts as a maintainer.
 */
export async function deliverMergedPullRequest({
  wishes,
  repositories,
  ledger,
  outbox,
  clock,
  id,
  pr,
  mergedBy,
}: {
  wishes: WishStore;
  repositories: RepositoryStore;
  ledger: LedgerStore;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  pr: number;
  mergedBy: string;
}): Promise<MergedPullRequestOutcome> {
  const action = mergedPullRequestAction(await wishes.get(id));
  if (action === 'ignore') return { outcome: 'ignored' };
  const common = { wishes, outbox, clock, id, by: mergedBy, isMaintainer: true };
  try {
    if (action === 'start_and_deliver') await startWish(common);
    return { outcome: 'delivered', change: await deliverWish({ ...common, repositories, ledger, pr }) };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return { outcome: 'refused', error: e };
  }
}
