import { DomainError } from '../errors.ts';
import { receiptLines, type ReceiptLine } from '../month-end.ts';
import type { Money } from '../money.ts';
import type { Period } from '../period.ts';
import type { Company } from '../ports/companies.ts';
import type { LedgerStore } from '../ports/ledger.ts';

/** CONTRACT §3 receipt: what a company paid in a period and where each part went. */
export interface Receipt {
  period: Period;
  company: { id: string; name: string };
  total: Money;
  lines: ReceiptLine[];
}

/** A company's receipt for a closed period, read back from the ledger. */
export async function getReceipt({ ledger, company, period }: { ledger: LedgerStore; company: Company; period: Period }): Promise<Receipt> {
  const state = await ledger.period(period);
  if (state?.status !== 'closed') {
    throw new DomainError('period_not_closed', `${period} is not closed yet; its receipt exists once the month-end close has run.`, { period });
  }
  const lines = receiptLines(await ledger.companyTransactions(company.id, period), company.id);
  return {
    period,
    company: { id: company.id, name: company.name },
    total: { amount: lines.reduce((s, l) => s + l.amount, 0), currency: company.currency },
    lines,
  };
}

/** One row per package and maintainer share (escrow rows have no maintainer), for CSV exports. */
export function receiptRows(receipt: Receipt): { period: string; package: string; maintainer: string; amount: number; escrow: number; currency: string }[] {
  const rows = [];
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
