import { budgetFailureNotices, lateFundedNotices, unfundedReason, withinLateRetry } from '../../billing.ts';
import { paymentKeys } from '../../keys.ts';
import { money } from '../../money.ts';
import { planLateContribution } from '../../month-end.ts';
import type { Period } from '../../period.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CompanyStore } from '../../ports/companies.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { Payment, PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { UnfundedMonthStore } from '../../ports/unfunded-months.ts';

/** What became of one unfunded month when the company saved a card. */
export type LateRetryOutcome =
  | { period: Period; outcome: 'funded'; amount: number; written: number }
  | { period: Period; outcome: 'declined'; reason: string }
  | { period: Period; outcome: 'too_late'; reason: string }
  /** Stripe gave no answer: retrying (a redelivered event) asks again with the same key. */
  | { period: Period; outcome: 'pending'; reason: string };

/**
 * A company saved a card (`checkout.session.completed` in setup mode): each month whose
 * month-end charge failed is retried once, if the card was saved within 7 days of the failure
 * (both times by the clock port). The retry is an off-session charge with its own payment row
 * and idempotency key (`budget:<company>:<period>:retry`); if it succeeds, the month is
 * distributed as a late contribution to the same period (core/month-end.ts
 * `planLateContribution`: the allocation and shares frozen for that period, keys
 * `close:<period>:late:<company>:…`), so the receipt of that month becomes funded.
 *
 * Exactly once whatever runs it how often, concurrently included: the retry row is unique by
 * key, Stripe replays the answer of a repeated idempotency key, and ledger transactions are
 * unique by key. A month whose retry was declined or whose card came too late stays unfunded
 * with that reason ("retry declined: …", "card saved too late") and is never retried again.
 *
 * Example: acme's €1,000.00 for 2026-11 failed on 2026-12-01 ("no card saved"); a card saved on
 * 2026-12-05 charges €1,000.00 under `budget:acme:2026-11:retry`, and
 * `close:2026-11:late:acme:contribution` (company:acme −1000 → package pools) and its
 * distributions are written; saved on 2026-12-09 instead, the retry row fails as "card saved too late".
 */
export async function retryUnfundedBudgets({
  payments,
  gateway,
  ledger,
  unfundedMonths,
  companies,
  outbox,
  clock,
  companyId,
}: {
  payments: PaymentStore;
  gateway: PaymentProvider;
  ledger: Pick<LedgerStore, 'append'>;
  unfundedMonths: UnfundedMonthStore;
  companies: Pick<CompanyStore, 'findById' | 'admins'>;
  outbox: NotificationOutbox;
  clock: Clock;
  companyId: string;
}): Promise<LateRetryOutcome[]> {
  if (gateway.mode === 'offline') return [];
  const savedAt = clock.now();
  const rows = await payments.list({ kind: 'budget_charge', companyId });
  const failed = rows.filter((r) => r.status === 'failed' && r.period !== null && r.idempotencyKey === paymentKeys.budgetCharge(companyId, r.period));
  if (failed.length === 0) return [];
  const billing = await payments.billing(companyId);
  const company = await companies.findById(companyId);
  if (!billing?.customerId || !billing.paymentMethodId || !company) return [];
  const admins = await companies.admins(companyId);
  const who = { id: company.id, name: company.name, workspace: company.workspace };
  const out: LateRetryOutcome[] = [];
  for (const charge of failed) {
    const period = charge.period!;
    const frozen = await unfundedMonths.frozen(period, companyId);
    // Nothing was kept aside (the close has not excluded the company yet): nothing to distribute.
    if (!frozen) continue;
    let retry = await payments.ensure({
      kind: 'budget_charge',
      provider: gateway.mode,
      amount: charge.amount,
      currency: charge.currency,
      idempotencyKey: paymentKeys.budgetRetry(companyId, period),
      companyId,
      period,
    });
    if (retry.status === 'pending' && retry.attempts === 0 && !withinLateRetry(charge.updatedAt, savedAt)) {
      retry = await payments.update(retry.id, { status: 'failed', error: unfundedReason.tooLate, at: savedAt });
      out.push({ period, outcome: 'too_late', reason: unfundedReason.tooLate });
      continue;
    }
    if (retry.status === 'pending') retry = await charged(retry);
    if (retry.status === 'succeeded') {
      // Written after the charge succeeded, on every run: a crash between the two is completed by the next.
      const written = await ledger.append(planLateContribution({ ...frozen, company: { ...frozen.company, budget: retry.amount } }));
      if (written > 0) await outbox.enqueue(lateFundedNotices(who, period, retry.amount, retry.currency, admins));
      out.push({ period, outcome: 'funded', amount: retry.amount, written });
    } else if (retry.status === 'failed') {
      const reason = retry.error ?? unfundedReason.retryDeclined('the charge failed');
      if (reason !== unfundedReason.tooLate) {
        await outbox.enqueue(
          budgetFailureNotices({ company: who, period, amount: retry.amount, currency: retry.currency, reason, attempt: 'retry', failedAt: retry.updatedAt, paymentId: retry.id }, admins),
        );
      }
      out.push({ period, outcome: reason === unfundedReason.tooLate ? 'too_late' : 'declined', reason });
    } else {
      out.push({ period, outcome: 'pending', reason: retry.error ?? 'no answer from the payment provider yet' });
    }
  }
  return out;

  /** The one off-session charge of the retry (a repeat reuses its key: the provider answers the same). */
  async function charged(retry: Payment): Promise<Payment> {
    await payments.update(retry.id, { attempt: true });
    const outcome = await gateway.chargeBudget({
      companyId,
      period: retry.period!,
      amount: money(retry.amount, retry.currency),
      customerId: billing!.customerId!,
      paymentMethodId: billing!.paymentMethodId!,
      idempotencyKey: retry.idempotencyKey,
    });
    return payments.update(retry.id, {
      status: outcome.status,
      error: outcome.status === 'succeeded' ? null : outcome.status === 'failed' ? unfundedReason.retryDeclined(outcome.error) : (outcome.error ?? 'no answer'),
      ...(outcome.externalId ? { externalId: outcome.externalId } : {}),
      at: clock.now(),
    });
  }
}
