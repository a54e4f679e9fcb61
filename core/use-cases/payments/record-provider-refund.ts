import { DomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { PaymentStore } from '../../ports/payments.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { markPledgeChargeRefunded, type WishId } from '../../wishlist.ts';
import { refundTransaction } from './settle-pledge-payment.ts';

export type ProviderRefund =
  /** Booked: the pledge is refunded (or released) and, if its money was credited, the escrow gave it back. */
  | { outcome: 'refunded'; escrowReturned: boolean }
  /** Part of the charge only: nothing is booked; `upkeep check` lists it for the operator. */
  | { outcome: 'partial'; refunded: number; pledged: number }
  /** The wish is funded with this money: the refund is recorded but not booked; `upkeep check` lists it. */
  | { outcome: 'wish_funded'; status: string };

/**
 * The provider refunded a pledge's charge (Stripe `charge.refunded`: Upkeep's own refund, or
 * one made in Stripe's dashboard), in whatever order its events arrive. The refund is made
 * durable first (the payment row `refund:<pledgeId>`, succeeded), then the pledge is refunded
 * under the wish's lock, so a `checkout.session.completed` that arrives later or at the same
 * time never counts it as paid; the escrow returns the money only if it was credited.
 * Idempotent: every write has its key.
 *
 * Example: p1 paid 3000 to acme/ui#7, then refunded in the dashboard → `refund:p1`:
 * wish:acme/ui#7 −3000, external:stripe +3000. Refunded before its completion arrived →
 * p1 released, nothing moves; the completion then writes `pledge:p1:paid` and `refund:p1`
 * together (net zero) and never funds the wish.
 */
export async function recordProviderRefund({
  wishes,
  ledger,
  payments,
  clock,
  wishId,
  pledgeId,
  provider,
  refunded,
}: {
  wishes: WishStore;
  ledger: LedgerStore;
  payments: PaymentStore;
  clock: Clock;
  wishId: WishId;
  pledgeId: string;
  provider: 'stripe';
  /** Amount the provider says it refunded (minor units); null when it refunded the whole charge without saying. */
  refunded: number | null;
}): Promise<ProviderRefund> {
  const wish = await wishes.get(wishId);
  if (!wish) throw new DomainError('wish_not_found', `There is no wish ${wishId}.`, { wishId });
  const pledge = wish.pledges.find((p) => p.id === pledgeId);
  if (!pledge) throw new DomainError('not_found', `No pledge ${pledgeId} on wish ${wishId}.`, { wishId, pledgeId });
  if (refunded !== null && refunded < pledge.amount) return { outcome: 'partial', refunded, pledged: pledge.amount };
  const row = await payments.ensure({ kind: 'refund', provider, amount: pledge.amount, currency: wish.currency, idempotencyKey: paymentKeys.refund(pledgeId), wishId, pledgeId });
  if (row.status !== 'succeeded') await payments.update(row.id, { status: 'succeeded', error: null, at: clock.now() });
  let wasPaid = false;
  try {
    await wishes.update(wishId, (w) => {
      const r = markPledgeChargeRefunded(w, pledgeId, clock.now());
      if (r.ok) wasPaid = r.value.wasPaid;
      return r;
    });
  } catch (e) {
    if (e instanceof DomainError && e.code === 'wish_transition') return { outcome: 'wish_funded', status: String(e.details?.from ?? 'funded') };
    throw e;
  }
  // The escrow gives the money back if it was credited: the pledge was paid under the lock, or
  // its checkout already succeeded (a redelivery after a crash between the two writes).
  const checkout = await payments.forPledge(pledgeId, 'pledge');
  const credited = wasPaid || checkout?.status === 'succeeded';
  if (credited) await ledger.append([refundTransaction(wishId, pledgeId, pledge.amount, provider)]);
  return { outcome: 'refunded', escrowReturned: credited };
}
