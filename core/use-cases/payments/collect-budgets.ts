import { DomainError } from '../../errors.ts';
import { noticeKeys, paymentKeys } from '../../keys.ts';
import { formatMoney, money } from '../../money.ts';
import type { Period } from '../../period.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { BudgetCollector } from '../close-period.ts';

/**
 * The close's budget collection: each company's budget for the period is charged off-session
 * with its saved payment method (idempotency key `budget:<companyId>:<period>`, also the key of
 * its payment row). A declined charge or a missing payment method leaves the company's
 * allocation unfunded for the period: recorded as a failed payment, reported to the company
 * (a notice), and the close skips the company. Offline, the budget is recorded as owed by the
 * company and the close proceeds; the operator marks it paid when the money arrives.
 *
 * A charge whose outcome is unknown (Stripe unreachable) stops the close before anything is
 * distributed; running the close again asks Stripe again with the same key, never charging twice.
 */
export function budgetCollector({
  gateway,
  payments,
  outbox,
  currency,
}: {
  gateway: PaymentProvider;
  payments: PaymentStore;
  outbox: NotificationOutbox;
  currency: string;
}): BudgetCollector {
  return {
    async collect(period: Period, companies: readonly { companyId: string; budget: number }[]) {
      const unfunded: { companyId: string; reason: string }[] = [];
      const unknown: string[] = [];
      // Every budget row in one set-based write: offline, that is all a close of any size needs.
      const rows = await payments.ensureMany(
        companies.map((c) => ({ kind: 'budget_charge' as const, provider: gateway.mode, amount: c.budget, currency, idempotencyKey: paymentKeys.budgetCharge(c.companyId, period), companyId: c.companyId, period })),
      );
      for (const [i, c] of companies.entries()) {
        const key = paymentKeys.budgetCharge(c.companyId, period);
        let row = rows[i]!;
        if (row.status === 'succeeded') continue;
        if (row.status === 'failed') {
          unfunded.push({ companyId: c.companyId, reason: row.error ?? 'the charge failed' });
          continue;
        }
        // Offline: owed by the company, counted in the close, settled by the operator.
        if (row.provider === 'offline') continue;
        const billing = await payments.billing(c.companyId);
        let error: string | null = null;
        if (!billing?.customerId || !billing.paymentMethodId) {
          error = 'no payment method is saved';
          row = await payments.update(row.id, { status: 'failed', error });
        } else {
          await payments.update(row.id, { attempt: true });
          const outcome = await gateway.chargeBudget({
            companyId: c.companyId,
            period,
            amount: money(row.amount, row.currency),
            customerId: billing.customerId,
            paymentMethodId: billing.paymentMethodId,
            idempotencyKey: key,
          });
          row = await payments.update(row.id, {
            status: outcome.status,
            error: outcome.status === 'succeeded' ? null : (outcome.error ?? 'unknown outcome'),
            ...(outcome.externalId ? { externalId: outcome.externalId } : {}),
          });
          if (outcome.status === 'pending') {
            unknown.push(`${c.companyId} (${outcome.error ?? 'no answer'})`);
            continue;
          }
          if (outcome.status === 'failed') error = outcome.error;
        }
        if (error !== null) {
          unfunded.push({ companyId: c.companyId, reason: error });
          const amount = formatMoney(money(row.amount, row.currency));
          await outbox.enqueue([
            {
              key: noticeKeys.budgetChargeFailed(c.companyId, period),
              target: `company:${c.companyId}`,
              kind: 'month_end_summary',
              text: `Your Upkeep budget of ${amount} for ${period} could not be charged: ${error}. Your allocation is not funded for ${period}; nothing was paid to maintainers on your behalf.`,
              data: { type: 'budget_charge_failed', companyId: c.companyId, period, amount: row.amount, currency: row.currency, error, paymentId: row.id },
            },
          ]);
        }
      }
      if (unknown.length > 0) {
        throw new DomainError(
          'payment_failed',
          `The budget charge of ${unknown.join(', ')} for ${period} has no answer from Stripe yet; nothing was distributed. Run the close again: the same charges are retried and never made twice.`,
          { period, companies: unknown },
        );
      }
      return { unfunded };
    },
  };
}
