// The kill scenario of test/reliability-kills.test.ts (Redis) and test/worker-crash-postgres.test.ts
// (BullMQ on PostgreSQL): a large close with Stripe budget charges, run once cleanly by one
// `npm run worker` process, then again on an identical database while the worker holding the
// close is killed with SIGKILL at many points: seeded random delays and progress counts in each
// phase (start, budget charges, ledger batches, month-end notices) and "gates" that stop the
// worker exactly inside a step (a table lock the test holds makes the worker wait on it there,
// then it is killed and its waiting backend terminated, so the step never happens). Each kill is
// followed by a standby worker taking the job over once its lock lapses. The final ledger,
// payments, notifications and period state must equal the clean run's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { addMonths, periodOf, type Period } from '../core/period.ts';
import { systemClock } from '../core/ports/clock.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { queueTarget, workerDeps } from '../app/worker.ts';
import { openQueueBackend } from '../worker/backend.ts';
import { closeJobId } from '../worker/jobs.ts';
import { sweepPendingNotifications } from '../worker/notifications.ts';
import { createJobRuntime, type JobRuntime } from '../worker/runtime.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeSlackApi } from '../dev/fakes/slack-api.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { seedRepository } from './seed.ts';
import { eventually, testServices } from './worker-support.ts';
import { runSeed, seededRandom, startUpkeep, type UpkeepProcess } from './process-support.ts';

// Redis databases of their own (the clean run's and the killed run's, prepared side by side):
// the worker processes use the default `upkeep` key prefix.
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_URLS = { clean: `${REDIS}/14`, killed: `${REDIS}/13` } as const;
/** Enough for two ledger batches and several notice batches. */
const COMPANIES = 2_600;
// The month before today: the worker runs on the system clock.
const P = addMonths(periodOf(new Date()), -1) as Period;
const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_kills', STRIPE_WEBHOOK_SECRET: 'whsec_kills' };
const SLACK = { SLACK_SIGNING_SECRET: 'kills-signing-secret', SLACK_BOT_TOKEN: 'xoxb-kills' };

/**
 * Companies with deterministic ids (so two databases seeded alike have the same ledger keys):
 * company i has no card saved when i % 80 = 0, a declining card when i % 97 = 0, a Slack
 * channel following it when i % 5 = 0 or i % 97 = 0 (every failed charge has a notice), and an
 * admin (direct messages) when i % 30 = 0. The budgets of most companies with a working card
 * (i % 72 ≠ 0) were already charged by an earlier attempt of this close (their payment rows
 * succeeded), so the budget phase charges about 90 companies through the fake Stripe: enough
 * steps to kill inside, in the time a busy 2-core machine allows. Five of the ten packages are
 * claimed by opted-in repositories; the others go to escrow.
 */
async function seedClose(db: TestDatabase): Promise<void> {
  const sql = (q: string, ...args: unknown[]) => db.prisma.$executeRawUnsafe(q, ...args);
  await sql(
    `INSERT INTO company (id, name, workspace, budget, currency)
     SELECT md5('kills:' || i)::uuid, 'Company ' || i, 'slack:T' || lpad(i::text, 5, '0'), 1000 + (i * 37) % 9000, 'EUR' FROM generate_series(1, $1) AS i`,
    COMPANIES,
  );
  await sql(`INSERT INTO allocation (company_id, created_by, created_at) SELECT id, 'test:kills', '2026-01-01T00:00:00Z' FROM company ORDER BY workspace`);
  await sql(
    `INSERT INTO allocation_line (allocation_id, package_id, points)
     SELECT a.id, 'npm:pkg' || ((substr(c.workspace, 8)::int + o) % 10), CASE o WHEN 0 THEN 34 ELSE 33 END
     FROM allocation a JOIN company c ON c.id = a.company_id CROSS JOIN generate_series(0, 2) AS o`,
  );
  await sql(`INSERT INTO dependency (company_id, package_id) SELECT a.company_id, l.package_id FROM allocation_line l JOIN allocation a ON a.id = l.allocation_id ON CONFLICT DO NOTHING`);
  await sql(
    `INSERT INTO company_billing (company_id, customer_id, payment_method_id)
     SELECT id, 'cus_k' || substr(workspace, 8), CASE WHEN substr(workspace, 8)::int % 97 = 0 THEN 'pm_decline_' ELSE 'pm_k' END || substr(workspace, 8)
     FROM company WHERE substr(workspace, 8)::int % 80 <> 0`,
  );
  await sql(
    `INSERT INTO payment (id, kind, provider, status, amount, currency, idempotency_key, company_id, period, external_id)
     SELECT md5('kills-charge:' || c.id)::uuid, 'budget_charge', 'stripe', 'succeeded', c.budget, 'EUR', 'budget:' || c.id || ':' || $1, c.id, $1, 'pi_pre_' || substr(c.workspace, 8)
     FROM company c WHERE substr(c.workspace, 8)::int % 72 <> 0 AND substr(c.workspace, 8)::int % 80 <> 0 AND substr(c.workspace, 8)::int % 97 <> 0`,
    P,
  );
  await sql(`INSERT INTO member (company_id, user_ref, role) SELECT id, 'slack:U' || substr(workspace, 8), 'admin' FROM company WHERE substr(workspace, 8)::int % 30 = 0`);
  await sql(
    `INSERT INTO subscription (platform, channel, target, company_id, created_by)
     SELECT 'slack', substr(workspace, 7) || '/C' || substr(workspace, 8), 'company:' || id, id, 'test:kills' FROM company WHERE substr(workspace, 8)::int % 5 = 0 OR substr(workspace, 8)::int % 97 = 0`,
  );
  await sql(`INSERT INTO subscription (platform, channel, target, created_by) SELECT 'slack', 'TPKG/CPKG' || i, 'npm:pkg' || i, 'test:kills' FROM generate_series(0, 9) AS i`);
  for (let i = 0; i < 10; i += 2) await seedRepository(db.prisma, `org/p${i}`, [`npm:pkg${i}`], { [`m${i}`]: 70, [`n${i}`]: 30 });
}

const declining = (stripe: FakeStripe) => {
  for (let i = 97; i <= COMPANIES; i += 97) if (i % 80 !== 0) stripe.decliningPaymentMethods.add(`pm_decline_${String(i).padStart(5, '0')}`);
};

/** What must be identical between the clean run and the killed one. */
async function outcome(db: TestDatabase) {
  const q = <T,>(text: string) => db.prisma.$queryRawUnsafe<T[]>(text);
  const ledger = await q<{ key: string; kind: string; period: string | null; memo: string; entries: string }>(
    `SELECT t.key, t.kind, t.period, t.memo, string_agg(e.account_key || '=' || e.amount, ',' ORDER BY e.account_key, e.amount) AS entries
     FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id GROUP BY t.id ORDER BY t.key`,
  );
  const payments = await q<{ key: string; kind: string; status: string; amount: string; error: string | null; attempts: number; external: boolean }>(
    `SELECT idempotency_key AS key, kind, status, amount::text, error, attempts, external_id IS NOT NULL AS external FROM payment ORDER BY idempotency_key`,
  );
  const notifications = await q<{ key: string; platform: string; destination: string; status: string; payload: string }>(
    `SELECT key, platform, destination, status, (payload #- '{data,paymentId}' #- '{data,retryUntil}')::text AS payload FROM notification ORDER BY key`,
  );
  const periods = await q<{ id: string; status: string }>('SELECT id, status FROM period ORDER BY id');
  // The failure notices name the end of the late-retry window, a day after the failure + 7 days.
  const timeless = (s: string) => s.replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, '<date>');
  return {
    ledger,
    // A resumed charge counts the attempt again (the same idempotency key): compare without it.
    payments: payments.map(({ attempts: _a, ...p }) => p),
    notifications: notifications.map((n) => ({ ...n, payload: timeless(n.payload) })),
    periods,
  };
}

const counters = {
  // Charges this close made (not those of the earlier attempt the fixture records).
  budget: `SELECT COUNT(*)::int AS n FROM payment WHERE kind = 'budget_charge' AND status <> 'pending' AND (external_id IS NULL OR external_id NOT LIKE 'pi_pre_%')`,
  ledger: `SELECT COUNT(*)::int AS n FROM ledger_transaction WHERE kind <> 'payout'`,
  notices: `SELECT COUNT(*)::int AS n FROM notification`,
} as const;
type Phase = keyof typeof counters;

/** A point at which the worker holding the close is killed. */
type KillPoint =
  | { at: 'start'; delayMs: number }
  | { at: Phase; count: number }
  /**
   * Lock `table` (SHARE: writes wait; ACCESS EXCLUSIVE: reads too) and kill the worker once it
   * waits on it in a statement matching `statement` (waiting in another, it is let through).
   */
  | { at: 'gate'; table: string; mode: 'SHARE' | 'ACCESS EXCLUSIVE'; what: string; statement?: RegExp };

interface Totals {
  budget: number;
  ledger: number;
  budgetNotices: number;
  notices: number;
}

type PerPhase = { start: number; budget: number; ledger: number };

/**
 * The kill points of one run, in the order the close meets them: seeded random ones in every
 * phase, and gates, each locked right after the previous kill's takeover (the table is not
 * written earlier in the close, or the gate lets earlier statements through).
 */
function killPlan(random: () => number, totals: Totals, perPhase: PerPhase): KillPoint[] {
  const between = (lo: number, hi: number, n: number) => Array.from({ length: n }, () => lo + Math.floor(random() * Math.max(1, hi - lo))).sort((a, b) => a - b);
  const plan: KillPoint[] = [];
  // Locked before the close is enqueued, so the first run stops there.
  plan.push({ at: 'gate', table: 'period_allocation', mode: 'SHARE', what: 'inside beginClose (period row inserted, snapshot not committed)' });
  for (let i = 0; i < perPhase.start; i++) plan.push({ at: 'start', delayMs: Math.floor(random() * 400) });
  plan.push({ at: 'gate', table: 'member', mode: 'ACCESS EXCLUSIVE', what: 'between a failed budget charge and its notice' });
  for (const count of between(1, totals.budget, perPhase.budget)) plan.push({ at: 'budget', count });
  plan.push({ at: 'gate', table: 'period_unfunded_allocation', mode: 'SHARE', what: 'after the charges, dropping unfunded companies from the snapshot' });
  plan.push({ at: 'gate', table: 'ledger_entry', mode: 'SHARE', what: 'inside the first ledger batch (transactions inserted, entries waiting)' });
  for (const count of between(1, totals.ledger, perPhase.ledger)) plan.push({ at: 'ledger', count });
  plan.push({ at: 'gate', table: 'period', mode: 'SHARE', what: 'just before finishClose (every movement and notice written)', statement: /UPDATE period SET status/i });
  return plan;
}

const describePoint = (p: KillPoint): string =>
  p.at === 'start' ? `${p.delayMs} ms after the close job started` : p.at === 'gate' ? `gate: ${p.what}` : `${p.at} count ≥ ${p.count}`;

export function killScenario(kind: 'redis' | 'postgres', perPhase: PerPhase): void {
  describe(`SIGKILL of the worker at many points of a large close (${kind} queue backend)`, () => {
    const seed = runSeed();
    const workers: UpkeepProcess[] = [];
    const fakes: { stop(): Promise<void> }[] = [];
    const dbs: TestDatabase[] = [];
    const producers: JobRuntime[] = [];

    const flushRedis = async (url: string) => {
      if (kind !== 'redis') return;
      const redis = new Redis(url, { maxRetriesPerRequest: null });
      await redis.flushdb();
      await redis.quit();
    };

    async function environment(run: keyof typeof REDIS_URLS) {
      const REDIS_URL = REDIS_URLS[run];
      await flushRedis(REDIS_URL);
      const db = await openTestDatabase('postgres');
      dbs.push(db);
      await seedClose(db);
      const stripe = await startFakeStripe();
      declining(stripe);
      // The full fake: it keeps messages with their metadata, so a retried notice can find the post of a killed attempt.
      const slack = await startFakeSlackApi();
      fakes.push(stripe, { stop: () => slack.close() });
      const extra: Record<string, string> = kind === 'redis' ? { REDIS_URL } : {};
      const services = testServices(db, { ...extra, ...STRIPE, STRIPE_API_URL: stripe.url }, systemClock);
      const producer = await createJobRuntime({ deps: workerDeps(services), backend: await openQueueBackend(queueTarget(services)) });
      producers.push(producer);
      const env = { DATABASE_URL: db.url!, ...extra, ...STRIPE, STRIPE_API_URL: stripe.url, ...SLACK, SLACK_API_URL: slack.apiUrl, UPKEEP_WORKER_LOCK_MS: '1000' };
      let n = 0;
      let reasks = 0;
      const mine: UpkeepProcess[] = [];
      // Each worker's database sessions carry its name, so the test can tell whose backend waits.
      const worker = () => {
        const name = `${run}-worker-${++n}`;
        const w = startUpkeep(name, 'app/worker-main.ts', { ...env, DATABASE_URL: `${db.url!}?application_name=${name}` });
        workers.push(w);
        mine.push(w);
        return w;
      };
      const count = async (phase: Phase) => (await db.prisma.$queryRawUnsafe<{ n: number }[]>(counters[phase]))[0]!.n;
      const jobState = async (id: string) => (await producer.queues[id.startsWith('close') ? 'periods' : 'maintenance'].getJob(id))?.getState();
      /** The close, its payouts and every notice are done. */
      const finished = async () => {
        const period = await services.ledger.period(P);
        const close = await jobState(closeJobId(P));
        // BullMQ fails a job that stalled more than maxStalledCount times (kills, or lapsed locks
        // on a busy machine) even when the work got done: the operator asks again, as in production.
        if (close === 'failed') {
          reasks += 1;
          await producer.enqueueClose(P);
        }
        if (period?.status !== 'closed' || close !== 'completed' || (await jobState(`payout-${P}`)) !== 'completed') return false;
        // A row recorded by a worker killed before it handed the row to the queue waits for the
        // periodic sweep (every 5 minutes): run that sweep now instead of waiting for it.
        const stranded = await sweepPendingNotifications({ notifications: services.notifications, olderThan: new Date(Date.now() - 5_000) });
        if (stranded.length > 0) await producer.deliver(stranded);
        const [r] = await db.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT COUNT(*)::int AS n FROM notification WHERE status <> 'delivered'");
        return r!.n === 0;
      };
      /** For a timeout message: where the close stands. */
      const where = async () =>
        `period ${(await services.ledger.period(P))?.status ?? 'none'}, close job ${await jobState(closeJobId(P))}, payout job ${await jobState(`payout-${P}`)}, ` +
        `budget ${await count('budget')}, ledger ${await count('ledger')}, notices ${await count('notices')} (${(await db.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT COUNT(*)::int AS n FROM notification WHERE status <> 'delivered'"))[0]!.n} undelivered)`;
      return { db, stripe, slack, producer, worker, workers: mine, count, jobState, finished, where, reasks: () => reasks };
    }

    let clean: Awaited<ReturnType<typeof outcome>>;
    let totals: Totals;
    let cleanIntents = 0;

    type Env = Awaited<ReturnType<typeof environment>>;
    let cleanEnv: Env;
    let killedEnv: Env;

    beforeAll(async () => {
      console.info(`${kind}: kill points seeded with ${seed} (UPKEEP_TEST_SEED=${seed} replays them)`);
      // Both databases and the killed run's three workers are prepared while the clean run goes.
      [cleanEnv, killedEnv] = await Promise.all([environment('clean'), environment('killed')]);
    }, 80_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      for (const p of producers) await p.stop().catch(() => {});
      for (const f of fakes) await f.stop().catch(() => {});
      for (const db of dbs) await db.close().catch(() => {});
      for (const url of Object.values(REDIS_URLS)) await flushRedis(url).catch(() => {});
    });

    it('a clean run: one worker closes the month, charges, pays and notifies', async () => {
      const env = cleanEnv;
      const w = env.worker();
      const standbys = [killedEnv.worker(), killedEnv.worker(), killedEnv.worker()];
      await w.ready;
      await env.producer.enqueueClose(P);
      await eventually(env.finished, 60_000, 'the clean close', 50).catch(async (e: Error) => {
        throw new Error(`${e.message}: ${await env.where()}; worker output: ${w.output().slice(-1500)}`);
      });
      clean = await outcome(env.db);
      totals = {
        budget: await env.count('budget'),
        ledger: await env.count('ledger'),
        budgetNotices: clean.notifications.filter((n) => n.key.startsWith('budget:')).length,
        notices: clean.notifications.length,
      };
      console.info(`${kind}: clean run: ${totals.ledger} ledger transactions, ${totals.budget} budget charges, ${totals.notices} notifications (${totals.budgetNotices} about failed charges)`);
      cleanIntents = env.stripe.paymentIntents.size;
      expect(totals.budgetNotices).toBeGreaterThan(0);
      expect(clean.periods).toEqual([{ id: P, status: 'closed' }]);
      expect(clean.payments.filter((p) => p.status === 'failed').length).toBeGreaterThan(0);
      expect(await checkLedgerInvariants(env.db.prisma)).toEqual([]);
      await w.stop();
      await Promise.all(standbys.map((s) => s.ready));
    }, 80_000);

    it('killed again and again, the close ends with the ledger, payments, notices and period of the clean run', async () => {
      expect(clean, 'the clean run').toBeDefined();
      const env = killedEnv;
      const plan = killPlan(seededRandom(seed), totals, perPhase);
      const startsOf = (w: UpkeepProcess) => w.output().split('\n').filter((l) => l.includes('"msg":"job started"') && l.includes(`"jobId":"${closeJobId(P)}"`)).length;
      const seen = new Map<UpkeepProcess, number>();
      const live = () => env.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      /** The worker that started (or resumed) the close most recently: the one to kill. */
      const takeover = async (): Promise<UpkeepProcess | null> => {
        return eventually(async () => {
          for (const w of live()) {
            const n = startsOf(w);
            if (n > (seen.get(w) ?? 0)) {
              seen.set(w, n);
              return w;
            }
          }
          const state = await env.jobState(closeJobId(P));
          if (state === 'completed') return { done: true } as const;
          // Stalled more often than BullMQ allows (maxStalledCount): the operator asks again.
          if (state === 'failed') {
            operatorRetries += 1;
            await env.producer.enqueueClose(P);
          }
          return null;
        }, 120_000, 'a worker to take the close over', 10).then((r) => ('done' in r ? null : r));
      };
      let operatorRetries = 0;
      // `admin` holds the gates' locks; `probe` looks at sessions outside that transaction (inside
      // one, pg_stat_activity is a snapshot taken at its first read).
      const admin = new pg.Client({ connectionString: env.db.url! });
      const probe = new pg.Client({ connectionString: env.db.url! });
      await Promise.all([admin.connect(), probe.connect()]);
      const log: string[] = [];
      const t0 = Date.now();
      try {
        // Three workers (started during the clean run): two standbys besides the holder, so a worker's
        // start-up (seconds on a busy machine) is not on the path of a takeover.
        let holder: UpkeepProcess | null = null;
        for (const [i, point] of plan.entries()) {
          if (i === 0) {
            // The first point is a gate: lock, then enqueue, so the first run meets the lock.
            await admin.query('BEGIN');
            await admin.query(`LOCK TABLE ${(point as { table: string }).table} IN ${(point as { mode: string }).mode} MODE`);
            await env.producer.enqueueClose(P);
            holder = await takeover();
          }
          if (!holder) break;
          let gate: Promise<unknown> | null = null;
          if (point.at === 'start') await new Promise((r) => setTimeout(r, point.delayMs));
          else if (point.at === 'gate') {
            if (i > 0) {
              await admin.query('BEGIN');
              await admin.query(`LOCK TABLE ${point.table} IN ${point.mode} MODE`);
            }
            const waiting = `SELECT a.query FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid
                             WHERE NOT l.granted AND c.relname = $1 AND a.application_name = $2`;
            gate = eventually(
              async () => {
                const rows = (await probe.query<{ query: string }>(waiting, [point.table, holder!.name])).rows;
                if (rows.length === 0) return false;
                if (!point.statement || rows.some((r) => point.statement!.test(r.query))) return true;
                // Waiting in an earlier statement (a resumed beginClose): let it through and lock again.
                await admin.query('ROLLBACK');
                await new Promise((r) => setTimeout(r, 20));
                await admin.query('BEGIN');
                await admin.query(`LOCK TABLE ${point.table} IN ${point.mode} MODE`);
                return false;
              },
              120_000,
              `${holder.name} to wait on ${point.table}`,
              5,
            ).catch(async (e: Error) => {
              const sessions = await probe.query("SELECT application_name, state, wait_event_type, left(query, 120) AS query FROM pg_stat_activity WHERE application_name LIKE 'killed-%'");
              throw new Error(`${e.message}: ${await env.where()}; sessions ${JSON.stringify(sessions.rows)}; output ${holder!.output().slice(-1500)}`);
            });
            await gate;
          } else {
            await eventually(async () => (await env.count(point.at)) >= point.count, 60_000, `${point.at} to reach ${point.count}`, 5);
          }
          const counts = `budget ${await env.count('budget')}/${totals.budget}, ledger ${await env.count('ledger')}/${totals.ledger}, notices ${await env.count('notices')}/${totals.notices}`;
          holder.child.kill('SIGKILL');
          await holder.exited();
          if (gate) {
            // The waiting statement must not run once the lock is released: its client is dead.
            await probe.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [holder.name]);
            await admin.query('ROLLBACK');
          }
          log.push(`kill ${i + 1} (${describePoint(point)}): ${holder.name} at ${counts}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          console.info(`${kind}: ${log.at(-1)}`);
          // A fresh standby while a survivor takes the job over once the killed worker's lock lapses.
          env.worker();
          holder = await takeover();
        }
        console.info(`${kind}: ${log.length} kills (seed ${seed}), ${operatorRetries} operator re-asks after BullMQ gave up on a stalled job`);
        expect(log.length).toBe(plan.length);
        expect(log.length).toBeGreaterThanOrEqual(kind === 'redis' ? 20 : 8);
        // Says where the close stands if it does not finish (a busy CI machine makes the last steps slow).
        await eventually(env.finished, 240_000, 'the killed close to finish', 50).catch(async (e: Error) => {
          throw new Error(`${e.message}: ${await env.where()}`);
        });
        console.info(`${kind}: ${env.reasks() + operatorRetries} operator re-asks in all after BullMQ failed a stalled close job`);
      } finally {
        await admin.query('ROLLBACK').catch(() => {});
        await Promise.all([admin.end(), probe.end()]);
      }

      const killed = await outcome(env.db);
      expect(killed.periods).toEqual(clean.periods);
      expect(killed.ledger.length).toBe(clean.ledger.length);
      expect(killed.ledger).toEqual(clean.ledger);
      expect(killed.payments).toEqual(clean.payments);
      expect(killed.notifications.map((n) => n.key)).toEqual(clean.notifications.map((n) => n.key));
      expect(killed.notifications).toEqual(clean.notifications);
      expect(await checkLedgerInvariants(env.db.prisma)).toEqual([]);
      // Stripe charged each company with a card once, whatever was replayed.
      const charges = env.stripe.callsTo('POST', '/v1/payment_intents');
      const fresh = charges.filter((c) => !c.replayed);
      expect(new Set(fresh.map((c) => c.idempotencyKey)).size).toBe(fresh.length);
      expect(env.stripe.paymentIntents.size).toBe(cleanIntents);
      // Every notice reached Slack exactly once: a kill between posting and marking delivered is found by the retry, not reposted.
      const posts = env.slack.of('chat.postMessage');
      console.info(`${kind}: ${charges.length} charge requests (${charges.length - fresh.length} replayed by key), ${posts.length} Slack posts for ${killed.notifications.length} notices, ${env.slack.of('conversations.history').length} history lookups`);
      expect(posts).toHaveLength(killed.notifications.length);
    }, 600_000);
  });
}
