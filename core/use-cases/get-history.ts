import type { PackageId } from '../packages.ts';
import type { Period } from '../period.ts';
import { summarisePlan } from '../month-end.ts';
import type { Company } from '../ports/companies.ts';
import type { LedgerStore } from '../ports/ledger.ts';

export interface HistoryEntry {
  period: Period;
  total: number;
  packages: { package: PackageId; amount: number }[];
}

/** Every closed period in which the company contributed, newest first. */
export async function getHistory({ ledger, company }: { ledger: LedgerStore; company: Company }): Promise<HistoryEntry[]> {
  const txs = await ledger.companyTransactions(company.id);
  const byPeriod = new Map<Period, typeof txs>();
  for (const tx of txs) {
    if (tx.kind !== 'contribution' || !tx.period) continue;
    const list = byPeriod.get(tx.period) ?? [];
    list.push(tx);
    byPeriod.set(tx.period, list);
  }
  return [...byPeriod]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([period, list]) => {
      const s = summarisePlan(list);
      return { period, total: s.companies.get(company.id) ?? 0, packages: [...s.packages].map(([p, amount]) => ({ package: p, amount })) };
    });
}
