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
            SELECT DISTINCT period_id, company_id, budget FROM period_allocation
          )
          SELECT 'company ' || d.company_id::text || ' debited ' || d.amount::text || ' in ' || d.period
                 || ' with a budget of ' || COALESCE(b.budget::text, 'none') AS detail
          FROM debited d LEFT JOIN budgets b ON b.period_id = d.period AND b.company_id = d.company_id
          WHERE b.budget IS NULL OR d.amount > b.budget`,
  },
  {
    name: 'every company of a closed period contributed exactly its budget',
    sql: `WITH budgets AS (SELECT DISTINCT period_id, company_id, budget FROM period_allocation)
          SELECT 'company ' || b.company_id::text || ' in ' || b.period_id || ': budget ' || b.budget::text
                 || ', contributed ' || COALESCE(-SUM(e.amount), 0)::text AS detail
          FROM budgets b
          JOIN period p ON p.id = b.period_id AND p.status = 'closed'
          LEFT JOIN ledger_transaction t ON t.key = 'close:' || b.period_id || ':contribution:' || b.company_id::text
          LEFT JOIN ledger_entry e ON e.transaction_id = t.id AND e.account_key = 'company:' || b.company_id::text
          GROUP BY b.period_id, b.company_id, b.budget
          HAVING COALESCE(-SUM(e.amount), 0) <> b.budget`,
  },
];

/** Runs every ledger check; an empty list means the ledger is sound. */
export async function checkLedgerInvariants(prisma: PrismaClient, checks: readonly Check[] = LEDGER_CHECKS): Promise<InvariantViolation[]> {
  const out: InvariantViolation[] = [];
  for (const check of checks) {
    const rows = await prisma.$queryRawUnsafe<{ detail: string }[]>(check.sql);
    for (const r of rows) out.push({ check: check.name, detail: r.detail });
  }
  return out;
}
