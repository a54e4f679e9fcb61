import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { getReceipt } from '../core/use-cases/get-receipt.ts';
import { planPeriodClose } from '../core/month-end.ts';
import { openDatabase } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';
import { seedCompany, seedRepository } from './seed.ts';

const P = '2026-10' as Period;
const clock = fixedClock('2026-11-01T00:00:05Z');

async function balancesByAccount(db: TestDatabase): Promise<Map<string, bigint>> {
  const rows = await db.prisma.$queryRawUnsafe<{ account_key: string; total: bigint }[]>(
    'SELECT account_key, SUM(amount)::bigint AS total FROM ledger_entry GROUP BY account_key ORDER BY account_key',
  );
  return new Map(rows.map((r) => [r.account_key, BigInt(r.total)]));
}

async function counts(db: TestDatabase) {
  const [t] = await db.prisma.$queryRawUnsafe<{ txs: bigint; entries: bigint }[]>(
    'SELECT (SELECT COUNT(*) FROM ledger_transaction) AS txs, (SELECT COUNT(*) FROM ledger_entry) AS entries',
  );
  return { txs: Number(t!.txs), entries: Number(t!.entries) };
}

describe.each(BACKENDS)('closing a period on %s', (backend) => {
  let db: TestDatabase;
  let ids: { acme: string; globex: string; initech: string };

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 });
    await seedRepository(db.prisma, 'psf/requests', ['pypi:requests'], { carol: 100 });
    // npm:left-pad has no opted-in maintainer: its money waits in escrow.
    ids = {
      acme: await seedCompany(db.prisma, { name: 'acme', budget: 100_000, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:left-pad': 33 } }),
      globex: await seedCompany(db.prisma, { name: 'globex', budget: 33_333, allocation: { 'npm:react': 34, 'pypi:requests': 34, 'npm:left-pad': 32 } }),
      initech: await seedCompany(db.prisma, { name: 'initech', budget: 1, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:left-pad': 33 } }),
    };
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes a balanced ledger whose per-company debits equal the budgets', async () => {
    const ledger = new PrismaLedgerStore(db.prisma);
    const report = await closePeriod({ ledger, clock, period: P });
    expect(report.companies).toBe(3);
    expect(report.written).toBe(report.planned);
    const balances = await balancesByAccount(db);
    expect(balances.get(`company:${ids.acme}`)).toBe(-100_000n);
    expect(balances.get(`company:${ids.globex}`)).toBe(-33_333n);
    expect(balances.get(`company:${ids.initech}`)).toBe(-1n);
    // acme 34 000 / 33 000 / 33 000; globex 11 333 / 11 333 / 10 667 (largest remainder);
    // initech's single unit goes to react. react 45 334 → alice 60 % = 27 200, bob 18 134.
    expect(balances.get('maintainer:alice')).toBe(27_200n);
    expect(balances.get('maintainer:bob')).toBe(18_134n);
    expect(balances.get('maintainer:carol')).toBe(44_333n);
    let total = 0n;
    for (const v of balances.values()) total += v;
    expect(total).toBe(0n);
    // Pools are empty, escrow holds left-pad's money per company.
    expect(balances.get('package:npm:react')).toBe(0n);
    expect(balances.get(`escrow:npm:left-pad|${ids.acme}|${P}`)).toBe(33_000n);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    const period = await ledger.period(P);
    expect(period?.status).toBe('closed');
  });

  it('announces month-end summaries to subscribed channels once', async () => {
    await db.prisma.subscription.createMany({
      data: [
        { platform: 'slack', channel: 'T1/C1', target: 'repo:acme/dummy', companyId: ids.acme, createdBy: 'slack:U1' },
        { platform: 'discord', channel: '99', target: 'package:npm:react', createdBy: 'discord:1' },
      ],
    });
    const outbox = new PrismaNotificationOutbox(db.prisma);
    // The period is closed already: a repeated close announces nothing new.
    await closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock, period: P, announce: { outbox, currency: 'EUR' } });
    expect(await db.prisma.notification.count()).toBe(0);
  });

  it('changes nothing when closed again', async () => {
    const before = await counts(db);
    const report = await closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock, period: P });
    expect(report.closedNow).toBe(false);
    expect(report.written).toBe(0);
    expect(await counts(db)).toEqual(before);
  });

  it('gives each company a receipt that sums to its budget', async () => {
    const ledger = new PrismaLedgerStore(db.prisma);
    const company = { id: ids.globex, name: 'globex', workspace: 'x', budget: 33_333, currency: 'EUR', visibility: 'anonymous' as const, createdAt: new Date() };
    const receipt = await getReceipt({ ledger, company, period: P });
    expect(receipt.total).toEqual({ amount: 33_333, currency: 'EUR' });
    const leftPad = receipt.lines.find((l) => l.package === 'npm:left-pad');
    expect(leftPad).toEqual({ package: 'npm:left-pad', amount: 10_667, maintainers: [], escrow: 10_667 });
    for (const line of receipt.lines) {
      expect(line.maintainers.reduce((s, m) => s + m.amount, 0) + line.escrow).toBe(line.amount);
    }
  });

  it('refuses a period that has not started', async () => {
    await expect(closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock, period: '2026-12' as Period })).rejects.toMatchObject({ code: 'period_in_future' });
  });

  it('announces a close: the company channel gets its receipt, the package channel the aggregate', async () => {
    const outbox = new PrismaNotificationOutbox(db.prisma);
    await closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock: fixedClock('2026-12-01T00:00:00Z'), period: '2026-11' as Period, announce: { outbox, currency: 'EUR' } });
    await closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock: fixedClock('2026-12-01T00:00:00Z'), period: '2026-11' as Period, announce: { outbox, currency: 'EUR' } });
    const rows = await db.prisma.notification.findMany({ orderBy: { key: 'asc' } });
    expect(rows.map((r) => [r.platform, r.destination, r.key])).toEqual([
      ['slack', 'T1/C1', `close:2026-11:summary:company:${ids.acme}|slack:T1/C1`],
      ['discord', '99', 'close:2026-11:summary:package:npm:react|discord:99'],
    ]);
    expect((rows[1]!.payload as { text: string }).text).toBe('npm:react received €453.34 from 3 companies for 2026-11.');
  });

  it('returns escrow older than six months to the company as credit, and releases it once a maintainer opts in', async () => {
    const ledger = new PrismaLedgerStore(db.prisma);
    const later = fixedClock('2027-05-01T00:00:00Z');
    await closePeriod({ ledger, clock: later, period: '2027-04' as Period });
    const balances = await balancesByAccount(db);
    // 2026-10 is six months before 2027-04: its lot returns as credit.
    expect(balances.get(`escrow:npm:left-pad|${ids.acme}|${P}`)).toBe(0n);
    expect(balances.get(`credit:${ids.acme}`)).toBe(33_000n);
    // The 2027-04 lot is held until a maintainer opts in.
    expect(balances.get(`escrow:npm:left-pad|${ids.acme}|2027-04`)).toBe(33_000n);
    await seedRepository(db.prisma, 'stevemao/left-pad', ['npm:left-pad'], { steve: 100 });
    await closePeriod({ ledger, clock: fixedClock('2027-06-01T00:00:00Z'), period: '2027-05' as Period });
    const after = await balancesByAccount(db);
    expect(after.get(`escrow:npm:left-pad|${ids.acme}|2027-04`)).toBe(0n);
    // Released: the 2026-11 and 2027-04 lots (acme 33 000 + globex 10 667 + initech 0 each),
    // plus May's own share.
    expect(after.get('maintainer:steve')).toBe(3n * (33_000n + 10_667n));
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  });
});

describe('closing concurrently on postgres', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    await seedRepository(db.prisma, 'a/a', ['npm:a'], { ann: 50, abe: 50 });
    for (let i = 0; i < 40; i++) {
      await seedCompany(db.prisma, { name: `c${i}`, budget: 10_000 + i * 7, allocation: { 'npm:a': 34, 'npm:b': 33, 'npm:c': 33 } });
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes each movement exactly once when two closers race from separate connections', async () => {
    const other = await openDatabase({ kind: 'postgres', url: db.url! });
    try {
      const [a, b] = await Promise.all([
        closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock, period: P }),
        closePeriod({ ledger: new PrismaLedgerStore(other.prisma), clock, period: P }),
      ]);
      expect(a.planned).toBe(b.planned);
      expect(a.written + b.written).toBe(a.planned);
      const [{ n }] = await db.prisma.$queryRawUnsafe<[{ n: bigint }]>("SELECT COUNT(*) AS n FROM ledger_transaction WHERE period = '2026-10'");
      expect(Number(n)).toBe(a.planned);
      expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('completes a close that died halfway without duplicating what was written', async () => {
    const ledger = new PrismaLedgerStore(db.prisma);
    const period = '2026-11' as Period;
    const early = fixedClock('2026-12-01T00:00:00Z');
    await ledger.beginClose(period, early.now());
    const plan = planPeriodClose({ period, ...(await ledger.snapshot(period)) });
    await ledger.append(plan.slice(0, Math.floor(plan.length / 2)));
    const report = await closePeriod({ ledger, clock: early, period });
    expect(report.written).toBe(plan.length - Math.floor(plan.length / 2));
    const [{ n }] = await db.prisma.$queryRawUnsafe<[{ n: bigint }]>("SELECT COUNT(*) AS n FROM ledger_transaction WHERE period = '2026-11'");
    expect(Number(n)).toBe(plan.length);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  });

  it('refuses to close a month before one already closed', async () => {
    await expect(closePeriod({ ledger: new PrismaLedgerStore(db.prisma), clock, period: '2026-08' as Period })).rejects.toMatchObject({ code: 'period_closed' });
  });

  it('refuses to edit or delete ledger rows', async () => {
    await expect(db.prisma.$executeRawUnsafe('UPDATE ledger_entry SET amount = amount + 1')).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe('DELETE FROM ledger_transaction')).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe("UPDATE period SET status = 'closing' WHERE id = '2026-10'")).rejects.toThrow(/closed/);
  });
});
