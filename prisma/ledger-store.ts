// The ledger and periods on PostgreSQL/PGlite. Writes are set-based: per batch, one unnest
// insert of accounts, one of transactions (ON CONFLICT on the key, RETURNING the new ids) and a
// COPY of the new transactions' entries, in one database transaction, on the driver beneath
// Prisma (Prisma has no COPY, and its per-row decoding dominated a large close). Idempotency
// rests on the unique transaction key, not on the caller.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { accounts, parseAccountKey, type AccountKey, type LedgerTransaction, type TransactionKind } from '../core/ledger.ts';
import type { PackageId } from '../core/packages.ts';
import type { Period } from '../core/period.ts';
import type { CloseSnapshot, LedgerStore, PeriodState, PoolContribution, RecordedTransaction } from '../core/ports/ledger.ts';
import { directSql } from './db.ts';
import type { PrismaClient } from './generated/client.ts';
import { toSafeNumber } from './numbers.ts';

/** Transactions written per database transaction: bounds memory and lock time (and a crash loses at most one). */
const BATCH = 2_000;

type Db = Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

interface PeriodRow {
  id: string;
  status: 'closing' | 'closed';
  started_at: Date;
  closed_at: Date | null;
}

const toState = (r: PeriodRow): PeriodState => ({
  period: r.id as Period,
  status: r.status,
  startedAt: new Date(r.started_at),
  closedAt: r.closed_at ? new Date(r.closed_at) : null,
});

/** Accounts remembered as existing, per store; cleared past this many (a bound on memory). */
const KNOWN_ACCOUNTS = 2_000_000;

export class PrismaLedgerStore implements LedgerStore {
  /**
   * Accounts this store saw committed: a later batch does not send them again (a close's
   * package pools recur in every batch of contributions). Accounts are never deleted.
   */
  private readonly knownAccounts = new Set<string>();

  constructor(private readonly prisma: PrismaClient) {}

  async period(period: Period): Promise<PeriodState | null> {
    const rows = await this.prisma.$queryRawUnsafe<PeriodRow[]>('SELECT id, status, started_at, closed_at FROM period WHERE id = $1', period);
    return rows[0] ? toState(rows[0]) : null;
  }

  async closedPeriods(): Promise<PeriodState[]> {
    const rows = await this.prisma.$queryRawUnsafe<PeriodRow[]>("SELECT id, status, started_at, closed_at FROM period WHERE status = 'closed' ORDER BY id");
    return rows.map(toState);
  }

  async recentPeriods(limit: number): Promise<PeriodState[]> {
    const rows = await this.prisma.$queryRawUnsafe<PeriodRow[]>('SELECT id, status, started_at, closed_at FROM period ORDER BY id DESC LIMIT $1', limit);
    return rows.map(toState);
  }

  async beginClose(period: Period, at: Date): Promise<PeriodState> {
    return this.prisma.$transaction(
      async (tx) => {
        // The unique period id decides who snapshots: a racing closer waits on this insert,
        // then finds the row and takes the existing snapshot.
        const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
          "INSERT INTO period (id, status, started_at) VALUES ($1, 'closing', $2) ON CONFLICT (id) DO NOTHING RETURNING id",
          period,
          at,
        );
        if (inserted.length > 0) {
          // The standing allocation is the latest one saved up to the moment the close began.
          await tx.$executeRawUnsafe(
            `INSERT INTO period_allocation (period_id, company_id, budget, package_id, points)
             SELECT $1, c.id, c.budget, l.package_id, l.points
             FROM company c
             JOIN LATERAL (
               SELECT a.id FROM allocation a
               WHERE a.company_id = c.id AND a.created_at <= $2
               ORDER BY a.id DESC LIMIT 1
             ) latest ON true
             JOIN allocation_line l ON l.allocation_id = latest.id
             WHERE c.budget > 0 AND l.points > 0`,
            period,
            at,
          );
          await tx.$executeRawUnsafe(
            `INSERT INTO period_maintainer_share (period_id, package_id, login, share)
             SELECT $1, pc.package_id, m.login, m.share
             FROM package_claim pc
             JOIN repository r ON r.id = pc.repository_id AND r.opted_in
             JOIN repository_maintainer m ON m.repository_id = r.id`,
            period,
          );
        }
        const rows = await tx.$queryRawUnsafe<PeriodRow[]>('SELECT id, status, started_at, closed_at FROM period WHERE id = $1', period);
        return toState(rows[0]!);
      },
      { timeout: 120_000, maxWait: 60_000 },
    );
  }

  async snapshot(period: Period): Promise<CloseSnapshot> {
    // One row per company (its lines as arrays): a tenth of the rows of one per line.
    const allocations = await this.query<{ company_id: string; budget: string; packages: string[]; points: number[] }>(
      `SELECT company_id::text AS company_id, MAX(budget)::text AS budget,
              array_agg(package_id ORDER BY package_id) AS packages, array_agg(points ORDER BY package_id) AS points
       FROM period_allocation WHERE period_id = $1 GROUP BY company_id ORDER BY company_id`,
      [period],
    );
    const companies: CloseSnapshot['companies'] = allocations.map((r) => ({
      companyId: r.company_id,
      budget: toSafeNumber(r.budget),
      allocation: r.packages.map((pkg, i) => ({ package: pkg as PackageId, points: r.points[i]! })),
    }));
    const shares = await this.query<{ package_id: string; login: string; share: number }>(
      'SELECT package_id, login, share FROM period_maintainer_share WHERE period_id = $1 ORDER BY package_id, login',
      [period],
    );
    const maintainers = new Map<PackageId, { login: string; share: number }[]>();
    for (const r of shares) {
      const list = maintainers.get(r.package_id as PackageId) ?? [];
      list.push({ login: r.login, share: r.share });
      maintainers.set(r.package_id as PackageId, list);
    }
    // Escrow outstanding before this close: every movement except this period's own.
    const lots = await this.query<{ package_id: string; company_id: string; origin_period: string; amount: string }>(
      `SELECT a.package_id, a.company_id::text AS company_id, a.origin_period, SUM(e.amount)::text AS amount
       FROM ledger_account a
       JOIN ledger_entry e ON e.account_key = a.key
       JOIN ledger_transaction t ON t.id = e.transaction_id
       WHERE a.kind = 'escrow' AND t.period IS DISTINCT FROM $1
       GROUP BY a.package_id, a.company_id, a.origin_period
       HAVING SUM(e.amount) > 0
       ORDER BY a.package_id, a.company_id, a.origin_period`,
      [period],
    );
    return {
      companies,
      maintainers,
      escrowLots: lots.map((l) => ({
        package: l.package_id as PackageId,
        companyId: l.company_id,
        originPeriod: l.origin_period as Period,
        amount: toSafeNumber(l.amount),
      })),
    };
  }

  async append(transactions: readonly LedgerTransaction[]): Promise<number> {
    let written = 0;
    const driver = directSql(this.prisma);
    for (let i = 0; i < transactions.length; i += BATCH) {
      const batch = transactions.slice(i, i + BATCH);
      const accounts = accountColumns(batch, this.knownAccounts);
      if (driver?.kind === 'postgres') written += await appendOnPostgres(driver.pool, batch, accounts);
      else if (driver?.kind === 'pglite') written += await appendOnPglite(driver.pglite, batch, accounts);
      else written += await this.prisma.$transaction((tx) => appendBatch(tx, batch, accounts), { timeout: 120_000, maxWait: 60_000 });
      // Committed: every account of the batch exists now.
      if (this.knownAccounts.size + accounts[0].length > KNOWN_ACCOUNTS) this.knownAccounts.clear();
      for (const key of accounts[0]) this.knownAccounts.add(key);
    }
    return written;
  }

  /** A read on the driver beneath Prisma when there is one (rows as the driver decodes them). */
  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const driver = directSql(this.prisma);
    if (driver?.kind === 'postgres') return (await driver.pool.query(sql, params)).rows as T[];
    if (driver?.kind === 'pglite') return (await driver.pglite.query<T>(sql, params)).rows;
    return this.prisma.$queryRawUnsafe<T[]>(sql, ...params);
  }

  /**
   * Drops companies whose budget charge failed from a closing period's snapshot: their
   * allocation is not funded this period, and a resumed close plans without them. Refused once
   * the period is closed, and for a company that already has a contribution in the period.
   */
  async excludeFromClose(period: Period, companyIds: readonly string[]): Promise<void> {
    if (companyIds.length === 0) return;
    // Moved, not lost: a late charge distributes the month by this frozen allocation (one statement, crash-safe).
    await this.prisma.$executeRawUnsafe(
      `WITH moved AS (
         DELETE FROM period_allocation pa
         USING period p
         WHERE pa.period_id = $1 AND p.id = pa.period_id AND p.status = 'closing'
           AND pa.company_id = ANY($2::uuid[])
           AND NOT EXISTS (SELECT 1 FROM ledger_transaction t WHERE t.key = 'close:' || $1 || ':contribution:' || pa.company_id::text)
         RETURNING pa.period_id, pa.company_id, pa.budget, pa.package_id, pa.points
       )
       INSERT INTO period_unfunded_allocation (period_id, company_id, budget, package_id, points)
       SELECT period_id, company_id, budget, package_id, points FROM moved
       ON CONFLICT DO NOTHING`,
      period,
      [...companyIds],
    );
  }

  async finishClose(period: Period, at: Date): Promise<PeriodState> {
    const changed = await this.prisma.$executeRawUnsafe("UPDATE period SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'closing'", period, at);
    // A close adds a month of rows at once: fresh statistics keep the queries that follow
    // (`check`, receipts) on hash joins instead of nested loops planned for an empty ledger.
    if (changed > 0) await this.prisma.$executeRawUnsafe('ANALYZE ledger_account, ledger_transaction, ledger_entry, period_allocation');
    const state = await this.period(period);
    if (!state) throw new Error(`period ${period} vanished while closing`);
    return state;
  }

  async companyTransactions(companyId: string, period?: Period): Promise<LedgerTransaction[]> {
    // The company's own movements, plus the distributions and escrow holds of the packages it
    // funded in the same periods (a receipt shows where its money went).
    const rows = await this.prisma.$queryRawUnsafe<EntryRow[]>(
      `WITH mine AS (
         SELECT DISTINCT t.id, t.period FROM ledger_transaction t
         JOIN ledger_entry e ON e.transaction_id = t.id
         JOIN ledger_account a ON a.key = e.account_key
         WHERE a.company_id = $1::uuid AND ($2::text IS NULL OR t.period = $2)
       ), funded AS (
         SELECT DISTINCT m.period, a.key FROM mine m
         JOIN ledger_entry e ON e.transaction_id = m.id
         JOIN ledger_account a ON a.key = e.account_key AND a.kind = 'package'
       ), related AS (
         SELECT id FROM mine
         UNION
         SELECT t.id FROM funded f
         JOIN ledger_entry e ON e.account_key = f.key
         JOIN ledger_transaction t ON t.id = e.transaction_id AND t.period = f.period
         WHERE t.kind IN ('distribution', 'escrow_hold')
       )
       SELECT t.id, t.key, t.kind, t.period, t.memo, e.account_key, e.amount
       FROM related r
       JOIN ledger_transaction t ON t.id = r.id
       JOIN ledger_entry e ON e.transaction_id = t.id
       ORDER BY t.id, e.id`,
      companyId,
      period ?? null,
    );
    return groupEntries(rows);
  }

  async maintainerTransactions(login: string): Promise<RecordedTransaction[]> {
    const rows = await this.prisma.$queryRawUnsafe<(EntryRow & { created_at: Date })[]>(
      `WITH mine AS (
         SELECT DISTINCT e.transaction_id AS id FROM ledger_entry e WHERE e.account_key = $1
       )
       SELECT t.id, t.key, t.kind, t.period, t.memo, t.created_at, e.account_key, e.amount
       FROM mine m
       JOIN ledger_transaction t ON t.id = m.id
       JOIN ledger_entry e ON e.transaction_id = t.id
       ORDER BY t.id, e.id`,
      accounts.maintainer(login),
    );
    const at = new Map(rows.map((r) => [r.key, new Date(r.created_at)]));
    return groupEntries(rows).map((transaction) => ({ transaction, recordedAt: at.get(transaction.key)! }));
  }

  async contributors(pools: readonly { period: Period; package: PackageId }[]): Promise<PoolContribution[]> {
    if (pools.length === 0) return [];
    // A contribution moves money from `company:<id>` into the package pools of its period.
    const rows = await this.prisma.$queryRawUnsafe<{ company_id: string; period: string; package_id: string; amount: bigint }[]>(
      `WITH wanted AS (
         SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS w(period, pool)
       )
       SELECT c.company_id, t.period, p.package_id, SUM(pe.amount)::bigint AS amount
       FROM wanted w
       JOIN ledger_entry pe ON pe.account_key = w.pool AND pe.amount > 0
       JOIN ledger_transaction t ON t.id = pe.transaction_id AND t.kind = 'contribution' AND t.period = w.period
       JOIN ledger_account p ON p.key = pe.account_key
       JOIN ledger_entry ce ON ce.transaction_id = t.id AND ce.amount < 0
       JOIN ledger_account c ON c.key = ce.account_key AND c.kind = 'company'
       GROUP BY c.company_id, t.period, p.package_id
       ORDER BY t.period, p.package_id, c.company_id`,
      pools.map((p) => p.period),
      pools.map((p) => accounts.packagePool(p.package)),
    );
    return rows.map((r) => ({ companyId: r.company_id, period: r.period as Period, package: r.package_id as PackageId, amount: toSafeNumber(r.amount) }));
  }
}

interface EntryRow {
  id: bigint;
  key: string;
  kind: TransactionKind;
  period: string | null;
  memo: string;
  account_key: string;
  amount: bigint;
}

export function groupEntries(rows: readonly EntryRow[]): LedgerTransaction[] {
  const out: LedgerTransaction[] = [];
  let current: { key: string; kind: TransactionKind; period?: Period; memo: string; entries: { account: AccountKey; amount: number }[] } | null = null;
  let currentId: bigint | null = null;
  for (const r of rows) {
    if (currentId !== r.id) {
      current = { key: r.key, kind: r.kind, ...(r.period ? { period: r.period as Period } : {}), memo: r.memo, entries: [] };
      currentId = r.id;
      out.push(current);
    }
    current!.entries.push({ account: r.account_key as AccountKey, amount: toSafeNumber(r.amount) });
  }
  return out;
}

const INSERT_ACCOUNTS = `INSERT INTO ledger_account (key, kind, company_id, package_id, login, origin_period)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (key) DO NOTHING`;
// Transactions whose key already exists are skipped, and so are their entries.
const INSERT_TRANSACTIONS = `INSERT INTO ledger_transaction (key, kind, period, memo)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (key) DO NOTHING
     RETURNING id, key`;
const COPY_ENTRIES = 'COPY ledger_entry (transaction_id, account_key, amount) FROM STDIN';

type AccountColumns = [string[], string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];

/** The accounts a batch touches and `known` lacks (dimension rows, described from their keys), as unnest columns. */
function accountColumns(batch: readonly LedgerTransaction[], known: ReadonlySet<string>): AccountColumns {
  const seen = new Set<string>();
  const cols: AccountColumns = [[], [], [], [], [], []];
  for (const t of batch) {
    for (const { account: key } of t.entries) {
      if (seen.has(key) || known.has(key)) continue;
      seen.add(key);
      const a = parseAccountKey(key);
      if (!a) throw new RangeError(`not an account key: ${key}`);
      cols[0].push(key);
      cols[1].push(a.kind);
      cols[2].push('companyId' in a ? a.companyId : null);
      cols[3].push('package' in a ? a.package : null);
      cols[4].push('login' in a ? a.login : null);
      cols[5].push('originPeriod' in a ? a.originPeriod : null);
    }
  }
  return cols;
}

const transactionColumns = (batch: readonly LedgerTransaction[]) => [batch.map((t) => t.key), batch.map((t) => t.kind), batch.map((t) => t.period ?? null), batch.map((t) => t.memo)];

/** COPY's text format: a backslash, tab, newline or carriage return in a value is escaped. */
const copyText = (v: string): string => (/[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v);

/** The entries of the newly inserted transactions as COPY text, in plan order (so entry ids follow it), in pieces. */
function* entryLines(batch: readonly LedgerTransaction[], inserted: readonly { id: bigint | number | string; key: string }[]): Generator<string> {
  const idByKey = new Map(inserted.map((r) => [r.key, String(r.id)]));
  let piece = '';
  for (const t of batch) {
    const id = idByKey.get(t.key);
    if (id === undefined) continue;
    for (const e of t.entries) piece += `${id}\t${copyText(e.account)}\t${e.amount}\n`;
    if (piece.length > 1 << 16) {
      yield piece;
      piece = '';
    }
  }
  if (piece.length > 0) yield piece;
}

async function appendOnPostgres(pool: pg.Pool, batch: readonly LedgerTransaction[], accounts: AccountColumns): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (accounts[0].length > 0) await client.query(INSERT_ACCOUNTS, accounts);
    const inserted = (await client.query<{ id: string; key: string }>(INSERT_TRANSACTIONS, transactionColumns(batch))).rows;
    if (inserted.length > 0) await pipeline(Readable.from(entryLines(batch, inserted)), client.query(copyFrom(COPY_ENTRIES)));
    await client.query('COMMIT');
    return inserted.length;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

async function appendOnPglite(pglite: PGlite, batch: readonly LedgerTransaction[], accounts: AccountColumns): Promise<number> {
  return pglite.transaction(async (tx: PGliteTransaction) => {
    if (accounts[0].length > 0) await tx.query(INSERT_ACCOUNTS, accounts);
    const inserted = (await tx.query<{ id: number | string; key: string }>(INSERT_TRANSACTIONS, transactionColumns(batch))).rows;
    if (inserted.length > 0) await tx.query(`COPY ledger_entry (transaction_id, account_key, amount) FROM '/dev/blob'`, [], { blob: new Blob([...entryLines(batch, inserted)]) });
    return inserted.length;
  });
}

/** The same writes through Prisma, for a client not opened by `openDatabase`. */
async function appendBatch(db: Db, batch: readonly LedgerTransaction[], accounts: AccountColumns): Promise<number> {
  if (accounts[0].length > 0) await db.$executeRawUnsafe(INSERT_ACCOUNTS, ...accounts);
  const inserted = await db.$queryRawUnsafe<{ id: bigint; key: string }[]>(INSERT_TRANSACTIONS, ...transactionColumns(batch));
  if (inserted.length === 0) return 0;
  const idByKey = new Map(inserted.map((r) => [r.key, r.id]));
  const txIds: string[] = [];
  const accountCol: string[] = [];
  const amounts: string[] = [];
  for (const t of batch) {
    const id = idByKey.get(t.key);
    if (id === undefined) continue;
    for (const e of t.entries) {
      txIds.push(String(id));
      accountCol.push(e.account);
      amounts.push(String(e.amount));
    }
  }
  await db.$executeRawUnsafe(
    `INSERT INTO ledger_entry (transaction_id, account_key, amount)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])`,
    txIds,
    accountCol,
    amounts,
  );
  return inserted.length;
}

