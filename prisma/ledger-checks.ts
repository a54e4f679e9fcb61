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

export const LEDGER_CHECKS: readonly Check[] = [
  {
    name: 'transaction balances to zero',
    sql: `SELECT t.key || ' sums to ' || SUM(e.amount)::text AS detail
          FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id
          GROUP BY t.id, t.key HAVING SUM(e.amount) <> 0`,
  },
  {
    name: 'transaction has at least two entries',
    sql: `SELECT t.key || ' has ' || COUNT(e.id)::text || ' entries' AS detail
          FROM ledger_transaction t LEFT JOIN ledger_entry e ON e.transaction_id = t.id
          GROUP BY t.id, t.key HAVING COUNT(e.id) < 2`,
  },
  {
    name: 'entry account is described',
    sql: `SELECT 'entry ' || e.id::text || ' on unknown account ' || e.account_key AS detail
          FROM ledger_entry e LEFT JOIN ledger_account a ON a.key = e.account_key WHERE a.key IS NULL`,
  },
  {
    name: 'package pools are empty after a close',
    sql: `SELECT a.key || ' holds ' || SUM(e.amount)::text || ' after the close of ' || t.period AS detail
          FROM ledger_account a
          JOIN ledger_entry e ON e.account_key = a.key
          JOIN ledger_transaction t ON t.id = e.transaction_id
          JOIN period p ON p.id = t.period AND p.status = 'closed'
          WHERE a.kind = 'package'
          GROUP BY a.key, t.period HAVING SUM(e.amount) <> 0`,
  },
  {
    name: 'escrow, maintainer and credit balances are not negative',
    sql: `SELECT a.key || ' balance ' || SUM(e.amount)::text AS detail
          FROM ledger_account a JOIN ledger_entry e ON e.account_key = a.key
          WHERE a.kind IN ('escrow', 'maintainer', 'credit', 'wish')
          GROUP BY a.key HAVING SUM(e.amount) < 0`,
  },
  {
    name: 'no company debited more than its budget in a period',
    sql: `WITH debited AS (
            SELECT a.company_id, t.period, -SUM(e.amount) AS amount
            FROM ledger_entry e
            JOIN ledger_account a ON a.key = e.account_key AND a.kind = 'company'
            JOIN ledger_transaction t ON t.id = e.transaction_id AND t.kind = 'contribution'
            GROUP BY a.company_id, t.period
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
          ), contributed AS (
            SELECT a.company_id, t.period, -SUM(e.amount) AS amount,
                   -SUM(e.amount) FILTER (WHERE t.key = ANY(ARRAY(SELECT key FROM owed o WHERE o.company_id = a.company_id AND o.period_id = t.period))) AS keyed
            FROM ledger_transaction t
            JOIN ledger_entry e ON e.transaction_id = t.id
            JOIN ledger_account a ON a.key = e.account_key AND a.kind = 'company'
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
  const out: InvariantViolation[] = [];
  for (const check of checks) {
    const rows = await prisma.$queryRawUnsafe<{ detail: string | null }[]>(check.sql);
    // A NULL in the SQL's concatenation would print `null`: say so instead of hiding the row.
    for (const r of rows) out.push({ check: check.name, detail: r.detail ?? 'a row of this check could not be described' });
  }
  return out;
}
