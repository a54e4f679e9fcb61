import { ledgerKeys } from './keys.ts';
import { accounts, parseAccountKey, transaction, type AccountKey, type LedgerEntry, type LedgerTransaction } from './ledger.ts';
import type { PackageId } from './packages.ts';
import { addMonths, comparePeriods, type Period } from './period.ts';
import { splitByLargestRemainder } from './split.ts';
import { byString } from './order.ts';

/** Escrow whose origin period is this many months (or more) before the close returns as credit. */
export const ESCROW_RETURN_MONTHS = 6;

export interface CloseCompany {
  companyId: string;
  /** Monthly budget, minor units, > 0. */
  budget: number;
  /** The last valid allocation: points are % of the budget and sum to 100. */
  allocation: readonly { package: PackageId; points: number }[];
}

export interface CloseMaintainer {
  login: string;
  /** Percent of the package's money; a package's shares sum to 100. */
  share: number;
}

export interface EscrowLot {
  package: PackageId;
  companyId: string;
  originPeriod: Period;
  amount: number;
}

export interface CloseInput {
  period: Period;
  /** Only companies with a valid allocation and a budget > 0. */
  companies: readonly CloseCompany[];
  /** Opted-in maintainers per package; a package absent (or with no maintainer) has its money escrowed. */
  maintainers: ReadonlyMap<PackageId, readonly CloseMaintainer[]>;
  /** Escrow outstanding before this close (lots of earlier periods). */
  escrowLots: readonly EscrowLot[];
}

function assertPositiveBudget(c: CloseCompany): void {
  if (!Number.isSafeInteger(c.budget) || c.budget <= 0) throw new RangeError(`company ${c.companyId}: budget must be a positive safe integer, got ${c.budget}`);
}

/** Checks integer weights summing to 100 with no duplicate names (the callers validated these; a breach is a bug). */
function assertPercentages(what: string, items: readonly { name: string; weight: number }[]): void {
  if (items.length === 0) throw new RangeError(`${what}: nothing to split between`);
  let sum = 0;
  const seen = new Set<string>();
  for (const { name, weight } of items) {
    if (!Number.isSafeInteger(weight) || weight < 0) throw new RangeError(`${what}: ${name} has ${weight}, not a non-negative integer`);
    if (seen.has(name)) throw new RangeError(`${what}: ${name} is listed twice`);
    seen.add(name);
    sum += weight;
  }
  if (sum !== 100) throw new RangeError(`${what}: weights sum to ${sum}, not 100`);
}

/** Maintainers of a package in login order, validated; empty when the package has none. */
function maintainersOf(input: CloseInput, pkg: PackageId, cache: Map<PackageId, readonly CloseMaintainer[]>): readonly CloseMaintainer[] {
  const cached = cache.get(pkg);
  if (cached !== undefined) return cached;
  const raw = input.maintainers.get(pkg) ?? [];
  const sorted = raw.map((m) => ({ login: m.login.toLowerCase(), share: m.share })).sort((a, b) => byString(a.login, b.login));
  if (sorted.length > 0) assertPercentages(`maintainers of ${pkg}`, sorted.map((m) => ({ name: m.login, weight: m.share })));
  cache.set(pkg, sorted);
  return sorted;
}

/** Entries paying `total` to maintainers by their shares (zero parts omitted). */
function maintainerEntries(total: number, maintainers: readonly CloseMaintainer[], seed: string): LedgerEntry[] {
  const parts = splitByLargestRemainder(total, maintainers.map((m) => m.share), seed);
  const entries: LedgerEntry[] = [];
  maintainers.forEach((m, i) => {
    const part = parts[i]!;
    if (part > 0) entries.push({ account: accounts.maintainer(m.login), amount: part });
  });
  return entries;
}

/**
 * The month-end close, planned as double-entry ledger transactions; every transaction's
 * entries sum to zero (a negative amount is money leaving an account).
 *
 * Plans the month-end close of `period` as ledger transactions (pure and deterministic: the
 * output, order included, depends only on the input's content, not on the order of its lists).
 *
 * 1. `contribution` per company: its budget split by points (largest remainder), company → package pools.
 * 2. Per package, summed across companies: `distribution` to its maintainers by their shares, or,
 *    with no opted-in maintainer, `escrow_hold` into one escrow lot per funding company.
 * 3. Earlier escrow lots: `escrow_release` of all of a package's lots to its maintainers once it has
 *    some; otherwise `escrow_return` as company credit of each lot from `period` − 6 months or earlier.
 *
 * Keys are `close:{P}:contribution:{companyId}`, `close:{P}:distribution:{pkg}`,
 * `close:{P}:escrow-hold:{pkg}`, `close:{P}:escrow-release:{pkg}` and
 * `close:{P}:escrow-return:{pkg}|{companyId}|{origin}`, so replaying a close writes nothing twice.
 *
 * Example, period 2026-11:
 * - acme, budget 1000: npm:a 34, npm:b 33, npm:c 33 → 340, 330, 330
 * - beta, budget 500: npm:a 34, npm:b 33, npm:d 33 → 170, 165, 165
 * - npm:a (alice 60, bob 40) gets 340 + 170 = 510 → alice 306, bob 204
 * - npm:b (carol 100) gets 330 + 165 = 495 → carol 495; npm:c (dave 100) gets 330 → dave 330
 * - npm:d has no maintainer → escrow `npm:d|beta|2026-11` +165
 * - lot `npm:c|beta|2026-09` of 50: npm:c has maintainers → released, dave +50
 * - lot `npm:d|acme|2026-04` of 200: 2026-04 ≤ 2026-05 → returned, `credit:acme` +200
 * Totals: 1500 paid = 1335 to maintainers + 165 held; escrow 50 released, 200 returned.
 *
 * The same as entries (each line sums to zero):
 * - `close:2026-11:contribution:acme`: company:acme −1000, package:npm:a +340, package:npm:b +330, package:npm:c +330
 * - `close:2026-11:distribution:npm:a`: package:npm:a −510, maintainer:alice +306, maintainer:bob +204
 * - `close:2026-11:escrow-hold:npm:d`: package:npm:d −165, escrow:npm:d|beta|2026-11 +165
 * - `close:2026-11:escrow-release:npm:c`: escrow:npm:c|beta|2026-09 −50, maintainer:dave +50
 * - `close:2026-11:escrow-return:npm:d|acme|2026-04`: escrow:npm:d|acme|2026-04 −200, credit:acme +200
 *
 * Throws RangeError on input the callers must have validated (budget ≤ 0, points or shares not
 * summing to 100, duplicates, a lot not older than `period`).
 */
export function planPeriodClose(input: CloseInput): LedgerTransaction[] {
  const P = input.period;
  const txs: LedgerTransaction[] = [];
  const maintainerCache = new Map<PackageId, readonly CloseMaintainer[]>();
  // One string per pool account (a package recurs in every contribution that funds it).
  const poolAccounts = new Map<PackageId, AccountKey>();
  const poolAccount = (pkg: PackageId): AccountKey => {
    let key = poolAccounts.get(pkg);
    if (key === undefined) poolAccounts.set(pkg, (key = accounts.packagePool(pkg)));
    return key;
  };

  // 1. Contributions; pools collect, per package, what each company put in (company order).
  const pools = new Map<PackageId, { total: number; byCompany: { companyId: string; amount: number }[] }>();
  const companies = [...input.companies].sort((a, b) => byString(a.companyId, b.companyId));
  for (let i = 0; i < companies.length; i++) {
    const c = companies[i]!;
    if (i > 0 && companies[i - 1]!.companyId === c.companyId) throw new RangeError(`company ${c.companyId} is listed twice`);
    assertPositiveBudget(c);
    // Sorting before splitting makes tie-breaks independent of the order the allocation was stored in.
    const allocation = [...c.allocation].sort((a, b) => byString(a.package, b.package));
    assertPercentages(`allocation of ${c.companyId}`, allocation.map((a) => ({ name: a.package, weight: a.points })));
    const shares = splitByLargestRemainder(c.budget, allocation.map((a) => a.points), `${P}:${c.companyId}`);
    const entries: LedgerEntry[] = [{ account: accounts.company(c.companyId), amount: -c.budget }];
    allocation.forEach((a, j) => {
      const share = shares[j]!;
      if (share === 0) return;
      entries.push({ account: poolAccount(a.package), amount: share });
      let pool = pools.get(a.package);
      if (pool === undefined) pools.set(a.package, (pool = { total: 0, byCompany: [] }));
      pool.total += share;
      pool.byCompany.push({ companyId: c.companyId, amount: share });
    });
    txs.push(transaction({ key: ledgerKeys.contribution(P, c.companyId), kind: 'contribution', period: P, memo: `Contribution of ${c.companyId} for ${P}`, entries }));
  }

  // 2. Each package's pool goes to its maintainers, or into escrow lots of this period.
  for (const pkg of [...pools.keys()].sort(byString)) {
    const pool = pools.get(pkg)!;
    const pkgAccount = poolAccount(pkg);
    const maintainers = maintainersOf(input, pkg, maintainerCache);
    if (maintainers.length > 0) {
      txs.push(
        transaction({
          key: ledgerKeys.distribution(P, pkg),
          kind: 'distribution',
          period: P,
          memo: `Distribution of ${pkg} to its maintainers for ${P}`,
          entries: [{ account: pkgAccount, amount: -pool.total }, ...maintainerEntries(pool.total, maintainers, `${P}:${pkg}`)],
        }),
      );
    } else {
      txs.push(
        transaction({
          key: ledgerKeys.escrowHold(P, pkg),
          kind: 'escrow_hold',
          period: P,
          memo: `Escrow for ${pkg} (no opted-in maintainer) for ${P}`,
          entries: [{ account: pkgAccount, amount: -pool.total }, ...pool.byCompany.map((b) => ({ account: accounts.escrow(pkg, b.companyId, P), amount: b.amount }))],
        }),
      );
    }
  }

  // 3. Earlier lots: merged per account (a lot is its account), grouped per package.
  const lotsByPackage = new Map<PackageId, Map<string, EscrowLot>>();
  for (const lot of input.escrowLots) {
    if (!Number.isSafeInteger(lot.amount)) throw new RangeError(`escrow lot of ${lot.package}: amount ${lot.amount} is not a safe integer`);
    if (lot.amount <= 0) continue;
    if (comparePeriods(lot.originPeriod, P) >= 0) throw new RangeError(`escrow lot of ${lot.package} from ${lot.originPeriod} is not older than ${P}`);
    const account = accounts.escrow(lot.package, lot.companyId, lot.originPeriod);
    let lots = lotsByPackage.get(lot.package);
    if (lots === undefined) lotsByPackage.set(lot.package, (lots = new Map()));
    const prev = lots.get(account);
    lots.set(account, prev === undefined ? { ...lot } : { ...prev, amount: prev.amount + lot.amount });
  }
  const cutoff = addMonths(P, -ESCROW_RETURN_MONTHS);
  const returns: EscrowLot[] = [];
  for (const pkg of [...lotsByPackage.keys()].sort(byString)) {
    const lots = [...lotsByPackage.get(pkg)!.values()].sort((a, b) => byString(a.companyId, b.companyId) || comparePeriods(a.originPeriod, b.originPeriod));
    const maintainers = maintainersOf(input, pkg, maintainerCache);
    if (maintainers.length > 0) {
      let total = 0;
      const entries: LedgerEntry[] = [];
      for (const lot of lots) {
        total += lot.amount;
        entries.push({ account: accounts.escrow(pkg, lot.companyId, lot.originPeriod), amount: -lot.amount });
      }
      entries.push(...maintainerEntries(total, maintainers, `${P}:${pkg}:release`));
      txs.push(transaction({ key: ledgerKeys.escrowRelease(P, pkg), kind: 'escrow_release', period: P, memo: `Escrow of ${pkg} released to its maintainers in ${P}`, entries }));
    } else {
      for (const lot of lots) if (comparePeriods(lot.originPeriod, cutoff) <= 0) returns.push(lot);
    }
  }
  // Returns come last, ordered by lot (package, company, origin).
  for (const lot of returns) {
    txs.push(
      transaction({
        key: ledgerKeys.escrowReturn(P, lot),
        kind: 'escrow_return',
        period: P,
        memo: `Escrow of ${lot.package} from ${lot.originPeriod} unclaimed for ${ESCROW_RETURN_MONTHS} months, returned as credit to ${lot.companyId}`,
        entries: [
          { account: accounts.escrow(lot.package, lot.companyId, lot.originPeriod), amount: -lot.amount },
          { account: accounts.credit(lot.companyId), amount: lot.amount },
        ],
      }),
    );
  }
  return txs;
}

/** Totals of a close, for receipts, reports and month-end summaries. */
export interface PlanSummary {
  /** Sum of all contributions. */
  total: number;
  /** Amount debited per company (positive). */
  companies: Map<string, number>;
  /** Amount contributed per package. */
  packages: Map<PackageId, number>;
  /** Amount credited per maintainer login (distributions and escrow releases). */
  maintainers: Map<string, number>;
  escrow: { held: number; released: number; returned: number };
}

const add = <K>(m: Map<K, number>, k: K, v: number): void => {
  m.set(k, (m.get(k) ?? 0) + v);
};
const sortedMap = <K extends string>(m: Map<K, number>): Map<K, number> => new Map([...m].sort(([a], [b]) => byString(a, b)));

/** Totals per company, package and maintainer, and escrow movements, of a close's transactions. */
export function summarisePlan(txs: Iterable<LedgerTransaction>): PlanSummary {
  const companies = new Map<string, number>();
  const packages = new Map<PackageId, number>();
  const maintainers = new Map<string, number>();
  const escrow = { held: 0, released: 0, returned: 0 };
  let total = 0;
  for (const tx of txs) {
    for (const e of tx.entries) {
      const a = parseAccountKey(e.account);
      if (a === null) continue;
      switch (tx.kind) {
        case 'contribution':
          if (a.kind === 'company' && e.amount < 0) {
            add(companies, a.companyId, -e.amount);
            total -= e.amount;
          } else if (a.kind === 'package' && e.amount > 0) add(packages, a.package, e.amount);
          break;
        case 'distribution':
        case 'escrow_release':
          if (a.kind === 'maintainer' && e.amount > 0) add(maintainers, a.login, e.amount);
          if (tx.kind === 'escrow_release' && a.kind === 'escrow' && e.amount < 0) escrow.released -= e.amount;
          break;
        case 'escrow_hold':
          if (a.kind === 'escrow' && e.amount > 0) escrow.held += e.amount;
          break;
        case 'escrow_return':
          if (a.kind === 'escrow' && e.amount < 0) escrow.returned -= e.amount;
          break;
        default:
          break;
      }
    }
  }
  return { total, companies: sortedMap(companies), packages: sortedMap(packages), maintainers: sortedMap(maintainers), escrow };
}

/** One package on a company's receipt: `amount` = sum of maintainers' amounts + `escrow`. */
export interface ReceiptLine {
  package: PackageId;
  amount: number;
  maintainers: { login: string; amount: number }[];
  escrow: number;
}

/**
 * A company's receipt for one close: per package it funded, what it paid and where that went.
 * Its part of a package's maintainer payments is apportioned in proportion to what each
 * maintainer received (largest remainder, seed `{period}:{companyId}:{package}`), so each line's
 * parts sum to its amount and the lines sum to what the company paid.
 *
 * Example: acme paid 340 to npm:a, whose 510 went alice 306, bob 204 → alice 204, bob 136.
 *
 * `txs` are the transactions of one close (as planned or as read back from the ledger); throws
 * RangeError when they span several periods for this company or lack a package's distribution.
 */
export function receiptLines(txs: Iterable<LedgerTransaction>, companyId: string): ReceiptLine[] {
  return receiptLinesByCompany(txs, companyId).get(companyId) ?? [];
}

/**
 * Every company's receipt lines from one pass over a close's transactions (linear, so a
 * month-end summary of 20,000 companies does not rescan the plan per company). With `only`,
 * just that company's.
 */
export function receiptLinesByCompany(txs: Iterable<LedgerTransaction>, only?: string): Map<string, ReceiptLine[]> {
  const list = [...txs];
  // Contributions per company, and the period each company's receipt is of.
  const contributions = new Map<string, LedgerTransaction[]>();
  for (const tx of list) {
    if (tx.kind !== 'contribution') continue;
    for (const e of tx.entries) {
      const a = parseAccountKey(e.account);
      if (a?.kind !== 'company' || e.amount >= 0 || (only !== undefined && a.companyId !== only)) continue;
      const mine = contributions.get(a.companyId) ?? [];
      mine.push(tx);
      contributions.set(a.companyId, mine);
    }
  }
  for (const [companyId, mine] of contributions) {
    if (mine.some((tx) => tx.period !== mine[0]!.period)) throw new RangeError(`receipt of ${companyId}: transactions span several periods`);
  }

  // What each package paid its maintainers, and what each company has in each package's escrow hold, per period.
  const distributions = new Map<string, { login: string; amount: number }[]>();
  const held = new Map<string, number>();
  for (const tx of list) {
    if (tx.kind === 'distribution') {
      let pkg: PackageId | undefined;
      const paid: { login: string; amount: number }[] = [];
      for (const e of tx.entries) {
        const a = parseAccountKey(e.account);
        if (a?.kind === 'package' && e.amount < 0) pkg = a.package;
        else if (a?.kind === 'maintainer' && e.amount > 0) paid.push({ login: a.login, amount: e.amount });
      }
      if (pkg !== undefined) distributions.set(`${tx.period ?? ''}|${pkg}`, paid);
    } else if (tx.kind === 'escrow_hold') {
      for (const e of tx.entries) {
        const a = parseAccountKey(e.account);
        if (a?.kind === 'escrow' && e.amount > 0) add(held, `${tx.period ?? ''}|${a.companyId}|${a.package}`, e.amount);
      }
    }
  }

  const out = new Map<string, ReceiptLine[]>();
  for (const [companyId, mine] of contributions) {
    const period = mine[0]!.period;
    const lines: ReceiptLine[] = [];
    for (const tx of mine) {
      for (const e of tx.entries) {
        const a = parseAccountKey(e.account);
        if (a?.kind !== 'package' || e.amount <= 0) continue;
        const paid = distributions.get(`${period ?? ''}|${a.package}`);
        if (paid !== undefined && paid.length > 0) {
          const parts = splitByLargestRemainder(e.amount, paid.map((m) => m.amount), `${period ?? ''}:${companyId}:${a.package}`);
          const maintainers = paid.map((m, i) => ({ login: m.login, amount: parts[i]! })).filter((m) => m.amount > 0);
          lines.push({ package: a.package, amount: e.amount, maintainers, escrow: 0 });
        } else if (held.get(`${period ?? ''}|${companyId}|${a.package}`) === e.amount) {
          lines.push({ package: a.package, amount: e.amount, maintainers: [], escrow: e.amount });
        } else {
          throw new RangeError(`receipt of ${companyId}: no distribution or escrow of ${a.package} matches its contribution of ${e.amount}`);
        }
      }
    }
    out.set(companyId, lines);
  }
  return out;
}

/** A company's month funded after its close: the frozen allocation and budget, and the period's frozen maintainer shares. */
export interface LateContributionInput {
  period: Period;
  company: CloseCompany;
  maintainers: ReadonlyMap<PackageId, readonly CloseMaintainer[]>;
}

/**
 * Plans a late contribution: one company's budget for a closed `period`, charged after the
 * close (its charge failed, then a card was saved and the retry succeeded), distributed to the
 * same period exactly as the close would have — the same planner on that company alone, by the
 * allocation and maintainer shares frozen for `period` — as its own transactions. No escrow
 * lot of earlier months moves (the close did that). Keys are
 * `close:{P}:late:{companyId}:contribution`, `…:distribution:{pkg}` and `…:escrow-hold:{pkg}`,
 * so a replayed event or a second retry writes nothing twice.
 *
 * Example, period 2026-11, acme (budget 1000: npm:a 34, npm:b 33, npm:d 33), npm:a alice 60 /
 * bob 40, npm:b carol 100, npm:d no maintainer:
 * - `close:2026-11:late:acme:contribution`: company:acme −1000, package:npm:a +340, package:npm:b +330, package:npm:d +330
 * - `close:2026-11:late:acme:distribution:npm:a`: package:npm:a −340, maintainer:alice +204, maintainer:bob +136
 * - `close:2026-11:late:acme:distribution:npm:b`: package:npm:b −330, maintainer:carol +330
 * - `close:2026-11:late:acme:escrow-hold:npm:d`: package:npm:d −330, escrow:npm:d|acme|2026-11 +330
 */
export function planLateContribution(input: LateContributionInput): LedgerTransaction[] {
  const P = input.period;
  const id = input.company.companyId;
  const planned = planPeriodClose({ period: P, companies: [input.company], maintainers: input.maintainers, escrowLots: [] });
  return planned.map((tx) => {
    const rekey = (key: string, memo: string) => transaction({ key, kind: tx.kind, period: P, memo, entries: tx.entries });
    if (tx.kind === 'contribution') return rekey(ledgerKeys.lateContribution(P, id), `Late contribution of ${id} for ${P}`);
    // A distribution or escrow hold empties exactly one package pool.
    const pool = tx.entries.map((e) => parseAccountKey(e.account)).find((a) => a?.kind === 'package');
    if (pool?.kind !== 'package') throw new RangeError(`${tx.key} moves no package pool`);
    if (tx.kind === 'distribution') return rekey(ledgerKeys.lateDistribution(P, id, pool.package), `Late distribution of ${pool.package} for ${P} (contribution of ${id})`);
    if (tx.kind === 'escrow_hold') return rekey(ledgerKeys.lateEscrowHold(P, id, pool.package), `Late escrow for ${pool.package} for ${P} (contribution of ${id})`);
    throw new RangeError(`a late contribution plans no ${tx.kind}`);
  });
}

/** Whether a transaction key belongs to a late contribution (of `companyId`, when given). */
export function isLateKey(key: string, period: Period, companyId?: string): boolean {
  return companyId === undefined ? key.startsWith(`close:${period}:late:`) : key.startsWith(ledgerKeys.late(period, companyId));
}
