// Ledger invariants checked in SQL, so they run over the whole ledger without loading it.
// `npm run upkeep -- check` prints every violation and exits 1 when there is one.
import type { PrismaClient } from './generated/client.ts';

export interface InvariantViolation {
  check: string;
  detail: string;
}

interface Check {
  name: string;
  /** Each row returned is a violation; `detail` says which. */
  sql: string;
}

/**
 * Run first, in the checks' transaction: the entries summed once per transaction and once per
 * account, period and kind of transaction, so the checks below read two passes over the
 * entries instead of one each (a million-allocation month is 1.5 million entries).
 */
export const LEDGER_CHECK_SETUP: readonly string[] = [
  `CREATE TEMP TABLE check_by_transaction ON COMMIT DROP AS
   SELECT transaction_id, SUM(amount) AS total, COUNT(*) AS entries FROM ledger_entry GROUP BY transaction_id`,
  `CREATE TEMP TABLE check_by_account ON COMMIT DROP AS
   SELECT e.account_key, t.period, t.kind = 'contribution' AS contribution, SUM(e.amount) AS total
   FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
   GROUP BY e.account_key, t.period, t.kind = 'contribution'`,
  'ANALYZE check_by_transaction, check_by_account',
];

export const LEDGER_CHECKS: readonly Check[] = [
  {
    name: 'transaction balances to zero',
    sql: `SELECT t.key || ' sums to ' || s.total::text AS detail
          FROM check_by_transaction s JOIN ledger_transaction t ON t.id = s.transaction_id
          WHERE s.total <> 0`,
  },
  {
    name: 'transaction has at least two entries',
    sql: `SELECT t.key || ' has ' || COALESCE(s.entries, 0)::text || ' entries' AS detail
          FROM ledger_transaction t LEFT JOIN check_by_transaction s ON s.transaction_id = t.id
          WHERE COALESCE(s.entries, 0) < 2`,
  },
  {
    name: 'entry account is described',
    // The unknown accounts from the sums, then their entries by index.
    sql: `SELECT 'entry ' || e.id::text || ' on unknown account ' || e.account_key AS detail
          FROM (SELECT DISTINCT s.account_key FROM check_by_account s LEFT JOIN ledger_account a ON a.key = s.account_key WHERE a.key IS NULL) u
          JOIN ledger_entry e ON e.account_key = u.account_key`,
  },
  {
    name: 'package pools are empty after a close',
    sql: `SELECT a.key || ' holds ' || SUM(s.total)::text || ' after the close of ' || s.period AS detail
          FROM check_by_account s
          JOIN ledger_account a ON a.key = s.account_key AND a.kind = 'package'
          JOIN period p ON p.id = s.period AND p.status = 'closed'
          GROUP BY a.key, s.period HAVING SUM(s.total) <> 0`,
  },
  {
    name: 'escrow, maintainer and credit balances are not negative',
    sql: `SELECT a.key || ' balance ' || SUM(s.total)::text AS detail
          FROM check_by_account s JOIN ledger_account a ON a.key = s.account_key
          WHERE a.kind IN ('escrow', 'maintainer', 'credit', 'wish')
          GROUP BY a.key HAVING SUM(s.total) < 0`,
  },
  {
    name: 'no company debited more than its budget in a period',
    sql: `WITH debited AS (
            SELECT a.company_id, s.period, -SUM(s.total) AS amount
            FROM check_by_account s
            JOIN ledger_account a ON a.key = s.account_key AND a.kind = 'company'
            WHERE s.contribution
            GROUP BY a.company_id, s.period
          ), budgets AS (
            -- Funded at the close, or left unfunded (and maybe funded late) by a failed charge.
            SELECT DISTINCT period_id, company_id, budget FROM period_allocation
            UNION
            SELECT DISTINCT period_id, company_id, budget FROM period_unfunded_allocation
          )
          SELECT 'company ' || d.company_id::text || ' debited ' || d.amount::text || ' in ' || d.period
                 || ' with a budget of ' || COALESCE(b.budget::text, 'none') AS detail
          FROM debited d LEFT JOIN budgets b ON b.period_id = d.period AND b.company_id = d.company_id
          WHERE b.budget IS NULL OR d.amount > b.budget`,
  },
  {
    // Funded at the close: exactly its budget under the close's key. Left unfunded by a failed
    // charge: nothing, unless its one late retry succeeded, then exactly its budget, late.
    name: 'every company of a closed period contributed exactly what it owed',
    sql: `WITH frozen AS (
            SELECT DISTINCT period_id, company_id, budget, false AS unfunded FROM period_allocation
            UNION
            SELECT DISTINCT period_id, company_id, budget, true AS unfunded FROM period_unfunded_allocation
          ), owed AS (
            SELECT f.period_id, f.company_id, f.unfunded,
                   CASE WHEN NOT f.unfunded THEN f.budget
                        WHEN EXISTS (SELECT 1 FROM payment p
                                     WHERE p.idempotency_key = 'budget:' || f.company_id::text || ':' || f.period_id || ':retry'
                                       AND p.status = 'succeeded') THEN f.budget
                        ELSE 0 END AS amount,
                   CASE WHEN f.unfunded THEN 'close:' || f.period_id || ':late:' || f.company_id::text || ':contribution'
                        ELSE 'close:' || f.period_id || ':contribution:' || f.company_id::text END AS key
            FROM frozen f JOIN period p ON p.id = f.period_id AND p.status = 'closed'
          ), owed_keys AS (
            -- A key names its company and period: joined on all three, each transaction matches at most one row.
            SELECT DISTINCT key, company_id, period_id FROM owed
          ), contributed AS (
            SELECT a.company_id, t.period, -SUM(e.amount) AS amount,
                   -SUM(e.amount) FILTER (WHERE k.key IS NOT NULL) AS keyed
            FROM ledger_transaction t
            JOIN ledger_entry e ON e.transaction_id = t.id
            JOIN ledger_account a ON a.key = e.account_key AND a.kind = 'company'
            LEFT JOIN owed_keys k ON k.key = t.key AND k.company_id = a.company_id AND k.period_id = t.period
            WHERE t.kind = 'contribution'
            GROUP BY a.company_id, t.period
          )
          SELECT 'company ' || o.company_id::text || ' in ' || o.period_id || (CASE WHEN o.unfunded THEN ' (unfunded at the close)' ELSE '' END)
                 || ': owed ' || o.amount::text || ', contributed ' || COALESCE(c.amount, 0)::text
                 || ' (' || COALESCE(c.keyed, 0)::text || ' under ' || o.key || ')' AS detail
          FROM owed o LEFT JOIN contributed c ON c.company_id = o.company_id AND c.period = o.period_id
          WHERE COALESCE(c.amount, 0) <> o.amount OR COALESCE(c.keyed, 0) <> o.amount`,
  },
  {
    name: 'a late contribution only follows a succeeded retry of an unfunded month',
    sql: `SELECT t.key || ' has no succeeded retry of a month left unfunded at its close' AS detail
          FROM ledger_transaction t
          WHERE t.key LIKE 'close:%:late:%'
            AND NOT EXISTS (
              SELECT 1 FROM period_unfunded_allocation u
              JOIN payment p ON p.idempotency_key = 'budget:' || u.company_id::text || ':' || u.period_id || ':retry' AND p.status = 'succeeded'
              WHERE t.key LIKE 'close:' || u.period_id || ':late:' || u.company_id::text || ':%')`,
  },
];

/** Runs every ledger check; an empty list means the ledger is sound. */
export async function checkLedgerInvariants(prisma: PrismaClient, checks: readonly Check[] = LEDGER_CHECKS): Promise<InvariantViolation[]> {
  // One read-only snapshot for every check (they see the same ledger even while a close
  // writes), with room to hash and sort a month of a million entries in memory.
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL work_mem = '64MB'");
      for (const statement of LEDGER_CHECK_SETUP) await tx.$executeRawUnsafe(statement);
      const out: InvariantViolation[] = [];
      for (const check of checks) {
        const rows = await tx.$queryRawUnsafe<{ detail: string | null }[]>(check.sql);
        // A NULL in the SQL's concatenation would print `null`: say so instead of hiding the row.
        for (const r of rows) out.push({ check: check.name, detail: r.detail ?? 'a row of this check could not be described' });
      }
      return out;
    },
    { isolationLevel: 'RepeatableRead', timeout: 600_000, maxWait: 60_000 },
  );
}
