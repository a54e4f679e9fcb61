import { lateRetryDeadline, withinLateRetry } from '../../billing.ts';
import { paymentKeys } from '../../keys.ts';
import { money, type Money } from '../../money.ts';
import type { Period } from '../../period.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CardDetails, PaymentProvider, PaymentStore } from '../../ports/payments.ts';

/** A month whose budget charge failed and that is still unfunded. */
export interface UnfundedMonth {
  readonly period: Period;
  readonly amount: Money;
  /** "no card saved", "card declined: …", "retry declined: …", "card saved too late". */
  readonly reason: string;
  /** Saving a card before this moment charges the month again (null: too late, or already retried). */
  readonly retryUntil: Date | null;
}

/** What a company sees of its billing: the mode, the card on file, and the months left unfunded. */
export interface BillingView {
  readonly mode: 'stripe' | 'offline';
  readonly card: CardDetails | null;
  /** Stripe on and no card saved: the next month-end charge will fail (say so, with `billing`). */
  readonly needsCard: boolean;
  /** Newest first, at most `limit`. */
  readonly unfunded: UnfundedMonth[];
}

/** The company's billing state, for `billing`, `budget`, `status`, App Home and the company page. */
export async function getBilling({
  payments,
  gateway,
  clock,
  companyId,
  limit = 6,
}: {
  payments: Pick<PaymentStore, 'billing' | 'list'>;
  gateway: Pick<PaymentProvider, 'mode'>;
  clock: Clock;
  companyId: string;
  limit?: number;
}): Promise<BillingView> {
  if (gateway.mode === 'offline') return { mode: 'offline', card: null, needsCard: false, unfunded: [] };
  const [billing, rows] = await Promise.all([payments.billing(companyId), payments.list({ kind: 'budget_charge', companyId })]);
  const byKey = new Map(rows.map((r) => [r.idempotencyKey, r]));
  const now = clock.now();
  const unfunded: UnfundedMonth[] = [];
  for (const charge of rows) {
    if (charge.status !== 'failed' || charge.period === null || charge.idempotencyKey !== paymentKeys.budgetCharge(companyId, charge.period)) continue;
    const retry = byKey.get(paymentKeys.budgetRetry(companyId, charge.period));
    if (retry?.status === 'succeeded') continue; // funded late
    const open = (!retry || (retry.status === 'pending' && retry.attempts === 0)) && withinLateRetry(charge.updatedAt, now);
    // The retry's outcome, once there is one, is the last word on why the month is unfunded.
    const reason = retry?.status === 'failed' && retry.error ? retry.error : (charge.error ?? 'the charge failed');
    unfunded.push({ period: charge.period, amount: money(charge.amount, charge.currency), reason, retryUntil: open ? lateRetryDeadline(charge.updatedAt) : null });
  }
  unfunded.sort((a, b) => (a.period < b.period ? 1 : -1));
  const card = billing?.paymentMethodId ? billing.card : null;
  return { mode: 'stripe', card, needsCard: !billing?.paymentMethodId, unfunded: unfunded.slice(0, limit) };
}
