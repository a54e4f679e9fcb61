import { budgetFailureNotices, unfundedReason } from '../../billing.ts';
import { DomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import { money } from '../../money.ts';
import type { Period } from '../../period.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CompanyStore } from '../../ports/companies.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { BudgetCollector } from '../close-period.ts';

/**
 * The close's budget collection: each company's budget for the period is charged off-session
 * with its saved payment method (idempotency key `budget:<companyId>:<period>`, also the key of
 * its payment row). A declined charge or a missing payment method leaves the company's
 * allocation unfunded for the period: recorded as a failed payment (its reason, e.g. "no card
 * saved" or "card declined: …", and the time of the failure by the clock, which opens the 7-day
 * late retry window), reported to the channels following the company and to each of its admins
 * directly (with `companies`), and the close skips the company. Offline, the budget is recorded as owed by the
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
  companies: directory,
  clock,
}: {
  gateway: PaymentProvider;
  payments: PaymentStore;
  outbox: NotificationOutbox;
  currency: string;
  /** Who the company is and who its admins are, for the direct messages; without it, channels only. */
  companies?: Pick<CompanyStore, 'findById' | 'admins'>;
  /** When a charge fails (the late retry window starts then); the system time without it. */
  clock?: Clock;
}): BudgetCollector {
  return {
    async collect(period: Period, companies: readonly { companyId: string; budget: number }[]) {
      const unfunded: { companyId: string; reason: string }[] = [];
      const unknown: string[] = [];
      // Recorded by notice key, so telling a failure again records nothing new.
      const tellFailure = async (companyId: string, row: { id: string; amount: number; currency: string }, reason: string, failedAt: Date) => {
        const company = (await directory?.findById(companyId)) ?? null;
        const admins = company && directory ? await directory.admins(company.id) : [];
        await outbox.enqueue(
          budgetFailureNotices(
            {
              company: company ? { id: company.id, name: company.name, workspace: company.workspace } : { id: companyId, name: companyId, workspace: '' },
              period,
              amount: row.amount,
              currency: row.currency,
              reason,
              attempt: 'charge',
              failedAt,
              paymentId: row.id,
            },
            admins,
          ),
        );
      };
      // Every budget row in one set-based write: offline, that is all a close of any size needs.
      const rows = await payments.ensureMany(
        companies.map((c) => ({ kind: 'budget_charge' as const, provider: gateway.mode, amount: c.budget, currency, idempotencyKey: paymentKeys.budgetCharge(c.companyId, period), companyId: c.companyId, period })),
      );
      for (const [i, c] of companies.entries()) {
        const key = paymentKeys.budgetCharge(c.companyId, period);
        let row = rows[i]!;
        if (row.status === 'succeeded') continue;
        if (row.status === 'failed') {
          const reason = row.error ?? 'the charge failed';
          unfunded.push({ companyId: c.companyId, reason });
          // A close that died between recording the failure and its notice tells it now (at the failure's time).
          await tellFailure(c.companyId, row, reason, row.updatedAt);
          continue;
        }
        // Offline: owed by the company, counted in the close, settled by the operator.
        if (row.provider === 'offline') continue;
        const billing = await payments.billing(c.companyId);
        const failedAt = clock?.now() ?? new Date();
        let error: string | null = null;
        if (!billing?.customerId || !billing.paymentMethodId) {
          error = unfundedReason.noCard;
          row = await payments.update(row.id, { status: 'failed', error, at: failedAt });
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
          const declined = outcome.status === 'failed' ? unfundedReason.declined(outcome.error) : null;
          row = await payments.update(row.id, {
            status: outcome.status,
            error: outcome.status === 'succeeded' ? null : (declined ?? outcome.error ?? 'unknown outcome'),
            ...(outcome.externalId ? { externalId: outcome.externalId } : {}),
            ...(outcome.status === 'failed' ? { at: failedAt } : {}),
          });
          if (outcome.status === 'pending') {
            unknown.push(`${c.companyId} (${outcome.error ?? 'no answer'})`);
            continue;
          }
          error = declined;
        }
        if (error !== null) {
          unfunded.push({ companyId: c.companyId, reason: error });
          await tellFailure(c.companyId, row, error, failedAt);
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
