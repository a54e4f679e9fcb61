// The ledger and periods on PostgreSQL/PGlite. Writes are set-based (unnest arrays, one
// statement per table per batch) so a close of 100,000 allocations takes a handful of
// round trips; idempotency rests on the unique transaction key, not on the caller.
import { accounts, parseAccountKey, type AccountKey, type LedgerTransaction, type TransactionKind } from '../core/ledger.ts';
import type { PackageId } from '../core/packages.ts';
import type { Period } from '../core/period.ts';
import type { CloseSnapshot, LedgerStore, PeriodState, PoolContribution, RecordedTransaction } from '../core/ports/ledger.ts';
import type { PrismaClient } from './generated/client.ts';
import { toSafeNumber } from './numbers.ts';

/** Transactions written per database transaction: bounds memory and lock time. */
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

export class PrismaLedgerStore implements LedgerStore {
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
    const allocations = await this.prisma.$queryRawUnsafe<{ company_id: string; budget: bigint; package_id: string; points: number }[]>(
      'SELECT company_id, budget, package_id, points FROM period_allocation WHERE period_id = $1 ORDER BY company_id, package_id',
      period,
    );
    const companies: CloseSnapshot['companies'] = [];
    for (const r of allocations) {
      let last = companies[companies.length - 1];
      if (!last || last.companyId !== r.company_id) {
        last = { companyId: r.company_id, budget: toSafeNumber(r.budget), allocation: [] };
        companies.push(last);
      }
      last.allocation.push({ package: r.package_id as PackageId, points: r.points });
    }
    const shares = await this.prisma.$queryRawUnsafe<{ package_id: string; login: string; share: number }[]>(
      'SELECT package_id, login, share FROM period_maintainer_share WHERE period_id = $1 ORDER BY package_id, login',
      period,
    );
    const maintainers = new Map<PackageId, { login: string; share: number }[]>();
    for (const r of shares) {
      const list = maintainers.get(r.package_id as PackageId) ?? [];
      list.push({ login: r.login, share: r.share });
      maintainers.set(r.package_id as PackageId, list);
    }
    // Escrow outstanding before this close: every movement except this period's own.
    const lots = await this.prisma.$queryRawUnsafe<{ package_id: string; company_id: string; origin_period: string; amount: bigint }[]>(
      `SELECT a.package_id, a.company_id, a.origin_period, SUM(e.amount) AS amount
       FROM ledger_account a
       JOIN ledger_entry e ON e.account_key = a.key
       JOIN ledger_transaction t ON t.id = e.transaction_id
       WHERE a.kind = 'escrow' AND t.period IS DISTINCT FROM $1
       GROUP BY a.package_id, a.company_id, a.origin_period
       HAVING SUM(e.amount) > 0
       ORDER BY a.package_id, a.company_id, a.origin_period`,
      period,
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
    for (let i = 0; i < transactions.length; i += BATCH) {
      const batch = transactions.slice(i, i + BATCH);
      written += await this.prisma.$transaction((tx) => appendBatch(tx, batch), { timeout: 120_000, maxWait: 60_000 });
    }
    return written;
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
    await this.prisma.$executeRawUnsafe("UPDATE period SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'closing'", period, at);
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

async function appendBatch(db: Db, batch: readonly LedgerTransaction[]): Promise<number> {
  // Accounts first (dimension rows), described from their keys.
  const accountKeys = [...new Set(batch.flatMap((t) => t.entries.map((e) => e.account)))];
  const cols = { key: [] as string[], kind: [] as string[], company: [] as (string | null)[], pkg: [] as (string | null)[], login: [] as (string | null)[], origin: [] as (string | null)[] };
  for (const key of accountKeys) {
    const a = parseAccountKey(key);
    if (!a) throw new RangeError(`not an account key: ${key}`);
    cols.key.push(key);
    cols.kind.push(a.kind);
    cols.company.push('companyId' in a ? a.companyId : null);
    cols.pkg.push('package' in a ? a.package : null);
    cols.login.push('login' in a ? a.login : null);
    cols.origin.push('originPeriod' in a ? a.originPeriod : null);
  }
  await db.$executeRawUnsafe(
    `INSERT INTO ledger_account (key, kind, company_id, package_id, login, origin_period)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (key) DO NOTHING`,
    cols.key,
    cols.kind,
    cols.company,
    cols.pkg,
    cols.login,
    cols.origin,
  );
  // Transactions whose key already exists are skipped, and so are their entries.
  const inserted = await db.$queryRawUnsafe<{ id: bigint; key: string }[]>(
    `INSERT INTO ledger_transaction (key, kind, period, memo)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (key) DO NOTHING
     RETURNING id, key`,
    batch.map((t) => t.key),
    batch.map((t) => t.kind),
    batch.map((t) => t.period ?? null),
    batch.map((t) => t.memo),
  );
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

