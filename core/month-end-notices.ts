import { noticeKeys } from './keys.ts';
import { parseAccountKey, type LedgerTransaction } from './ledger.ts';
import { formatMoney } from './money.ts';
import { receiptLinesByCompany, summarisePlan } from './month-end.ts';
import type { PackageId } from './packages.ts';
import type { Period } from './period.ts';
import type { Notice } from './ports/notifications.ts';

/**
 * Month-end summaries of a close: one per funding company (its own receipt, for the channels
 * that company subscribed) and one per funded package (aggregates only: total and number of
 * companies, never who gave what). Keys are stable, so a repeated close announces nothing twice.
 *
 * A package's summary also reaches the channels that follow the repository claiming it
 * (`repositoryOf`), so a Discord channel following `facebook/react` hears what `npm:react` got;
 * a channel following both hears it once.
 *
 * Example: acme paid €1,000.00 in 2026-10 → `close:2026-10:summary:company:<id>`:
 * "2026-10: €1,000.00 went to 3 packages — npm:react €340.00 (alice, bob), …".
 */
export function monthEndNotices(period: Period, plan: readonly LedgerTransaction[], currency: string, repositoryOf: ReadonlyMap<PackageId, string> = new Map()): Notice[] {
  const money = (amount: number) => formatMoney({ amount, currency });
  const summary = summarisePlan(plan);
  const receipts = receiptLinesByCompany(plan);
  const notices: Notice[] = [];
  for (const [companyId, total] of summary.companies) {
    const lines = receipts.get(companyId) ?? [];
    const parts = lines.map((l) =>
      l.escrow > 0 && l.maintainers.length === 0
        ? `${l.package} ${money(l.amount)} (held in escrow: no maintainer yet)`
        : `${l.package} ${money(l.amount)} (${l.maintainers.map((m) => m.login).join(', ')})`,
    );
    notices.push({
      key: noticeKeys.companySummary(period, companyId),
      target: `company:${companyId}`,
      kind: 'month_end_summary',
      text: `${period}: ${money(total)} went to ${lines.length} package${lines.length === 1 ? '' : 's'} — ${parts.join('; ')}.`,
      data: { period, total: { amount: total, currency }, lines },
    });
  }
  const companiesPerPackage = new Map<PackageId, number>();
  for (const tx of plan) {
    if (tx.kind !== 'contribution') continue;
    for (const e of tx.entries) {
      const a = parseAccountKey(e.account);
      if (a?.kind === 'package' && e.amount > 0) companiesPerPackage.set(a.package, (companiesPerPackage.get(a.package) ?? 0) + 1);
    }
  }
  for (const [pkg, total] of summary.packages) {
    const companies = companiesPerPackage.get(pkg) ?? 0;
    const repository = repositoryOf.get(pkg);
    notices.push({
      key: noticeKeys.packageSummary(period, pkg),
      target: `package:${pkg}`,
      ...(repository ? { also: [`repo:${repository}`] } : {}),
      kind: 'month_end_summary',
      text: `${pkg} received ${money(total)} from ${companies} compan${companies === 1 ? 'y' : 'ies'} for ${period}.`,
      data: { period, package: pkg, ...(repository ? { repository } : {}), total: { amount: total, currency }, fundingCompanies: companies },
    });
  }
  return notices;
}

/** The packages a close funded (those with a summary), to look up the repositories that claim them. */
export function fundedPackages(plan: readonly LedgerTransaction[]): PackageId[] {
  return [...summarisePlan(plan).packages.keys()];
}
