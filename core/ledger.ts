import type { PackageId } from './packages.ts';
import type { Period } from './period.ts';

/**
 * The double-entry ledger: append-only transactions whose signed entries (integer minor units;
 * positive = money arrives in the account, negative = money leaves) sum to exactly zero.
 * Nothing is ever updated or deleted; a correction is a new transaction.
 */

/** An account, written `kind:identity`; see `accounts` for the builders and `parseAccountKey`. */
export type AccountKey =
  | `company:${string}`
  | `package:${string}`
  | `escrow:${string}`
  | `maintainer:${string}`
  | `credit:${string}`
  | `wish:${string}`
  | `external:${string}`;

/** An account key taken apart. */
export type ParsedAccount =
  | { kind: 'company'; companyId: string }
  | { kind: 'package'; package: PackageId }
  | { kind: 'escrow'; package: PackageId; companyId: string; originPeriod: Period }
  | { kind: 'maintainer'; login: string }
  | { kind: 'credit'; companyId: string }
  | { kind: 'wish'; wishId: string }
  | { kind: 'external'; name: string };

export type AccountKind = ParsedAccount['kind'];

// Escrow keys join three parts with `|` because package ids already contain `:`.
const ESCROW_SEPARATOR = '|';
const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

function segment(what: string, value: string, { joined = false } = {}): string {
  if (typeof value !== 'string' || value.length === 0) throw new RangeError(`${what} must be a non-empty string`);
  if (joined && value.includes(ESCROW_SEPARATOR)) throw new RangeError(`${what} must not contain "${ESCROW_SEPARATOR}": ${value}`);
  return value;
}

/** Builders of account keys; they throw RangeError on an empty (or, in escrow keys, ambiguous) part. */
export const accounts = {
  /** A company's funding account: goes negative by what the company paid in. */
  company: (companyId: string): AccountKey => `company:${segment('company id', companyId)}`,
  /** A package's transit pool during a close; back to zero when the close is complete. */
  packagePool: (pkg: PackageId): AccountKey => `package:${segment('package id', pkg)}`,
  /** An escrow lot: money held for a package without maintainers, per funding company and origin period. */
  escrow: (pkg: PackageId, companyId: string, originPeriod: Period): AccountKey => {
    if (!PERIOD_RE.test(originPeriod)) throw new RangeError(`escrow origin must be a YYYY-MM period, got ${originPeriod}`);
    return `escrow:${segment('package id', pkg, { joined: true })}${ESCROW_SEPARATOR}${segment('company id', companyId, { joined: true })}${ESCROW_SEPARATOR}${originPeriod}`;
  },
  /** What the platform owes a maintainer; GitHub logins are case-insensitive, so lower-cased. */
  maintainer: (login: string): AccountKey => `maintainer:${segment('login', login).toLowerCase()}`,
  /** Credit returned to a company (e.g. expired escrow). */
  credit: (companyId: string): AccountKey => `credit:${segment('company id', companyId)}`,
  /** A wish's escrow, `owner/repo#n`. */
  wish: (wishId: string): AccountKey => `wish:${segment('wish id', wishId)}`,
  /** Money outside the system, e.g. `external:stripe`. */
  external: (name: string): AccountKey => `external:${segment('external name', name)}`,
} as const;

/** Takes an account key apart; `null` when the string is not a well-formed account key. */
export function parseAccountKey(key: string): ParsedAccount | null {
  const colon = key.indexOf(':');
  if (colon <= 0) return null;
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (rest.length === 0) return null;
  switch (kind) {
    case 'company':
      return { kind, companyId: rest };
    case 'package':
      return { kind, package: rest as PackageId };
    case 'escrow': {
      const parts = rest.split(ESCROW_SEPARATOR);
      if (parts.length !== 3) return null;
      const [pkg, companyId, origin] = parts as [string, string, string];
      if (pkg.length === 0 || companyId.length === 0 || !PERIOD_RE.test(origin)) return null;
      return { kind, package: pkg as PackageId, companyId, originPeriod: origin as Period };
    }
    case 'maintainer':
      // Builders lower-case logins; a key with upper case was not built by them.
      return rest === rest.toLowerCase() ? { kind, login: rest } : null;
    case 'credit':
      return { kind, companyId: rest };
    case 'wish':
      return { kind, wishId: rest };
    case 'external':
      return { kind, name: rest };
    default:
      return null;
  }
}

/** Whether `key` is a well-formed account key. */
export const isAccountKey = (key: string): key is AccountKey => parseAccountKey(key) !== null;

/** Every kind of ledger transaction: the close writes the first five, payments and corrections the rest. */
export const TRANSACTION_KINDS = [
  // month-end close
  'contribution',
  'distribution',
  'escrow_hold',
  'escrow_release',
  'escrow_return',
  // payments and wishlist
  'pledge_paid',
  'pledge_refund',
  'wish_release',
  'payout',
  'charge_failed',
  // corrections
  'adjustment',
] as const;

export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export interface LedgerEntry {
  readonly account: AccountKey;
  /** Signed minor units: positive = money arrives in the account, negative = it leaves. */
  readonly amount: number;
}

export interface LedgerTransaction {
  /** Idempotency key: writing the same key twice must be a no-op, never a second movement. */
  readonly key: string;
  readonly kind: TransactionKind;
  readonly period?: Period;
  readonly memo: string;
  readonly entries: readonly LedgerEntry[];
}

export interface TransactionInput {
  key: string;
  kind: TransactionKind;
  period?: Period;
  memo: string;
  entries: readonly LedgerEntry[];
}

/** Why a transaction is malformed, or null when it is well-formed (balance is checked separately). */
function malformation(tx: TransactionInput): string | null {
  if (typeof tx.key !== 'string' || tx.key.trim().length === 0) return 'the key is empty';
  if (!(TRANSACTION_KINDS as readonly string[]).includes(tx.kind)) return `unknown kind ${String(tx.kind)}`;
  if (tx.period !== undefined && !PERIOD_RE.test(tx.period)) return `period ${String(tx.period)} is not YYYY-MM`;
  if (typeof tx.memo !== 'string') return 'the memo is not a string';
  if (!Array.isArray(tx.entries) || tx.entries.length < 2) return 'a transaction needs at least two entries';
  for (const e of tx.entries) {
    if (typeof e.account !== 'string' || !isAccountKey(e.account)) return `${String(e.account)} is not an account key`;
    if (!Number.isSafeInteger(e.amount)) return `amount ${e.amount} on ${e.account} is not a safe integer`;
    if (e.amount === 0) return `zero amount on ${e.account}`;
  }
  return null;
}

/**
 * Sum of the entries, or null when it cannot be computed exactly. Credits and debits are added
 * separately so that a sum outside the safe-integer range is reported rather than rounded.
 */
function entrySum(entries: readonly LedgerEntry[]): number | null {
  let credits = 0;
  let debits = 0;
  for (const e of entries) {
    if (e.amount > 0) credits += e.amount;
    else debits -= e.amount;
  }
  if (!Number.isSafeInteger(credits) || !Number.isSafeInteger(debits)) return null;
  return credits - debits;
}

/**
 * Builds a validated, frozen transaction. Throws RangeError (a programmer error) unless the key is
 * non-empty, the kind and period are valid, and there are ≥ 2 non-zero safe-integer entries on
 * well-formed accounts summing to exactly zero.
 */
export function transaction(input: TransactionInput): LedgerTransaction {
  const problem = malformation(input);
  if (problem !== null) throw new RangeError(`transaction ${input.key}: ${problem}`);
  const sum = entrySum(input.entries);
  if (sum === null) throw new RangeError(`transaction ${input.key}: amounts too large to add exactly`);
  if (sum !== 0) throw new RangeError(`transaction ${input.key}: entries sum to ${sum}, not 0`);
  const entries = Object.freeze(input.entries.map((e) => Object.freeze({ account: e.account, amount: e.amount })));
  return Object.freeze({
    key: input.key,
    kind: input.kind,
    ...(input.period !== undefined ? { period: input.period } : {}),
    memo: input.memo,
    entries,
  });
}

/** Balance of every account the transactions touch (accounts that net to zero stay, with 0). */
export function balances(transactions: Iterable<LedgerTransaction>): Map<AccountKey, number> {
  const out = new Map<AccountKey, number>();
  for (const tx of transactions) {
    for (const e of tx.entries) out.set(e.account, (out.get(e.account) ?? 0) + e.amount);
  }
  return out;
}

/** Key of the `budgets` map given to `checkLedger`. */
export type BudgetKey = `${string}|${string}`;

/** Builds the key of the `budgets` map: `${companyId}|${period}`. */
export const budgetKey = (companyId: string, period: Period): BudgetKey => `${companyId}|${period}`;

/** A broken ledger invariant, with a message an operator can act on. */
export type LedgerViolation =
  | { code: 'malformed_transaction'; key: string; reason: string; message: string }
  | { code: 'unbalanced_transaction'; key: string; sum: number | null; message: string }
  | { code: 'duplicate_key'; key: string; count: number; message: string }
  | { code: 'over_budget'; companyId: string; period: Period; debited: number; budget: number; message: string }
  | { code: 'pool_not_empty'; account: AccountKey; period: Period | null; balance: number; message: string }
  | { code: 'negative_balance'; account: AccountKey; balance: number; message: string };

// Accounts holding money the platform owes someone: they can never be overdrawn.
const HOLDING_KINDS: ReadonlySet<string> = new Set(['escrow', 'maintainer', 'credit', 'wish']);

/**
 * Invariant checks over a whole ledger (what `upkeep check` runs). Reports: malformed or
 * unbalanced transactions; idempotency keys used more than once; a company whose net debit in a
 * period's transactions exceeds its budget (only the `${companyId}|${period}` pairs present in
 * `budgets` are checked); a package pool that does not return to zero within a period; an
 * escrow, maintainer, credit or wish account overdrawn. An empty list means the ledger is sound.
 */
export function checkLedger(
  transactions: Iterable<LedgerTransaction>,
  budgets?: ReadonlyMap<BudgetKey, number>,
): LedgerViolation[] {
  const violations: LedgerViolation[] = [];
  const keyCounts = new Map<string, number>();
  // Net of each company account per period, and of each package pool per period.
  const companyNet = new Map<BudgetKey, { companyId: string; period: Period; net: number }>();
  const poolNet = new Map<string, { account: AccountKey; period: Period | null; net: number }>();
  const totals = new Map<AccountKey, number>();

  for (const tx of transactions) {
    keyCounts.set(tx.key, (keyCounts.get(tx.key) ?? 0) + 1);
    const problem = malformation(tx);
    if (problem !== null) {
      violations.push({ code: 'malformed_transaction', key: tx.key, reason: problem, message: `Transaction ${tx.key} is malformed: ${problem}.` });
      // Still check the balance when the entries can be summed.
      if (!Array.isArray(tx.entries) || tx.entries.some((e) => !Number.isSafeInteger(e.amount))) continue;
    }
    const sum = entrySum(tx.entries);
    if (sum !== 0) {
      violations.push({
        code: 'unbalanced_transaction',
        key: tx.key,
        sum,
        message: sum === null ? `Transaction ${tx.key} has amounts too large to add exactly.` : `Transaction ${tx.key} sums to ${sum}, not 0.`,
      });
    }
    for (const e of tx.entries) {
      totals.set(e.account, (totals.get(e.account) ?? 0) + e.amount);
      const parsed = parseAccountKey(e.account);
      if (parsed?.kind === 'company' && tx.period !== undefined) {
        const k = budgetKey(parsed.companyId, tx.period);
        const cur = companyNet.get(k) ?? { companyId: parsed.companyId, period: tx.period, net: 0 };
        cur.net += e.amount;
        companyNet.set(k, cur);
      } else if (parsed?.kind === 'package') {
        const period = tx.period ?? null;
        const k = `${e.account}\u0000${period ?? ''}`;
        const cur = poolNet.get(k) ?? { account: e.account, period, net: 0 };
        cur.net += e.amount;
        poolNet.set(k, cur);
      }
    }
  }

  for (const [key, count] of keyCounts) {
    if (count > 1) violations.push({ code: 'duplicate_key', key, count, message: `Idempotency key ${key} is used by ${count} transactions.` });
  }
  if (budgets !== undefined) {
    for (const [k, { companyId, period, net }] of companyNet) {
      const budget = budgets.get(k);
      if (budget !== undefined && -net > budget) {
        violations.push({
          code: 'over_budget',
          companyId,
          period,
          debited: -net,
          budget,
          message: `Company ${companyId} was debited ${-net} in ${period}, more than its budget of ${budget}.`,
        });
      }
    }
  }
  for (const { account, period, net } of poolNet.values()) {
    if (net !== 0) {
      violations.push({
        code: 'pool_not_empty',
        account,
        period,
        balance: net,
        message: `Pool ${account} holds ${net} after the transactions of ${period ?? 'no period'}; it should return to 0.`,
      });
    }
  }
  for (const [account, balance] of totals) {
    const kind = parseAccountKey(account)?.kind;
    if (kind !== undefined && HOLDING_KINDS.has(kind) && balance < 0) {
      violations.push({ code: 'negative_balance', account, balance, message: `Account ${account} is overdrawn: ${balance}.` });
    }
  }
  return violations;
}
