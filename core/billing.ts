// Company billing rules: why a month is unfunded (in words a company reads on its receipt), the
// window in which saving a card retries a failed month-end charge, and the notices that tell a
// company's admins, directly, that their budget was not charged and how to fix it.
import { hintFor } from './commands/usage.ts';
import { noticeKeys } from './keys.ts';
import { formatMoney, money } from './money.ts';
import type { Period } from './period.ts';
import type { Notice } from './ports/notifications.ts';

/** Days after a failed month-end charge during which saving a card retries that month once. */
export const LATE_RETRY_DAYS = 7;
const DAY_MS = 86_400_000;

/** The reasons a month stays unfunded, as receipts, notices and App Home say them. */
export const unfundedReason = {
  noCard: 'no card saved',
  declined: (providerMessage: string) => `card declined: ${providerMessage}`,
  retryDeclined: (providerMessage: string) => `retry declined: ${providerMessage}`,
  tooLate: 'card saved too late',
  /** The company had no budget or no valid allocation standing when the month closed. */
  nothingStanding: 'no budget or valid allocation when the month closed',
} as const;

/** The last moment a card saved retries the charge that failed at `failedAt`. */
export function lateRetryDeadline(failedAt: Date): Date {
  return new Date(failedAt.getTime() + LATE_RETRY_DAYS * DAY_MS);
}

/** Whether a card saved at `savedAt` is in time to retry a charge that failed at `failedAt` (7 days, inclusive). */
export function withinLateRetry(failedAt: Date, savedAt: Date): boolean {
  return savedAt.getTime() >= failedAt.getTime() && savedAt.getTime() <= lateRetryDeadline(failedAt).getTime();
}

/**
 * Where a direct message to one member goes: `direct:<platform>:<team>/<user>` from the
 * company's workspace (`slack:T0123`, `slack:E01:T0123`) and the member (`slack:U0456`); null
 * when they are not on the same platform.
 */
export function directTarget(workspace: string, userRef: string): string | null {
  const [platform, ...rest] = workspace.split(':');
  const colon = userRef.indexOf(':');
  if (!platform || rest.length === 0 || colon < 0 || userRef.slice(0, colon) !== platform) return null;
  return `direct:${platform}:${rest[rest.length - 1]}/${userRef.slice(colon + 1)}`;
}

export interface BudgetFailure {
  company: { id: string; name: string; workspace: string };
  period: Period;
  amount: number;
  currency: string;
  /** One of `unfundedReason`. */
  reason: string;
  /** `charge`: the month-end charge; `retry`: the one late retry. */
  attempt: 'charge' | 'retry';
  /** When the charge failed (the retry window starts then). */
  failedAt: Date;
  paymentId: string;
}

/**
 * The notices of a budget that could not be charged: one for the channels following the
 * company (as before), and one direct message per admin, with the reason and what to do (the
 * `billing` hint in `data.hint`, rendered by each platform in its syntax). Keys are stable per
 * company, period, attempt and admin, so a re-run close tells nobody twice.
 *
 * Example: acme, 2026-11, €2,000.00, no card saved → "Your Upkeep budget of €2,000.00 for
 * 2026-11 could not be charged: no card saved. … Save a card by 2026-12-08 and 2026-11 is
 * charged again and distributed to its maintainers."
 */
export function budgetFailureNotices(f: BudgetFailure, admins: readonly string[]): Notice[] {
  const amount = formatMoney(money(f.amount, f.currency));
  const deadline = lateRetryDeadline(f.failedAt).toISOString().slice(0, 10);
  const fix =
    f.attempt === 'charge'
      ? `An admin can save a card with the billing command; a card saved by ${deadline} charges ${f.period} again and distributes it to its maintainers.`
      : `${f.period} stays unfunded. An admin can save a working card with the billing command for the next months.`;
  const what = f.attempt === 'charge' ? 'could not be charged' : 'could not be charged on retry';
  const text = `Your Upkeep budget of ${amount} for ${f.period} ${what}: ${f.reason}. Your allocation is not funded for ${f.period}; nothing was paid to maintainers on your behalf. ${fix}`;
  const data = {
    type: f.attempt === 'charge' ? 'budget_charge_failed' : 'budget_retry_failed',
    companyId: f.company.id,
    companyName: f.company.name,
    period: f.period,
    amount: f.amount,
    currency: f.currency,
    error: f.reason,
    paymentId: f.paymentId,
    retryUntil: f.attempt === 'charge' ? lateRetryDeadline(f.failedAt).toISOString() : null,
    hint: hintFor('billing'),
  };
  const notices: Notice[] = [];
  // The channel notice of the month-end charge keeps its key (channels heard it once already).
  if (f.attempt === 'charge') notices.push({ key: noticeKeys.budgetChargeFailed(f.company.id, f.period), target: `company:${f.company.id}`, kind: 'month_end_summary', text, data });
  for (const admin of admins) {
    const target = directTarget(f.company.workspace, admin);
    if (!target) continue;
    notices.push({ key: noticeKeys.budgetChargeFailedAdmin(f.company.id, f.period, f.attempt, admin), target, kind: 'month_end_summary', text, data: { ...data, admin } });
  }
  return notices;
}

/** The notice to the company's channels and admins that a month was funded late. */
export function lateFundedNotices(company: { id: string; name: string; workspace: string }, period: Period, amount: number, currency: string, admins: readonly string[]): Notice[] {
  const text = `Your Upkeep budget of ${formatMoney(money(amount, currency))} for ${period} was charged to the card you saved and distributed to the maintainers of ${period}. The receipt of ${period} now shows where it went.`;
  const data = { type: 'budget_funded_late', companyId: company.id, companyName: company.name, period, amount, currency, hint: hintFor('receipt') };
  const notices: Notice[] = [{ key: noticeKeys.lateContribution(company.id, period), target: `company:${company.id}`, kind: 'month_end_summary', text, data }];
  for (const admin of admins) {
    const target = directTarget(company.workspace, admin);
    if (target) notices.push({ key: noticeKeys.lateContributionAdmin(company.id, period, admin), target, kind: 'month_end_summary', text, data: { ...data, admin } });
  }
  return notices;
}
