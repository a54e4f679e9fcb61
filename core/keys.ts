/**
 * Idempotency keys, built in one place like ledger account names. A payment row's key is also
 * the key sent to the payment provider and the key of its ledger transaction, so a retry, a
 * redelivered event or a re-run job never moves money twice.
 */
import type { Period } from './period.ts';

export const paymentKeys = {
  /** A pledge's payment (Checkout session or offline commitment). */
  pledge: (pledgeId: string) => `pledge:${pledgeId}`,
  /** The refund of one pledge (provider call, payment row and ledger transaction). */
  refund: (pledgeId: string) => `refund:${pledgeId}`,
  /** A company's budget charge for a month. */
  budgetCharge: (companyId: string, period: Period | string) => `budget:${companyId}:${period}`,
  /** The one late retry of a failed budget charge, when the company saves a card within 7 days. */
  budgetRetry: (companyId: string, period: Period | string) => `budget:${companyId}:${period}:retry`,
  /** A maintainer's payout for a month. */
  payout: (login: string, period: Period | string) => `payout:${login}:${period}`,
  /** A company's card-saving Checkout; `attempt` (the minute) only guards a double click. */
  budgetSetup: (companyId: string, attempt: number) => `setup:${companyId}:${attempt}`,
} as const;

export const ledgerKeys = {
  /** Money of a paid pledge entering the wish's escrow. */
  pledgePaid: (pledgeId: string) => `pledge:${pledgeId}:paid`,
  /** A delivered wish's escrow released to its maintainers. */
  wishRelease: (wishId: string) => `wish:${wishId}:release`,
  contribution: (period: Period, companyId: string) => `close:${period}:contribution:${companyId}`,
  distribution: (period: Period, pkg: string) => `close:${period}:distribution:${pkg}`,
  escrowHold: (period: Period, pkg: string) => `close:${period}:escrow-hold:${pkg}`,
  escrowRelease: (period: Period, pkg: string) => `close:${period}:escrow-release:${pkg}`,
  /** One escrow lot (package, company, origin period) returned as credit to its company. */
  escrowReturn: (period: Period, lot: { package: string; companyId: string; originPeriod: Period }) =>
    `close:${period}:escrow-return:${lot.package}|${lot.companyId}|${lot.originPeriod}`,
  /** Prefix of a late contribution's transactions: one company's month funded after its close. */
  late: (period: Period, companyId: string) => `close:${period}:late:${companyId}:`,
  lateContribution: (period: Period, companyId: string) => `${ledgerKeys.late(period, companyId)}contribution`,
  lateDistribution: (period: Period, companyId: string, pkg: string) => `${ledgerKeys.late(period, companyId)}distribution:${pkg}`,
  lateEscrowHold: (period: Period, companyId: string, pkg: string) => `${ledgerKeys.late(period, companyId)}escrow-hold:${pkg}`,
} as const;

export const noticeKeys = {
  /** A wish's event (`funded`, `progress:50`, `status:3`...). */
  wish: (wishId: string, event: string) => `wish:${wishId}:${event}`,
  /** The reminder, 7 days before the deadline, that an unfunded quoted wish runs out: once per wish. */
  wishReminder: (wishId: string) => `wish:${wishId}:reminder`,
  /** The wish's posted Discord cards brought up to date after its change number `version`. */
  wishCards: (wishId: string, version: number) => `wish:${wishId}:cards:${version}`,
  /** The new issue comment that announces an event (`funded`, `expired`, `cancelled`, `delivered`) to the people concerned. */
  wishComment: (wishId: string, event: 'funded' | 'expired' | 'cancelled' | 'delivered') => `wish:${wishId}:comment:${event}`,
  /** An issue comment's event (`created`, `edited:<updated_at>`, `deleted`) relayed to the wish's Discord threads. */
  threadComment: (commentId: number, event: string) => `thread:github:${commentId}:${event}`,
  /** A Discord thread message's event (`created`, `edited:<edited_timestamp>`, `deleted`) relayed to the wish's issue. */
  threadMessage: (messageId: string, event: string) => `thread:discord:${messageId}:${event}`,
  /** The company's notice that its budget for a month could not be charged. */
  budgetChargeFailed: (companyId: string, period: Period | string) => `${paymentKeys.budgetCharge(companyId, period)}:charge_failed`,
  /** The direct message to one admin that the budget could not be charged (`attempt`: `charge` or `retry`). */
  budgetChargeFailedAdmin: (companyId: string, period: Period | string, attempt: 'charge' | 'retry', userRef: string) =>
    `${paymentKeys.budgetCharge(companyId, period)}:${attempt}_failed:admin:${userRef}`,
  /** The company's notice that its month was funded late. */
  lateContribution: (companyId: string, period: Period | string) => `${paymentKeys.budgetRetry(companyId, period)}:funded`,
  lateContributionAdmin: (companyId: string, period: Period | string, userRef: string) => `${paymentKeys.budgetRetry(companyId, period)}:funded:admin:${userRef}`,
  companySummary: (period: Period, companyId: string) => `close:${period}:summary:company:${companyId}`,
  packageSummary: (period: Period, pkg: string) => `close:${period}:summary:package:${pkg}`,
} as const;
