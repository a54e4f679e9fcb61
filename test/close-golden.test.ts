// The guard of every optimisation of the month-end close (issue 15): a deterministic data set
// closed three times through the real `closePeriod` (offline budgets, one company unfunded,
// month-end summaries into the outbox) must leave exactly the rows the implementation of
// 2026-12-01 left. The canonical dump of the ledger, periods, snapshots, payments and
// notifications is hashed and compared to a constant pinned from that implementation; a close
// interrupted halfway and resumed must leave the same hash.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { LedgerStore } from '../core/ports/ledger.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import { PrismaPackageDirectory } from '../prisma/package-directory.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';

/** SHA-256 of the canonical dump after the three closes, pinned from the implementation of 2026-12-01. */
const GOLDEN = '68a3fe0cc47a80c94f4475a09a277d922b283e21c5e38a94cfd75f50144cae5a';

const COMPANIES = 300;
/** Packages npm:p1 … npm:p310; repositories org/r1 … org/r190 claim npm:p1 … npm:p190 (org/r1 … org/r10 also npm:p301 … npm:p310). */
const PACKAGES = 310;
const UNFUNDED = 7;

const CLOSES: { period: Period; at: string }[] = [
  { period: '2026-03' as Period, at: '2026-04-01T00:00:00Z' },
  { period: '2026-06' as Period, at: '2026-07-01T00:00:00Z' },
  { period: '2026-10' as Period, at: '2026-11-01T00:00:05Z' },
];

/** The deterministic id of company `expr` (a SQL expression), the same on every backend. */
const companyId = (expr: string | number) => `md5('golden-company-' || ${expr})::uuid`;

async function sql(db: TestDatabase, text: string): Promise<void> {
  await db.prisma.$executeRawUnsafe(text);
}

/** Repositories `from`…`to` opt in, each with 1–3 maintainers of uneven shares (m<g%40> recurs across repositories). */
async function optIn(db: TestDatabase, from: number, to: number): Promise<void> {
  await sql(db, `INSERT INTO repository (id, opted_in, terms_version, license, last_activity_at)
                 SELECT 'org/r' || g, true, 1, 'MIT', '2026-09-01T00:00:00Z' FROM generate_series(${from}, ${to}) g`);
  await sql(db, `INSERT INTO repository_maintainer (repository_id, login, share)
                 SELECT 'org/r' || g, m.login, m.share
                 FROM generate_series(${from}, ${to}) g
                 CROSS JOIN LATERAL (VALUES
                   (1, CASE WHEN g = 1 THEN 'MixedCase' ELSE 'm' || (g % 40) END, CASE g % 3 WHEN 0 THEN 100 WHEN 1 THEN 67 ELSE 50 END),
                   (2, 'n' || g, CASE g % 3 WHEN 1 THEN 33 ELSE 30 END),
                   (3, 'o' || g, 20)) AS m(k, login, share)
                 WHERE m.k <= 1 + g % 3`);
  await sql(db, `INSERT INTO package_claim (package_id, repository_id)
                 SELECT 'npm:p' || g, 'org/r' || g FROM generate_series(${from}, ${to}) g
                 UNION ALL
                 SELECT 'npm:p' || (300 + g), 'org/r' || g FROM generate_series(${Math.max(from, 1)}, ${Math.min(to, 10)}) g`);
}

async function seed(db: TestDatabase): Promise<void> {
  await optIn(db, 1, 150);
  await sql(db, `INSERT INTO company (id, name, workspace, budget, currency)
                 SELECT ${companyId('g')}, 'company ' || g, 'golden:' || g,
                        CASE WHEN g % 50 = 0 THEN 0 WHEN g % 61 = 0 THEN NULL ELSE 1000 + (g * 7919) % 99000 END, 'EUR'
                 FROM generate_series(1, ${COMPANIES}) g`);
  // Company g spreads 100 points over 3 + g % 6 packages (the first ones get the remainder).
  await sql(db, `INSERT INTO allocation (company_id, created_by, created_at)
                 SELECT ${companyId('g')}, 'golden', '2026-01-01T00:00:00Z' FROM generate_series(1, ${COMPANIES}) g ORDER BY g`);
  await sql(db, `INSERT INTO allocation_line (allocation_id, package_id, points)
                 SELECT a.id, 'npm:p' || (1 + (g * 13 + j * 37) % ${PACKAGES}), 100 / (3 + g % 6) + CASE WHEN j < 100 % (3 + g % 6) THEN 1 ELSE 0 END
                 FROM generate_series(1, ${COMPANIES}) g
                 JOIN allocation a ON a.company_id = ${companyId('g')}
                 CROSS JOIN generate_series(0, 8) j
                 WHERE j < 3 + g % 6`);
  // Every 17th company revised its allocation in May (34/33/33 over three other packages).
  await sql(db, `INSERT INTO allocation (company_id, created_by, created_at)
                 SELECT ${companyId('g')}, 'golden', '2026-05-01T00:00:00Z' FROM generate_series(17, ${COMPANIES}, 17) g ORDER BY g`);
  await sql(db, `INSERT INTO allocation_line (allocation_id, package_id, points)
                 SELECT a.id, 'npm:p' || (1 + (g * 29 + j * 101) % ${PACKAGES}), CASE j WHEN 0 THEN 34 ELSE 33 END
                 FROM generate_series(17, ${COMPANIES}, 17) g
                 JOIN allocation a ON a.company_id = ${companyId('g')} AND a.created_at = '2026-05-01T00:00:00Z'
                 CROSS JOIN generate_series(0, 2) j`);
  // Every 23rd saved one after the last close began: it must not count.
  await sql(db, `INSERT INTO allocation (company_id, created_by, created_at)
                 SELECT ${companyId('g')}, 'golden', '2026-11-15T00:00:00Z' FROM generate_series(23, ${COMPANIES}, 23) g ORDER BY g`);
  await sql(db, `INSERT INTO allocation_line (allocation_id, package_id, points)
                 SELECT a.id, 'npm:p' || (1 + j), CASE j WHEN 0 THEN 34 ELSE 33 END
                 FROM generate_series(23, ${COMPANIES}, 23) g
                 JOIN allocation a ON a.company_id = ${companyId('g')} AND a.created_at = '2026-11-15T00:00:00Z'
                 CROSS JOIN generate_series(0, 2) j`);
  // Channels: some companies' own, some packages', some repositories' (through the package's claim).
  await sql(db, `INSERT INTO subscription (platform, channel, target, company_id, created_by)
                 SELECT 'slack', 'T1/C' || g, 'package:npm:p' || g, ${companyId('g')}, 'slack:U1' FROM generate_series(5, ${COMPANIES}, 5) g
                 UNION ALL
                 SELECT 'discord', 'd' || g, 'package:npm:p' || g, NULL, 'discord:1' FROM generate_series(9, ${PACKAGES}, 9) g
                 UNION ALL
                 SELECT 'discord', 'r' || g, 'repo:org/r' || g, NULL, 'discord:1' FROM generate_series(11, 190, 11) g`);
}

/** What changes between the closes: repositories opt in and out, shares change. */
async function between(db: TestDatabase, next: Period): Promise<void> {
  if (next === '2026-06') {
    await optIn(db, 151, 170);
    await sql(db, "UPDATE repository_maintainer SET share = CASE login WHEN 'm2' THEN 60 ELSE 20 END WHERE repository_id = 'org/r2'");
  }
  if (next === '2026-10') {
    await optIn(db, 171, 190);
    await sql(db, "UPDATE repository SET opted_in = false WHERE id = 'org/r5'");
    // A charge that failed: this company stays unfunded for the month.
    await sql(db, `INSERT INTO payment (id, kind, provider, status, amount, currency, idempotency_key, company_id, period, error, updated_at)
                   SELECT md5('golden-payment')::uuid, 'budget_charge', 'offline', 'failed', budget, 'EUR', 'budget:' || id || ':2026-10', id, '2026-10', 'card declined: test', '2026-11-01T00:00:00Z'
                   FROM company WHERE id = ${companyId(UNFUNDED)}`);
  }
}

function closeDeps(db: TestDatabase, ledger: LedgerStore, at: string) {
  const payments = new PrismaPaymentStore(db.prisma);
  const outbox = new PrismaNotificationOutbox(db.prisma);
  return {
    ledger,
    clock: fixedClock(at),
    budgets: budgetCollector({ gateway: new OfflineGateway(payments), payments, outbox, currency: 'EUR', clock: fixedClock(at) }),
    announce: { outbox, currency: 'EUR', packages: new PrismaPackageDirectory(db.prisma) },
  };
}

/** The rows a close leaves, in a canonical order, one line each (ids and write times left out). */
async function canonicalDump(db: TestDatabase): Promise<{ text: string; counts: Record<string, number> }> {
  const q = <T,>(text: string) => db.prisma.$queryRawUnsafe<T[]>(text);
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  const section = (name: string, rows: string[]) => {
    counts[name] = rows.length;
    lines.push(`# ${name} ${rows.length}`, ...rows);
  };
  const txs = await q<{ key: string; kind: string; period: string | null; memo: string; entries: string }>(
    `SELECT t.key, t.kind, t.period, t.memo,
            string_agg(e.account_key || '=' || e.amount::text, ',' ORDER BY e.account_key COLLATE "C", e.amount) AS entries
     FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id
     GROUP BY t.id, t.key, t.kind, t.period, t.memo ORDER BY t.key COLLATE "C"`,
  );
  section('transactions', txs.map((t) => JSON.stringify([t.key, t.kind, t.period, t.memo, t.entries])));
  const entryCount = await q<{ n: bigint }>('SELECT COUNT(*) AS n FROM ledger_entry');
  section('entries', [String(entryCount[0]!.n)]);
  const accounts = await q<Record<string, string | null>>(
    'SELECT key, kind, company_id::text AS company_id, package_id, login, origin_period FROM ledger_account ORDER BY key COLLATE "C"',
  );
  section('accounts', accounts.map((a) => JSON.stringify([a.key, a.kind, a.company_id, a.package_id, a.login, a.origin_period])));
  const periods = await q<{ id: string; status: string; started_at: Date; closed_at: Date | null }>('SELECT id, status, started_at, closed_at FROM period ORDER BY id');
  section('periods', periods.map((p) => JSON.stringify([p.id, p.status, new Date(p.started_at).toISOString(), p.closed_at && new Date(p.closed_at).toISOString()])));
  for (const table of ['period_allocation', 'period_unfunded_allocation']) {
    const rows = await q<{ r: string }>(
      `SELECT r FROM (SELECT period_id || '|' || company_id::text || '|' || budget::text || '|' || package_id || '|' || points::text AS r FROM ${table}) s ORDER BY r COLLATE "C"`,
    );
    section(table, rows.map((r) => r.r));
  }
  const shares = await q<{ r: string }>(`SELECT r FROM (SELECT period_id || '|' || package_id || '|' || login || '|' || share::text AS r FROM period_maintainer_share) s ORDER BY r COLLATE "C"`);
  section('period_maintainer_share', shares.map((r) => r.r));
  const payments = await q<{ r: string }>(
    `SELECT r FROM (SELECT idempotency_key || '|' || kind || '|' || provider || '|' || status || '|' || amount::text || '|' || currency || '|' || COALESCE(company_id::text, '') || '|' || COALESCE(period, '') || '|' || COALESCE(error, '') AS r
     FROM payment) s ORDER BY r COLLATE "C"`,
  );
  section('payments', payments.map((r) => r.r));
  const notices = await q<{ key: string; platform: string; destination: string; status: string; payload: string }>(
    'SELECT key, platform, destination, status, payload::text AS payload FROM notification ORDER BY key COLLATE "C"',
  );
  section('notifications', notices.map((n) => JSON.stringify([n.key, n.platform, n.destination, n.status, n.payload])));
  return { text: lines.join('\n'), counts };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A ledger whose writes stop after `pieces` pieces of `size` transactions: a close that dies
 * part-way through its movements, with what was written before committed.
 */
function failingLedger(inner: PrismaLedgerStore, size: number, pieces: number): LedgerStore {
  let done = 0;
  const ledger = Object.create(inner) as PrismaLedgerStore;
  ledger.append = async (transactions) => {
    let written = 0;
    for (let i = 0; i < transactions.length; i += size) {
      if (done >= pieces) throw new Error(`injected failure after ${done} pieces`);
      written += await inner.append(transactions.slice(i, i + size));
      done += 1;
    }
    return written;
  };
  return ledger;
}

describe.each(BACKENDS)('the month-end close writes the golden rows on %s', (backend) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await seed(db);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it('three closes leave exactly the pinned rows, and a sound ledger', async () => {
    const ledger = new PrismaLedgerStore(db.prisma);
    for (const { period, at } of CLOSES) {
      await between(db, period);
      const report = await closePeriod({ period, ...closeDeps(db, ledger, at) });
      expect(report.closedNow).toBe(true);
      expect(report.written).toBe(report.planned);
      if (period === '2026-10') expect(report.unfunded.map((u) => u.reason)).toEqual(['card declined: test']);
    }
    const { text, counts } = await canonicalDump(db);
    // The data set reaches every path of the planner: holds, releases, returns, an unfunded company, summaries.
    const kinds = await db.prisma.$queryRawUnsafe<{ kind: string; n: bigint }[]>('SELECT kind, COUNT(*) AS n FROM ledger_transaction GROUP BY kind ORDER BY kind');
    expect(kinds.map((k) => k.kind)).toEqual(['contribution', 'distribution', 'escrow_hold', 'escrow_release', 'escrow_return']);
    expect(counts.period_unfunded_allocation).toBeGreaterThan(0);
    expect(counts.notifications).toBeGreaterThan(100);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    // GOLDEN_DUMP=<file> writes the dump, to diff against a run of the pinned implementation.
    if (process.env.GOLDEN_DUMP) writeFileSync(`${process.env.GOLDEN_DUMP}.${backend}`, text);
    expect({ counts, hash: sha256(text) }).toEqual({ counts, hash: GOLDEN });
  }, 120_000);

  it('check names each broken invariant of the closed ledger', async () => {
    const [company] = await db.prisma.$queryRawUnsafe<{ id: string; budget: bigint }[]>(`SELECT id::text AS id, budget FROM company WHERE id = ${companyId(1)}`);
    const budget = Number(company!.budget);
    await sql(db, "INSERT INTO ledger_account (key, kind, login) VALUES ('maintainer:golden-debtor', 'maintainer', 'golden-debtor')");
    await sql(db, `WITH t AS (INSERT INTO ledger_transaction (key, kind, period, memo) VALUES
                     ('manual:unbalanced', 'adjustment', NULL, 'one entry'),
                     ('manual:pool', 'adjustment', '2026-10', 'leaves a pool non-empty'),
                     ('manual:extra', 'contribution', '2026-10', 'debits a company twice') RETURNING id, key)
                   INSERT INTO ledger_entry (transaction_id, account_key, amount)
                   SELECT t.id, e.account, e.amount FROM t JOIN (VALUES
                     ('manual:unbalanced', 'maintainer:m1', 5),
                     ('manual:pool', 'package:npm:p1', 7), ('manual:pool', 'maintainer:golden-debtor', -7),
                     ('manual:extra', 'company:' || ${companyId(1)}::text, -5), ('manual:extra', 'package:npm:p1', 5)) AS e(key, account, amount) ON e.key = t.key`);
    const found = await checkLedgerInvariants(db.prisma);
    expect(found.sort((a, b) => (a.check + a.detail < b.check + b.detail ? -1 : 1))).toEqual([
      { check: 'escrow, maintainer and credit balances are not negative', detail: 'maintainer:golden-debtor balance -7' },
      { check: 'every company of a closed period contributed exactly what it owed', detail: `company ${company!.id} in 2026-10: owed ${budget}, contributed ${budget + 5} (${budget} under close:2026-10:contribution:${company!.id})` },
      { check: 'no company debited more than its budget in a period', detail: `company ${company!.id} debited ${budget + 5} in 2026-10 with a budget of ${budget}` },
      { check: 'package pools are empty after a close', detail: 'package:npm:p1 holds 12 after the close of 2026-10' },
      { check: 'transaction balances to zero', detail: 'manual:unbalanced sums to 5' },
      { check: 'transaction has at least two entries', detail: 'manual:unbalanced has 1 entries' },
    ]);
  }, 60_000);
});

describe.each(BACKENDS)('a close interrupted part-way and resumed writes the golden rows on %s', (backend) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await seed(db);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it('leaves the same hash as an uninterrupted run', async () => {
    const ledger = new PrismaLedgerStore(db.prisma);
    for (const { period, at } of CLOSES) {
      await between(db, period);
      if (period === '2026-10') {
        // Dies after three pieces of 97 movements; the next run completes the same snapshot.
        await expect(closePeriod({ period, ...closeDeps(db, failingLedger(ledger, 97, 3), at) })).rejects.toThrow(/injected failure/);
        const [{ n }] = await db.prisma.$queryRawUnsafe<[{ n: bigint }]>("SELECT COUNT(*) AS n FROM ledger_transaction WHERE period = '2026-10'");
        expect(Number(n)).toBe(3 * 97);
        expect((await ledger.period(period))?.status).toBe('closing');
      }
      const report = await closePeriod({ period, ...closeDeps(db, ledger, at) });
      expect(report.closedNow).toBe(true);
    }
    const { text } = await canonicalDump(db);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    expect(sha256(text)).toBe(GOLDEN);
  }, 120_000);
});
