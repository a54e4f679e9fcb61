// What a signed-in maintainer sees of their money (CONTRACT §3 `me`, §5 transparency): read back
// from the ledger, so the figures are the ones the month-end close wrote.
import { DomainError } from '../errors.ts';
import { accounts, parseAccountKey, type LedgerTransaction } from '../ledger.ts';
import { money, type Money } from '../money.ts';
import { TERMS_VERSION } from '../opt-in/file.ts';
import { byString } from '../order.ts';
import { isActive } from '../package-warnings.ts';
import type { PackageId } from '../packages.ts';
import type { Period } from '../period.ts';
import type { Clock } from '../ports/clock.ts';
import type { CompanyStore } from '../ports/companies.ts';
import type { LedgerStore, RecordedTransaction } from '../ports/ledger.ts';
import type { PaymentProvider, PaymentStatus, PaymentStore } from '../ports/payments.ts';
import type { RepositoryState, RepositoryStore } from '../ports/repositories.ts';
import type { WishStore } from '../ports/wishes.ts';
import { toPublicWish, type PublicWish, type RepoId } from '../wishlist.ts';
import { MINIMUM_PAYOUT } from './payments/send-payouts.ts';

export type PayoutAccountStatus = 'none' | 'pending' | 'enabled';

/** What one package paid the maintainer in one month (a distribution or an escrow release). */
export interface Earning {
  readonly period: Period;
  readonly package: PackageId;
  readonly amount: Money;
  /** `distribution`: that month's budgets; `escrow_release`: money held for the package until it had maintainers. */
  readonly source: 'distribution' | 'escrow_release';
}

export interface MaintainerRepository {
  readonly repository: string;
  readonly packages: readonly PackageId[];
  /** This maintainer's share of the repository's money, in percent. */
  readonly share: number;
  readonly maintainers: readonly { login: string; share: number }[];
  /** What to fix in `.github/upkeep.yml` or the repository; empty when all is well. */
  readonly problems: readonly string[];
}

export interface MaintainerAccount {
  readonly login: string;
  /** What the platform owes the maintainer now: the ledger balance of `maintainer:<login>`. */
  readonly balance: Money;
  /** Per month (newest first) and package, what the ledger credited. */
  readonly earnings: readonly Earning[];
  /** Totals per month, newest first. */
  readonly months: readonly { period: Period; amount: Money }[];
  /** Totals per package over every month, largest first. */
  readonly packages: readonly { id: PackageId; amount: Money }[];
  /** Delivered wishes whose escrow was released to the maintainer, newest first. */
  readonly wishReleases: readonly { wish: string; amount: Money; at: Date }[];
  /** Payout attempts (payment rows), newest first. */
  readonly payouts: readonly { period: Period | null; amount: Money; status: PaymentStatus; provider: 'stripe' | 'offline'; error: string | null; at: Date }[];
  readonly payoutAccount: { status: PayoutAccountStatus };
  /** `offline`: no Stripe; payouts are made by the operator. */
  readonly payoutMode: 'stripe' | 'offline';
  /** Below this balance money carries over to the next month's payout. */
  readonly minimumPayout: Money;
  /** Companies whose money reached the maintainer: names of those that chose `identifiable`, a count of the others. */
  readonly funders: { identifiable: readonly string[]; anonymous: number };
  readonly repositories: readonly MaintainerRepository[];
  /** Wishes of the maintainer's repositories, newest first per repository. */
  readonly wishes: readonly PublicWish[];
}

const GITHUB_LOGIN = /^[a-z0-9](?:[a-z0-9-]{0,38})$/;

/**
 * The account of the maintainer `login` (a verified GitHub login: the caller's own session,
 * never a parameter a visitor chooses). Amounts are what the ledger holds.
 */
export async function getMaintainerAccount({
  ledger,
  payments,
  gateway,
  companies,
  repositories,
  wishes,
  clock,
  currency,
  login,
}: {
  ledger: LedgerStore;
  payments: PaymentStore;
  gateway: Pick<PaymentProvider, 'mode'>;
  companies: Pick<CompanyStore, 'findByIds'>;
  repositories: Pick<RepositoryStore, 'forMaintainer'>;
  wishes: Pick<WishStore, 'listByRepository'>;
  clock: Clock;
  currency: string;
  login: string;
}): Promise<MaintainerAccount> {
  const who = login.trim().replace(/^@/, '').toLowerCase();
  if (!GITHUB_LOGIN.test(who)) throw new DomainError('invalid_input', `"${login}" is not a GitHub login.`, { login });
  const [recorded, payoutRows, account, repos] = await Promise.all([
    ledger.maintainerTransactions(who),
    payments.list({ kind: 'payout', login: who }),
    payments.maintainerAccount(who),
    repositories.forMaintainer(who),
  ]);
  const m = (amount: number) => money(amount, currency);
  const summary = summariseMaintainer(recorded, who);

  const contributions = await ledger.contributors(summary.pools);
  const funderIds = new Set([...contributions.map((c) => c.companyId), ...summary.escrowCompanies]);
  const funders = await companies.findByIds([...funderIds]);
  const identifiable = funders.filter((c) => c.visibility === 'identifiable').map((c) => c.name).sort(byString);

  const now = clock.now();
  const repositoryViews = repos.map((r) => repositoryView(r, who, now));
  const wishLists = await Promise.all(repos.map((r) => wishes.listByRepository(r.repository as RepoId)));

  return {
    login: who,
    balance: m(summary.balance),
    earnings: summary.earnings.map((e) => ({ ...e, amount: m(e.amount) })),
    months: summary.months.map(([period, amount]) => ({ period, amount: m(amount) })),
    packages: summary.packages.map(([id, amount]) => ({ id, amount: m(amount) })),
    wishReleases: summary.wishReleases.map((w) => ({ ...w, amount: m(w.amount) })),
    payouts: payoutRows
      .map((p) => ({ period: p.period, amount: money(p.amount, p.currency), status: p.status, provider: p.provider, error: p.error, at: p.createdAt }))
      .sort((a, b) => b.at.getTime() - a.at.getTime()),
    payoutAccount: { status: !account?.accountId ? 'none' : account.payoutsEnabled ? 'enabled' : 'pending' },
    payoutMode: gateway.mode,
    minimumPayout: m(MINIMUM_PAYOUT),
    funders: { identifiable, anonymous: funders.length - identifiable.length },
    repositories: repositoryViews,
    wishes: wishLists.flat().map(toPublicWish),
  };
}

/** A maintainer's ledger movements taken apart (pure). */
export function summariseMaintainer(recorded: readonly RecordedTransaction[], login: string) {
  const own = accounts.maintainer(login);
  let balance = 0;
  const earnings: { period: Period; package: PackageId; amount: number; source: Earning['source'] }[] = [];
  const wishReleases: { wish: string; amount: number; at: Date }[] = [];
  const pools = new Map<string, { period: Period; package: PackageId }>();
  const escrowCompanies = new Set<string>();
  for (const { transaction: tx, recordedAt } of recorded) {
    const mine = tx.entries.filter((e) => e.account === own).reduce((s, e) => s + e.amount, 0);
    balance += mine;
    if (mine <= 0) continue;
    if ((tx.kind === 'distribution' || tx.kind === 'escrow_release') && tx.period !== undefined) {
      const pkg = sourcePackage(tx);
      if (pkg === null) continue;
      earnings.push({ period: tx.period, package: pkg, amount: mine, source: tx.kind });
      if (tx.kind === 'distribution') pools.set(`${tx.period}|${pkg}`, { period: tx.period, package: pkg });
      for (const e of tx.entries) {
        const a = parseAccountKey(e.account);
        if (a?.kind === 'escrow' && e.amount < 0) escrowCompanies.add(a.companyId);
      }
    } else if (tx.kind === 'wish_release') {
      const wish = tx.entries.map((e) => parseAccountKey(e.account)).find((a) => a?.kind === 'wish');
      wishReleases.push({ wish: wish?.kind === 'wish' ? wish.wishId : tx.key, amount: mine, at: recordedAt });
    }
  }
  earnings.sort((a, b) => byString(b.period, a.period) || byString(a.package, b.package) || byString(a.source, b.source));
  const months = new Map<Period, number>();
  const packages = new Map<PackageId, number>();
  for (const e of earnings) {
    months.set(e.period, (months.get(e.period) ?? 0) + e.amount);
    packages.set(e.package, (packages.get(e.package) ?? 0) + e.amount);
  }
  return {
    balance,
    earnings,
    months: [...months].sort(([a], [b]) => byString(b, a)),
    packages: [...packages].sort(([a, x], [b, y]) => y - x || byString(a, b)),
    wishReleases: wishReleases.sort((a, b) => b.at.getTime() - a.at.getTime()),
    pools: [...pools.values()],
    escrowCompanies,
  };
}

/** The package a distribution (its pool) or an escrow release (its lots) paid out. */
function sourcePackage(tx: LedgerTransaction): PackageId | null {
  for (const e of tx.entries) {
    if (e.amount >= 0) continue;
    const a = parseAccountKey(e.account);
    if (a?.kind === 'package' || a?.kind === 'escrow') return a.package;
  }
  return null;
}

/** A repository as its maintainer sees it, with what needs fixing. */
export function repositoryView(r: RepositoryState, login: string, now: Date): MaintainerRepository {
  const problems: string[] = [];
  if (r.termsVersion !== TERMS_VERSION) {
    problems.push(`It accepted platform rules version ${r.termsVersion ?? 'none'}; write accept_terms: ${TERMS_VERSION} in .github/upkeep.yml to accept the current ones.`);
  }
  if (r.packages.length === 0) {
    problems.push('It claims no package: list the packages it publishes in .github/upkeep.yml (a package another opted-in repository claims stays with that one).');
  }
  if (r.license === null) problems.push('GitHub detects no licence in the repository; add a LICENSE file.');
  if (!isActive({ lastActivityAt: r.lastActivityAt }, now)) {
    problems.push('No commit, issue activity or release in the last 90 days: companies see an inactivity warning (payments are not blocked).');
  }
  return {
    repository: r.repository,
    packages: r.packages,
    share: r.maintainers.find((m) => m.login === login)?.share ?? 0,
    maintainers: r.maintainers,
    problems,
  };
}
