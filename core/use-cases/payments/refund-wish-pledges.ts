import { DomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { WishStore } from '../../ports/wishes.ts';
import type { WishId } from '../../wishlist.ts';
import { markRefunded, refundPaidPledge } from './settle-pledge-payment.ts';

export interface RefundReport {
  wishId: WishId;
  /** Paid pledges refunded by this run. */
  refunded: { pledgeId: string; amount: number }[];
  /** Committed (never paid) pledges released: no money moves. */
  released: string[];
  /** Refunds that did not go through this time; running again retries them with the same key. */
  failed: { pledgeId: string; amount: number; error: string }[];
  /** Offline: refunds owed to pledgers, settled by the operator (`payments:mark-paid`). */
  owed: { pledgeId: string; amount: number; paymentId: string }[];
}

/**
 * Refunds every paid pledge of a cancelled or expired wish, and releases committed ones.
 * Safe to run any number of times, concurrently with itself, or after a crash halfway: each
 * refund uses the idempotency key `refund:<pledgeId>` at the provider, on its payment row and
 * on its `pledge_refund` ledger transaction, so a pledge is refunded at most once; failures
 * are reported and retried by the next run.
 *
 * Example: wish cancelled with p1 paid 5000, p2 paid 2000, p3 committed 1000 → refunds of 5000
 * and 2000 (wish escrow −7000, external:stripe +7000), p3 released.
 */
export async function refundWishPledges({
  wishes,
  payments,
  gateway,
  ledger,
  clock,
  wishId,
}: {
  wishes: WishStore;
  payments: PaymentStore;
  gateway: PaymentProvider;
  ledger: LedgerStore;
  clock: Clock;
  wishId: WishId;
}): Promise<RefundReport> {
  const wish = await wishes.get(wishId);
  if (!wish) throw new DomainError('wish_not_found', `There is no wish ${wishId}.`, { wishId });
  if (wish.status !== 'cancelled' && wish.status !== 'expired') {
    throw new DomainError('wish_transition', `Only a cancelled or expired wish is refunded; ${wishId} is ${wish.status}.`, { wishId, from: wish.status, action: 'refund' });
  }
  const report: RefundReport = { wishId, refunded: [], released: [], failed: [], owed: [] };
  for (const pledge of wish.pledges) {
    if (pledge.status === 'refunded') continue;
    const checkout = await payments.forPledge(pledge.id, 'pledge');
    if (pledge.status === 'committed') {
      if (checkout && checkout.status === 'pending') await payments.update(checkout.id, { status: 'cancelled', error: `wish ${wish.status}` });
      await markRefunded(wishes, wishId, pledge.id, clock);
      report.released.push(pledge.id);
      continue;
    }
    const provider = checkout?.provider ?? gateway.mode;
    const outcome = await refundPaidPledge({ payments, gateway, ledger, wishId, pledge, currency: wish.currency, provider, checkoutId: checkout?.externalId ?? null });
    if (outcome === 'succeeded') {
      await markRefunded(wishes, wishId, pledge.id, clock);
      report.refunded.push({ pledgeId: pledge.id, amount: pledge.amount });
    } else if (provider === 'offline' || gateway.mode === 'offline') {
      const row = await payments.byKey(paymentKeys.refund(pledge.id));
      report.owed.push({ pledgeId: pledge.id, amount: pledge.amount, paymentId: row!.id });
    } else {
      const row = await payments.byKey(paymentKeys.refund(pledge.id));
      report.failed.push({ pledgeId: pledge.id, amount: pledge.amount, error: row?.error ?? outcome });
    }
  }
  return report;
}
