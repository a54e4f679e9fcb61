// The crash scenario of test/worker-crash-*.test.ts (one file per backend, so they run in
// parallel): a worker process (`npm run worker`, here `node --import tsx app/worker-main.ts`)
// killed with SIGKILL in the middle of a large close, then restarted. The close resumes from
// its frozen snapshot and the ledger equals a clean run's.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { planPeriodClose } from '../core/month-end.ts';
import { addMonths, periodOf, type Period } from '../core/period.ts';
import { systemClock } from '../core/ports/clock.ts';
import type { Services } from '../app/services.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { queueTarget, workerDeps } from '../app/worker.ts';
import { openQueueBackend } from '../worker/backend.ts';
import { createJobRuntime, type JobRuntime } from '../worker/runtime.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { seedRepository } from './seed.ts';
import { eventually, seedCompaniesInBulk, sumsPerAccount, testServices } from './worker-support.ts';

// A Redis database of its own: the worker process uses the default `upkeep` key prefix.
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/13`;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Large enough that the ledger is written in several database transactions (2,000 each), so
// the kill lands between them. Budget collection (one payment row per company, ~2-6 ms each)
// dominates the run time, which bounds the size here.
const COMPANIES = 2_500;
// The month before today: the worker runs on the system clock.
const P = addMonths(periodOf(new Date()), -1) as Period;

function startWorker(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/worker-main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', UPKEEP_WORKER_LOCK_MS: '2000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Upkeep worker running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
  });
  return { child, ready, output: () => output };
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

export function crashScenario(kind: 'redis' | 'postgres'): void {
  describe(`a worker killed in the middle of a large close (${kind} backend)`, () => {
  let db: TestDatabase;
  let services: Services;
  let producer: JobRuntime;
  const children: ChildProcess[] = [];
  const env = () => ({ DATABASE_URL: db.url!, ...(kind === 'redis' ? { REDIS_URL } : {}) });

  beforeAll(async () => {
    if (kind === 'redis') {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      await redis.flushdb();
      await redis.quit();
    }
    db = await openTestDatabase('postgres');
    await seedCompaniesInBulk(db.prisma, COMPANIES);
    for (let i = 0; i < 10; i += 2) await seedRepository(db.prisma, `org/p${i}`, [`npm:pkg${i}`], { [`m${i}`]: 70, [`n${i}`]: 30 });
    services = testServices(db, kind === 'redis' ? { REDIS_URL } : {}, systemClock);
    producer = await createJobRuntime({ deps: workerDeps(services), backend: await openQueueBackend(queueTarget(services)) });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await producer?.stop();
    await db?.close();
  });

  it('resumes after a restart and leaves the ledger a clean run writes', async () => {
    const first = startWorker(env());
    children.push(first.child);
    await first.ready;
    await producer.enqueueClose(P);

    // Kill as soon as the close has written part of its movements.
    const countNow = async () => {
      const [r] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT COUNT(*) AS n FROM ledger_transaction WHERE period = $1', P);
      return Number(r!.n);
    };
    const atKill = await eventually(async () => {
      const n = await countNow();
      return n > 0 ? n : null;
    }, 60_000, 'the close to start writing', 5);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    const state = await services.ledger.period(P);
    expect(state?.status).toBe('closing');
    const plan = planPeriodClose({ period: P, ...(await services.ledger.snapshot(P)) });
    expect(atKill).toBeLessThanOrEqual(plan.length);
    console.info(`${kind}: worker killed with ${atKill} of ${plan.length} movements written`);

    // A new worker takes the stalled job over once its lock lapses and completes the rest.
    const second = startWorker(env());
    children.push(second.child);
    await second.ready;
    await eventually(async () => (await services.ledger.period(P))?.status === 'closed', 60_000, `the resumed close (worker output: ${second.output().slice(-500)})`);

    const expected = new Map<string, bigint>();
    for (const t of plan) for (const e of t.entries) expected.set(e.account, (expected.get(e.account) ?? 0n) + BigInt(e.amount));
    const sums = await sumsPerAccount(db.prisma, P);
    const closeOnly = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>("SELECT COUNT(*) AS n FROM ledger_transaction WHERE period = $1 AND kind <> 'payout'", P);
    expect(Number(closeOnly[0]!.n)).toBe(plan.length);
    for (const [account, total] of expected) expect([account, sums[account]]).toEqual([account, String(total)]);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    // Each company's budget was recorded for collection once, across both runs.
    const charges = await db.prisma.payment.groupBy({ by: ['companyId'], where: { kind: 'budget_charge', period: P }, _count: { _all: true } });
    expect(charges).toHaveLength(COMPANIES);
    expect(charges.every((c) => c._count._all === 1)).toBe(true);

    second.child.kill('SIGTERM');
    await exited(second.child);
  }, 150_000);
});
}
