import { DomainError, isDomainError } from '../../errors.ts';
import { ledgerKeys } from '../../keys.ts';
import { accounts, transaction, type LedgerEntry } from '../../ledger.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { MaintainerShare } from '../../ports/packages.ts';
import type { RepositoryStore } from '../../ports/repositories.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { splitByLargestRemainder } from '../../split.ts';
import { deliver, paidTotal, wishIdParts, type WishChange, type WishId } from '../../wishlist.ts';
import { publish, requireMaintainer } from './support.ts';

/**
 * Release of a delivered wish's escrow to the repository's opted-in maintainers by share
 * (largest remainder, so the parts sum to the escrow). Key `wish:<id>:release`.
 *
 * Example: 30000 paid, alice 60 / bob 40 → wish −30000, maintainer:alice +18000, maintainer:bob +12000.
 */
export function wishRelease(wishId: WishId, paid: number, maintainers: readonly MaintainerShare[]) {
  const parts = splitByLargestRemainder(paid, maintainers.map((m) => m.share), wishId);
  const entries: LedgerEntry[] = [{ account: accounts.wish(wishId), amount: -paid }];
  maintainers.forEach((m, i) => {
    if (parts[i]! > 0) entries.push({ account: accounts.maintainer(m.login), amount: parts[i]! });
  });
  return transaction({ key: ledgerKeys.wishRelease(wishId), kind: 'wish_release', memo: `Wish ${wishId} delivered: escrow released to the maintainers`, entries });
}

/**
 * A maintainer delivers a wish in progress (`/deliver [#PR]`, or a merged PR closing its
 * issue): the wish's escrow is released to the repository's opted-in maintainers by share.
 * Refused with `invalid_optin` (nothing changed) when the repository has no opted-in maintainer.
 */
export async function deliverWish({
  wishes,
  repositories,
  ledger,
  outbox,
  clock,
  id,
  by,
  pr = null,
  isMaintainer,
}: {
  wishes: WishStore;
  repositories: RepositoryStore;
  ledger: LedgerStore;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  by: string;
  pr?: number | null;
  isMaintainer: boolean;
}): Promise<WishChange> {
  requireMaintainer(isMaintainer, 'deliver a wish', id);
  const { repoId } = wishIdParts(id);
  const repository = await repositories.find(repoId);
  const maintainers = repository?.optedIn ? repository.maintainers.filter((m) => m.share > 0) : [];
  if (maintainers.length === 0) {
    throw new DomainError(
      'invalid_optin',
      `${repoId} has no opted-in maintainers, so the wish's money cannot be released. Add a valid .github/upkeep.yml (maintainers with shares summing to 100) on the default branch, then deliver again.`,
      { wishId: id, repository: repoId },
    );
  }
  let change: WishChange;
  try {
    change = await wishes.update(id, (w) => deliver(w, { by, pr, at: clock.now() }));
  } catch (e) {
    // Delivered before but the release was not written (a crash between the two writes): repair.
    if (isDomainError(e) && e.code === 'wish_transition') {
      const current = await wishes.get(id);
      if (current?.status === 'delivered' && paidTotal(current) > 0) await ledger.append([wishRelease(id, paidTotal(current), maintainers)]);
    }
    throw e;
  }
  const delivered = change.events.find((e) => e.type === 'delivered');
  const paid = delivered?.type === 'delivered' ? delivered.paid : paidTotal(change.wish);
  if (paid > 0) await ledger.append([wishRelease(id, paid, maintainers)]);
  await publish(outbox, change);
  return change;
}
