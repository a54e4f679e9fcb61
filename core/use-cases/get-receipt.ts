import { unfundedReason } from '../billing.ts';
import { DomainError } from '../errors.ts';
import { paymentKeys } from '../keys.ts';
import type { LedgerTransaction } from '../ledger.ts';
import { isLateKey, receiptLines, type ReceiptLine } from '../month-end.ts';
import type { Money } from '../money.ts';
import type { Period } from '../period.ts';
import type { Company } from '../ports/companies.ts';
import type { LedgerStore } from '../ports/ledger.ts';
import type { PaymentStore } from '../ports/payments.ts';

/**
 * CONTRACT §3 receipt: what a company paid in a closed period and where each part went.
 * `funded`: the lines (`fundedLate` when the month was charged after its close, on a card saved
 * within 7 days). `unfunded`: no lines, a zero total and the `reason` (e.g. "no card saved",
 * "card declined: …", "retry declined: …", "card saved too late"). A month not closed yet has
 * no receipt (`period_not_closed`).
 */
export type Receipt = {
  period: Period;
  company: { id: string; name: string };
  total: Money;
  lines: ReceiptLine[];
} & ({ status: 'funded'; fundedLate: boolean } | { status: 'unfunded'; reason: string });

/** Keeps what belongs on `companyId`'s receipt: its late transactions if it was funded late, never another company's. */
function ownTransactions(txs: readonly LedgerTransaction[], companyId: string, period: Period): { txs: LedgerTransaction[]; late: boolean } {
  const late = txs.some((tx) => tx.kind === 'contribution' && isLateKey(tx.key, period, companyId));
  // Another company's late distribution of a shared package is its own money, not this one's.
  const own = txs.filter((tx) => !isLateKey(tx.key, period) || isLateKey(tx.key, period, companyId));
  return { txs: late ? own.filter((tx) => isLateKey(tx.key, period, companyId)) : own, late };
}

/**
 * A company's receipt for a closed period, read back from the ledger; why it is unfunded from
 * the budget charge's payment rows (the retry's, when there was one, says the last word).
 */
export async function getReceipt({
  ledger,
  company,
  period,
  payments,
}: {
  ledger: LedgerStore;
  company: Company;
  period: Period;
  /** Where the reason of an unfunded month is read; without it, the reason is generic. */
  payments?: Pick<PaymentStore, 'byKey'>;
}): Promise<Receipt> {
  const state = await ledger.period(period);
  if (state?.status !== 'closed') {
    throw new DomainError('period_not_closed', `${period} is not closed yet; its receipt exists once the month-end close has run.`, { period });
  }
  const all = await ledger.companyTransactions(company.id, period);
  const { txs, late } = ownTransactions(all, company.id, period);
  const contributed = txs.some((tx) => tx.kind === 'contribution' && tx.entries.some((e) => e.account === `company:${company.id}` && e.amount < 0));
  const base = { period, company: { id: company.id, name: company.name } };
  if (!contributed) {
    return { ...base, status: 'unfunded', reason: await unfundedReasonOf(payments, company.id, period), total: { amount: 0, currency: company.currency }, lines: [] };
  }
  const lines = receiptLines(txs, company.id);
  return { ...base, status: 'funded', fundedLate: late, total: { amount: lines.reduce((s, l) => s + l.amount, 0), currency: company.currency }, lines };
}

async function unfundedReasonOf(payments: Pick<PaymentStore, 'byKey'> | undefined, companyId: string, period: Period): Promise<string> {
  if (!payments) return 'not funded';
  const [charge, retry] = await Promise.all([payments.byKey(paymentKeys.budgetCharge(companyId, period)), payments.byKey(paymentKeys.budgetRetry(companyId, period))]);
  if (retry?.status === 'failed' && retry.error) return retry.error;
  if (retry?.status === 'pending' && retry.attempts > 0) return `${charge?.error ?? 'not charged'}; the retry has no answer yet`;
  if (charge?.status === 'failed') return charge.error ?? 'the charge failed';
  return unfundedReason.nothingStanding;
}

/** The CSV columns of receipts (stable: an unfunded month uses the same columns). */
export const RECEIPT_CSV_COLUMNS = ['period', 'package', 'maintainer', 'amount', 'escrow', 'currency'] as const;

export type ReceiptRow = { period: string; package: string; maintainer: string; amount: number; escrow: number; currency: string };

/**
 * One row per package and maintainer share (escrow rows have no maintainer), for CSV exports.
 * An unfunded month is one row whose `package` says so and why, e.g.
 * `2026-11,unfunded: no card saved,,0,0,EUR`.
 */
export function receiptRows(receipt: Receipt): ReceiptRow[] {
  if (receipt.status === 'unfunded') {
    return [{ period: receipt.period, package: `unfunded: ${receipt.reason}`, maintainer: '', amount: 0, escrow: 0, currency: receipt.total.currency }];
  }
  const rows: ReceiptRow[] = [];
  for (const line of receipt.lines) {
    for (const m of line.maintainers) {
      rows.push({ period: receipt.period, package: line.package, maintainer: m.login, amount: m.amount, escrow: 0, currency: receipt.total.currency });
    }
    if (line.escrow > 0) {
      rows.push({ period: receipt.period, package: line.package, maintainer: '', amount: line.escrow, escrow: line.escrow, currency: receipt.total.currency });
    }
  }
  return rows;
}

/** The receipt as JSON (CONTRACT §3): `status`, `total`, `lines`, and `reason` when unfunded (API and company page). */
export function receiptDocument(receipt: Receipt) {
  return {
    period: receipt.period,
    company: receipt.company.name,
    status: receipt.status,
    ...(receipt.status === 'unfunded' ? { reason: receipt.reason } : receipt.fundedLate ? { fundedLate: true } : {}),
    total: receipt.total,
    lines: receipt.lines,
  };
}

/**
 * Every closed month the company has a receipt for, oldest first: the months it contributed
 * (at the close or late) and the months its budget charge failed (unfunded receipts).
 */
export async function receiptPeriods({
  ledger,
  payments,
  company,
}: {
  ledger: Pick<LedgerStore, 'companyTransactions' | 'closedPeriods'>;
  payments: Pick<PaymentStore, 'list'>;
  company: Company;
}): Promise<Period[]> {
  const [txs, charges, closed] = await Promise.all([ledger.companyTransactions(company.id), payments.list({ kind: 'budget_charge', companyId: company.id }), ledger.closedPeriods()]);
  const isClosed = new Set(closed.map((p) => p.period));
  const periods = new Set<Period>();
  for (const tx of txs) if (tx.kind === 'contribution' && tx.period && tx.entries.some((e) => e.account === `company:${company.id}` && e.amount < 0)) periods.add(tx.period);
  for (const c of charges) if (c.status === 'failed' && c.period && isClosed.has(c.period)) periods.add(c.period);
  return [...periods].filter((p) => isClosed.has(p)).sort();
}
