import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { seedCompany, seedRepository } from './seed.ts';

const run = promisify(execFile);

async function upkeep(db: TestDatabase, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], {
      env: { ...process.env, DATABASE_URL: db.url!, REDIS_URL: '', LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('operator CLI on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    await seedRepository(db.prisma, 'o/r', ['npm:a'], { ann: 100 });
    await seedCompany(db.prisma, { name: 'Acme', budget: 9_999, allocation: { 'npm:a': 34, 'npm:b': 33, 'npm:c': 33 } });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('closes a month inline, then finds nothing to do the second time', async () => {
    const first = await upkeep(db, 'close', '2026-10', '--inline');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/2026-10 closed: 1 companies, \d+ movements planned, \d+ written/);
    const second = await upkeep(db, 'close', '2026-10', '--inline');
    expect(second.stdout).toMatch(/already closed; nothing changed/);
    const [{ n }] = await db.prisma.$queryRawUnsafe<[{ n: bigint }]>('SELECT COUNT(*) AS n FROM ledger_transaction');
    expect(Number(n)).toBeGreaterThan(0);
  });

  it('refuses a malformed period with a clear message and exit 2', async () => {
    const r = await upkeep(db, 'close', '2026-1', '--inline');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/write a calendar month as YYYY-MM/);
  });

  it('check passes on a sound ledger and fails (exit 1) naming an unbalanced transaction', async () => {
    expect((await upkeep(db, 'check')).stdout).toMatch(/Ledger OK/);
    // A hand-written, unbalanced transaction: inserts are allowed, the check must catch it.
    await db.prisma.$executeRawUnsafe("INSERT INTO ledger_transaction (key, kind, memo) VALUES ('manual:bad', 'adjustment', 'test')");
    await db.prisma.$executeRawUnsafe(
      "INSERT INTO ledger_entry (transaction_id, account_key, amount) SELECT id, 'maintainer:ann', 5 FROM ledger_transaction WHERE key = 'manual:bad'",
    );
    const r = await upkeep(db, 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/VIOLATION \[transaction balances to zero\] manual:bad sums to 5/);
    expect(r.stdout).toMatch(/VIOLATION \[transaction has at least two entries\] manual:bad has 1 entries/);
  });

  it('issues a company token, shown once', async () => {
    const r = await upkeep(db, 'token', 'Acme');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/upk_[A-Za-z0-9_-]{43}/);
    const unknown = await upkeep(db, 'token', 'Nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No company matches "Nobody"/);
  });
});
