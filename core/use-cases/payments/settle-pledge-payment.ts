import { DomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import { accounts, transaction } from '../../ledger.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { markPledgeRefunded, type WishId } from '../../wishlist.ts';
import { confirmPledgePayment, paidTransaction } from '../wishes/confirm-pledge-payment.ts';

export type PledgeSettlement =
  | { outcome: 'paid'; newlyPaid: boolean; funded: boolean }
  /** The money arrived for a pledge already released (its wish was cancelled or expired): refunded at once. */
  | { outcome: 'refunded_late'; refund: 'succeeded' | 'failed' | 'pending' }
  | { outcome: 'amount_mismatch'; expected: number; received: number };

/**
 * A pledge's payment arrived (Stripe `checkout.session.completed`, or an operator settling an
 * offline pledge): the pledge is paid, its money enters the wish's escrow (`pledge_paid`), and
 * the wish may become funded (exactly once; the wish store serialises this). Idempotent.
 *
 * If the pledge was already released because its wish was cancelled or expired, the money is
 * recorded and refunded at once (`pledge_paid` then `pledge_refund`), never kept.
 *
 * Example: Stripe collected 5000 for pledge p1 of acme/ui#7 (quote 5000) →
 * `pledge:p1:paid`: external:stripe −5000, wish:acme/ui#7 +5000; the wish is funded. Had
 * acme/ui#7 expired first: also `refund:p1`: wish:acme/ui#7 −5000, external:stripe +5000.
 */
export async function settlePledgePayment({
  wishes,
  ledger,
  outbox,
  clock,
  payments,
  gateway,
  wishId,
  pledgeId,
  provider,
  received,
  checkoutId,
}: {
  wishes: WishStore;
  ledger: LedgerStore;
  outbox: NotificationOutbox;
  clock: Clock;
  payments: PaymentStore;
  gateway: PaymentProvider;
  wishId: WishId;
  pledgeId: string;
  provider: 'stripe' | 'offline';
  /** Amount the provider collected (minor units); null when the operator settles. */
  received: number | null;
  checkoutId: string | null;
}): Promise<PledgeSettlement> {
  const wish = await wishes.get(wishId);
  if (!wish) throw new DomainError('wish_not_found', `There is no wish ${wishId}.`, { wishId });
  const pledge = wish.pledges.find((p) => p.id === pledgeId);
  if (!pledge) throw new DomainError('not_found', `No pledge ${pledgeId} on wish ${wishId}.`, { wishId, pledgeId });
  const row = (checkoutId ? await payments.byExternalId(checkoutId) : null) ?? (await payments.forPledge(pledgeId, 'pledge'));
  if (received !== null && received !== pledge.amount) {
    // Never credit an escrow with a different amount than the pledge; the operator decides.
    if (row) await payments.update(row.id, { error: `received ${received}, pledged ${pledge.amount}` });
    return { outcome: 'amount_mismatch', expected: pledge.amount, received };
  }
  if (pledge.status !== 'refunded') {
    const result = await confirmPledgePayment({ wishes, ledger, outbox, clock, wishId, pledgeId, provider });
    if (!result.refunded) {
      if (row && row.status !== 'succeeded') await payments.update(row.id, { status: 'succeeded', error: null, ...(checkoutId && !row.externalId ? { externalId: checkoutId } : {}) });
      const funded = result.events.some((e) => e.type === 'funded');
      // Paid after the wish was cancelled or expired (but before its refund run): refund now.
      if (result.wish.status === 'cancelled' || result.wish.status === 'expired') {
        const refund = await refundPaidPledge({ payments, gateway, ledger, wishId, pledge: { id: pledgeId, amount: pledge.amount }, currency: wish.currency, provider, checkoutId: checkoutId ?? row?.externalId ?? null });
        if (refund === 'succeeded') await markRefunded(wishes, wishId, pledgeId, clock);
      }
      return { outcome: 'paid', newlyPaid: result.newlyPaid, funded };
    }
  }
  // The pledge was released (withdrawn, its wish cancelled or expired) or its charge already
  // refunded by the provider: the money is recorded and given back, never counted as paid.
  // When the provider refunded it first, the refund row is already succeeded and nothing is
  // asked of the gateway again.
  await ledger.append([paidTransaction(wishId, pledgeId, pledge.amount, provider)]);
  if (row && row.status !== 'succeeded') await payments.update(row.id, { status: 'succeeded', ...(checkoutId && !row.externalId ? { externalId: checkoutId } : {}) });
  const refund = await refundPaidPledge({ payments, gateway, ledger, wishId, pledge: { id: pledgeId, amount: pledge.amount }, currency: wish.currency, provider, checkoutId: checkoutId ?? row?.externalId ?? null });
  return { outcome: 'refunded_late', refund };
}

/** The `pledge_paid` movement, as confirmPledgePayment writes it (same key). */
export { paidTransaction };

/**
 * The `pledge_refund` movement: the wish's escrow back out to the provider it came from.
 *
 * Example: p2 paid 2000 to acme/ui#7 via Stripe → `refund:p2`: wish:acme/ui#7 −2000, external:stripe +2000.
 */
export function refundTransaction(wishId: WishId, pledgeId: string, amount: number, provider: string) {
  return transaction({
    key: paymentKeys.refund(pledgeId),
    kind: 'pledge_refund',
    memo: `Pledge ${pledgeId} to ${wishId} refunded (${provider})`,
    entries: [
      { account: accounts.wish(wishId), amount: -amount },
      { account: accounts.external(provider), amount },
    ],
  });
}

/** Marks a pledge refunded (or released) on its wish; a no-op when it already is. */
export async function markRefunded(wishes: WishStore, wishId: WishId, pledgeId: string, clock: Clock): Promise<void> {
  await wishes.update(wishId, (w) => markPledgeRefunded(w, pledgeId, clock.now()));
}

/**
 * Refunds one paid pledge through the gateway, exactly once: the payment row and the provider
 * share the idempotency key `refund:<pledgeId>`, and the ledger transaction has the same key.
 * Returns the outcome; the caller marks the pledge refunded on success.
 */
export async function refundPaidPledge({
  payments,
  gateway,
  ledger,
  wishId,
  pledge,
  currency,
  provider,
  checkoutId,
}: {
  payments: PaymentStore;
  gateway: PaymentProvider;
  ledger: LedgerStore;
  wishId: WishId;
  pledge: { id: string; amount: number };
  currency: string;
  /** Where the pledge's money came from (`external:<provider>` in the ledger). */
  provider: 'stripe' | 'offline';
  checkoutId: string | null;
}): Promise<'succeeded' | 'failed' | 'pending'> {
  const key = paymentKeys.refund(pledge.id);
  const row = await payments.ensure({ kind: 'refund', provider, amount: pledge.amount, currency, idempotencyKey: key, wishId, pledgeId: pledge.id });
  if (row.status !== 'succeeded') {
    // Offline money is returned by the operator, who marks the refund paid.
    if (provider === 'offline' || gateway.mode === 'offline') return 'pending';
    await payments.update(row.id, { attempt: true });
    const outcome = await gateway.refundPledge({ pledgeId: pledge.id, wishId, amount: { amount: pledge.amount, currency }, checkoutId, idempotencyKey: key });
    if (outcome.status !== 'succeeded') {
      await payments.update(row.id, { status: outcome.status === 'failed' ? 'failed' : 'pending', error: outcome.error ?? 'unknown outcome' });
      return outcome.status;
    }
    await payments.update(row.id, { status: 'succeeded', error: null, ...(outcome.externalId ? { externalId: outcome.externalId } : {}) });
  }
  // Also written when the row already succeeded: repairs a crash between the two writes.
  await ledger.append([refundTransaction(wishId, pledge.id, pledge.amount, provider)]);
  return 'succeeded';
}
