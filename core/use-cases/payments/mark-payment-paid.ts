import { DomainError } from '../../errors.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { Payment, PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { WishStore } from '../../ports/wishes.ts';
import type { WishId } from '../../wishlist.ts';
import { payoutTransaction } from './send-payouts.ts';
import { markRefunded, refundTransaction, settlePledgePayment } from './settle-pledge-payment.ts';

/**
 * Offline settlement by the operator (`payments:mark-paid <id>`): the money of an offline
 * payment moved by hand. A pledge becomes paid (escrow credited, the wish may be funded); a
 * refund leaves the wish's escrow; a payout leaves the maintainer's balance; a budget charge
 * owed by a company is paid. Idempotent; Stripe payments are settled by Stripe's events only.
 */
export async function markPaymentPaid({
  payments,
  gateway,
  wishes,
  ledger,
  outbox,
  clock,
  paymentId,
}: {
  payments: PaymentStore;
  gateway: PaymentProvider;
  wishes: WishStore;
  ledger: LedgerStore;
  outbox: NotificationOutbox;
  clock: Clock;
  paymentId: string;
}): Promise<{ payment: Payment; changed: boolean; detail: string }> {
  const row = await payments.byId(paymentId);
  if (!row) throw new DomainError('not_found', `No payment ${paymentId}; the list of pending payments shows their ids.`, { paymentId });
  if (row.provider !== 'offline') {
    throw new DomainError('invalid_input', `Payment ${paymentId} went through Stripe; Stripe's events settle it, not the operator.`, { paymentId });
  }
  if (row.status === 'cancelled') throw new DomainError('conflict', `Payment ${paymentId} was cancelled (its wish was cancelled or expired).`, { paymentId });
  const already = row.status === 'succeeded';
  let detail = '';
  switch (row.kind) {
    case 'pledge': {
      const r = await settlePledgePayment({ wishes, ledger, outbox, clock, payments, gateway, wishId: row.wishId as WishId, pledgeId: row.pledgeId!, provider: 'offline', received: null, checkoutId: null });
      detail = r.outcome === 'paid' ? `pledge ${row.pledgeId} paid into ${row.wishId}${r.funded ? '; the wish is now funded' : ''}` : `pledge ${row.pledgeId}: ${r.outcome}`;
      break;
    }
    case 'refund':
      await ledger.append([refundTransaction(row.wishId as WishId, row.pledgeId!, row.amount, 'offline')]);
      await markRefunded(wishes, row.wishId as WishId, row.pledgeId!, clock);
      detail = `refund of pledge ${row.pledgeId} recorded`;
      break;
    case 'payout':
      await ledger.append([payoutTransaction(row)]);
      detail = `payout to ${row.login} for ${row.period} recorded`;
      break;
    case 'budget_charge':
      detail = `budget of company ${row.companyId} for ${row.period} received`;
      break;
    default:
      detail = `${row.kind} marked paid`;
  }
  const payment = already ? row : await payments.update(row.id, { status: 'succeeded', error: null });
  return { payment, changed: !already, detail };
}
