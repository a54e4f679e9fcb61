import { DomainError, ok } from '../../errors.ts';
import { ledgerKeys } from '../../keys.ts';
import { accounts, transaction } from '../../ledger.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { markPledgePaid, type WishChange, type WishId } from '../../wishlist.ts';
import { publish } from './support.ts';

/**
 * Records that a pledge's money arrived (Stripe webhook, or an operator for offline pledges):
 * the pledge becomes paid, and the ledger moves its amount from `external:<provider>` into
 * the wish's escrow (`pledge_paid`, key `pledge:<id>:paid`). Idempotent: a second call changes
 * nothing. The payment that reaches the quote funds the wish, exactly once. A pledge already
 * released or refunded is left as it is (`refunded: true`, nothing written).
 *
 * Example: pledge p1 of 5000 via Stripe → entries external:stripe −5000, wish:acme/ui#7 +5000.
 */
export async function confirmPledgePayment({
  wishes,
  ledger,
  outbox,
  clock,
  wishId,
  pledgeId,
  provider,
}: {
  wishes: WishStore;
  ledger: LedgerStore;
  outbox: NotificationOutbox;
  clock: Clock;
  wishId: WishId;
  pledgeId: string;
  provider: 'stripe' | 'offline';
}): Promise<WishChange & { newlyPaid: boolean; refunded: boolean }> {
  let newlyPaid = false;
  let refunded = false;
  const change = await wishes.update(wishId, (w) => {
    newlyPaid = w.pledges.some((p) => p.id === pledgeId && p.status === 'committed');
    // Decided under the wish's lock: a pledge released or refunded meanwhile (a refund event
    // that overtook this payment) is never counted as paid; the caller returns the money.
    refunded = w.pledges.some((p) => p.id === pledgeId && p.status === 'refunded');
    if (refunded) return ok({ wish: w, events: [] });
    return markPledgePaid(w, pledgeId, clock.now());
  });
  const pledge = change.wish.pledges.find((p) => p.id === pledgeId);
  if (!pledge) throw new DomainError('not_found', `No pledge ${pledgeId} on wish ${wishId}.`, { wishId, pledgeId });
  if (refunded) return { ...change, newlyPaid: false, refunded: true };
  // Appended even when the pledge was already paid: the key makes it a no-op, and it repairs
  // a crash between the two writes.
  await ledger.append([paidTransaction(wishId, pledgeId, pledge.amount, provider)]);
  await publish(outbox, change);
  return { ...change, newlyPaid, refunded: false };
}

/**
 * The `pledge_paid` movement: a pledge's money from the provider into the wish's escrow.
 *
 * Example: pledge p1 of 5000 via Stripe → external:stripe −5000, wish:acme/ui#7 +5000 (key `pledge:p1:paid`).
 */
export function paidTransaction(wishId: WishId, pledgeId: string, amount: number, provider: string) {
  return transaction({
    key: ledgerKeys.pledgePaid(pledgeId),
    kind: 'pledge_paid',
    memo: `Pledge ${pledgeId} to ${wishId} paid (${provider})`,
    entries: [
      { account: accounts.external(provider), amount: -amount },
      { account: accounts.wish(wishId), amount },
    ],
  });
}
