// The worker on both queue backends (Redis, and BullMQ's PostgreSQL backend on the application
// database, on PostgreSQL and on embedded PGlite): schedules registered once by several instances, a close enqueued three times
// running once, a failing destination retried with back-off and delivered once, expiry
// refunding each pledge once. Real PostgreSQL, real Redis, the Discord SDK against a fake API.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { planPeriodClose } from '../core/month-end.ts';
import { money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { Notice } from '../core/ports/notifications.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { unwrap } from '../core/errors.ts';
import { parseWishId } from '../core/wishlist.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import type { Services } from '../app/services.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { httpBasics, operatorRoutes } from '../app/web.ts';
import { queueTarget, workerDeps } from '../app/worker.ts';
import { openQueueBackend } from '../worker/backend.ts';
import { createJobRuntime, type JobRuntime, type RuntimeOptions } from '../worker/runtime.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { seedCompany, seedRepository } from './seed.ts';
import { optInToQuote } from './opt-in-support.ts';
import { ADMIN_TOKEN, DISCORD_BOT_TOKEN, eventually, FakeSlackApi, sumsPerAccount, testServices } from './worker-support.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const P = '2026-10' as Period;
const BACKOFF_MS = 150;

/** Expected sums per account of a clean close: the plan of the frozen snapshot, summed. */
async function planSums(services: Services, period: Period): Promise<{ sums: Record<string, string>; count: number }> {
  const plan = planPeriodClose({ period, ...(await services.ledger.snapshot(period)) });
  const sums = new Map<string, bigint>();
  for (const t of plan) for (const e of t.entries) sums.set(e.account, (sums.get(e.account) ?? 0n) + BigInt(e.amount));
  return { sums: Object.fromEntries([...sums].filter(([, v]) => v !== 0n || true).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, String(v)])), count: plan.length };
}

// `pglite`: the embedded default, BullMQ's PostgreSQL backend through pglite-socket.
describe.each(['redis', 'postgres', 'pglite'] as const)('the worker on the %s backend', (kind) => {
  let db: TestDatabase;
  let services: Services;
  let discord: FakeDiscord;
  let slack: FakeSlackApi;
  let http: HttpApp;
  let base: string;
  let worker: JobRuntime;
  const prefix = `upkeep-test-${randomBytes(4).toString('hex')}`;
  const started: JobRuntime[] = [];
  const companyIds: string[] = [];

  const runtime = async (options: RuntimeOptions): Promise<JobRuntime> => {
    const backend = await openQueueBackend(queueTarget(services, prefix));
    const rt = await createJobRuntime({ deps: workerDeps(services), backend, options });
    started.push(rt);
    return rt;
  };

  beforeAll(async () => {
    db = await openTestDatabase(kind === 'pglite' ? 'pglite' : 'postgres');
    discord = await new FakeDiscord(DISCORD_BOT_TOKEN).start();
    slack = await new FakeSlackApi().start();
    services = testServices(db, {
      ...(kind === 'redis' ? { REDIS_URL } : {}),
      DISCORD_APPLICATION_ID: '1100000000000000001',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_BOT_TOKEN,
      DISCORD_API_URL: discord.url,
      SLACK_SIGNING_SECRET: 'slack-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-worker-test',
      SLACK_API_URL: slack.url,
    });
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 });
    for (let i = 0; i < 12; i++) {
      companyIds[i] = await seedCompany(db.prisma, { name: `co${i}`, budget: 10_000 + i * 101, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:left-pad': 33 } });
    }
  });

  afterAll(async () => {
    for (const rt of started.reverse()) await rt.stop().catch(() => {});
    if (kind === 'redis') {
      // Remove this run's keys (the prefix is unique to it).
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
    await http?.close();
    await discord?.stop();
    await slack?.stop();
    await db?.close();
  });

  it('registers each schedule once when several instances start at the same time', async () => {
    const instances = await Promise.all([1, 2, 3].map(() => runtime({ schedules: true })));
    await Promise.all(instances.map((rt) => rt.registerSchedules()));
    const [first] = instances;
    const schedulers = await first!.queues.periods.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual(['close-previous-month']);
    expect(schedulers[0]).toMatchObject({ pattern: '0 0 1 * *', tz: 'UTC' });
    // The next run is midnight UTC on the 1st of next month, for the month that just ended.
    const now = new Date();
    expect(schedulers[0]!.next).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(await first!.queues.periods.getDelayedCount()).toBe(1);
    expect((await first!.queues.maintenance.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['expire-wishes-daily', 'refresh-activity-daily', 'remind-deadlines-daily']);
    expect((await first!.queues.notifications.getJobSchedulers()).map((s) => s.key)).toEqual(['sweep-notifications']);
    for (const rt of instances) await rt.stop();
    started.length = 0;

    worker = await runtime({
      workers: true,
      jobOptions: { 'deliver-notification': { attempts: 6, backoff: { type: 'exponential', delay: BACKOFF_MS } } },
    });
    http = createHttpApp({ ...httpBasics(services), routes: operatorRoutes(services, worker) });
    base = await http.listen(0, '127.0.0.1');
  });

  it('runs a close enqueued three times once, and shows it in GET /admin/jobs', async () => {
    const post = () => fetch(`${base}/admin/periods/${P}/close`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect((await fetch(`${base}/admin/periods/${P}/close`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${base}/admin/periods/${P}/close`, { method: 'POST', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const bad = await fetch(`${base}/admin/periods/2026-13/close`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_period');

    const future = await fetch(`${base}/admin/periods/2026-12/close`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(future.status).toBe(400);
    expect((await future.json()).error.code).toBe('period_in_future');

    const replies = await Promise.all([post(), post(), post()]);
    const bodies = await Promise.all(replies.map((r) => r.json()));
    for (const r of replies) expect([200, 202]).toContain(r.status);
    for (const b of bodies) if (b.job) expect(b.job.id).toBe(`close-${P}`);
    await eventually(async () => (await services.ledger.period(P))?.status === 'closed', 30_000, 'the close');
    const job = await eventually(async () => {
      const j = await worker.queues.periods.getJob(`close-${P}`);
      return j && (await j.getState()) === 'completed' ? worker.queues.periods.getJob(`close-${P}`) : null;
    }, 10_000, 'the close job to complete');
    const expected = await planSums(services, P);
    expect(job.returnvalue).toMatchObject({ period: P, closedNow: true, planned: expected.count, written: expected.count });
    const closeJobs = (await worker.queues.periods.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'])).filter((j) => j?.name === 'close-period' && (j.data as { period?: string }).period === P);
    expect(closeJobs).toHaveLength(1);
    expect(await sumsPerAccount(db.prisma, P)).toEqual(expected.sums);

    // Once closed, the route says so and enqueues nothing.
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ period: P, status: 'closed', job: null });
    // A duplicate that slips past the job id (another id) runs, and writes nothing: the DB guards.
    const dup = await worker.enqueue('close-period', { period: P }, { jobId: `close-${P}-duplicate` });
    const dupResult = await eventually(async () => ((await dup.getState()) === 'completed' ? (await worker.queues.periods.getJob(dup.id!))!.returnvalue : null), 10_000, 'the duplicate');
    expect(dupResult).toMatchObject({ closedNow: false, written: 0 });
    expect(await sumsPerAccount(db.prisma, P)).toEqual(expected.sums);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);

    const summary = await (await fetch(`${base}/admin/jobs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(summary.backend).toBe(kind);
    expect(summary.queues.map((q: { queue: string }) => q.queue)).toEqual(['periods', 'maintenance', 'notifications']);
    for (const q of summary.queues) expect(q).toEqual(expect.objectContaining({ waiting: expect.any(Number), active: expect.any(Number), failed: expect.any(Number) }));
    expect(summary.closes[0]).toMatchObject({ period: P, status: 'closed', lastJob: { state: 'completed' } });
    expect((await fetch(`${base}/admin/jobs`)).status).toBe(401);
    // Months close in order: an earlier one is refused before anything is enqueued.
    const earlier = await fetch(`${base}/admin/periods/2026-08/close`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(earlier.status).toBe(409);
    expect((await earlier.json()).error.code).toBe('period_closed');
  });

  it('retries a close that failed for good when it is asked for again', async () => {
    // A job the route would have refused, added behind its back: it fails and is kept.
    const future = '2027-03' as Period;
    const job = await worker.enqueue('close-period', { period: future }, { jobId: `close-${future}` });
    await eventually(async () => (await job.getState()) === 'failed', 10_000, 'the failure');
    expect((await worker.queues.periods.getJob(job.id!))!.failedReason).toMatch(/has not started yet/);
    await worker.enqueueClose(future);
    // Retried (and refused again): it ran a second time instead of staying failed.
    await eventually(async () => ((await worker.queues.periods.getJob(job.id!))!.attemptsStarted ?? 0) >= 2 && (await job.getState()) === 'failed', 10_000, 'the retry');
  });

  it('has no admin routes when UPKEEP_ADMIN_TOKEN is unset', async () => {
    const bare = testServices(db, { UPKEEP_ADMIN_TOKEN: '' });
    expect(operatorRoutes(bare, worker)).toEqual([]);
    const app = createHttpApp({ ...httpBasics(bare), routes: operatorRoutes(bare, worker) });
    const url = await app.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/admin/jobs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
      expect((await fetch(`${url}/admin/periods/${P}/close`, { method: 'POST' })).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('retries a failing destination with exponential back-off and delivers once when it recovers', async () => {
    const channel = '1200000000000000001';
    await services.subscriptions.add({ platform: 'discord', channel, target: 'repo:acme/ui', companyId: null, createdBy: 'discord:1' });
    const path = `/channels/${channel}/messages`;
    discord.fail((m, p) => m === 'POST' && p === path, 500, 3);
    const seenAt: number[] = [];
    const watch = setInterval(() => {
      while (seenAt.length < discord.callsTo(new RegExp(`^${path}$`), 'POST').length) seenAt.push(Date.now());
    }, 5);
    const notice: Notice = { key: 'wish:acme/ui#7:funded', target: 'repo:acme/ui', kind: 'wish_funded', text: 'acme/ui#7 is funded', data: { wishId: 'acme/ui#7' } };
    try {
      await services.outbox.enqueue([notice]);
      await services.outbox.enqueue([notice]); // the same notice again: nothing new
      const row = await eventually(
        async () => {
          const r = await db.prisma.notification.findFirst({ where: { key: `${notice.key}|discord:${channel}` } });
          return r?.status === 'delivered' ? r : null;
        },
        20_000,
        'delivery',
      );
      expect(row.attempts).toBe(4);
    } finally {
      clearInterval(watch);
    }
    expect(await db.prisma.notification.count({ where: { key: { startsWith: notice.key } } })).toBe(1);
    expect(discord.callsTo(new RegExp(`^${path}$`), 'POST')).toHaveLength(4);
    expect(discord.channelMessages.get(channel)).toHaveLength(1);
    expect(discord.channelMessages.get(channel)![0]).toMatchObject({ content: 'acme/ui#7 is funded' });
    // Exponential: at least 150, 300, 600 ms between attempts (lower bounds only).
    for (let i = 1; i < seenAt.length; i++) expect(seenAt[i]! - seenAt[i - 1]!).toBeGreaterThanOrEqual(BACKOFF_MS * 2 ** (i - 1) - 20);

    // Delivering the same row again (a replayed job) sends nothing.
    const row = await db.prisma.notification.findFirstOrThrow({ where: { key: `${notice.key}|discord:${channel}` } });
    const replay = await worker.enqueue('deliver-notification', { id: String(row.id) }, { jobId: `notify-${row.id}-replay` });
    expect(await eventually(async () => ((await replay.getState()) === 'completed' ? (await worker.queues.notifications.getJob(replay.id!))!.returnvalue : null))).toEqual({
      delivered: false,
      reason: 'already delivered',
    });
    expect(discord.channelMessages.get(channel)).toHaveLength(1);
  });

  it('delivers to Slack through the Web API, retrying server errors, once per channel', async () => {
    await services.subscriptions.add({ platform: 'slack', channel: 'T0123/C0456', target: 'package:npm:react', companyId: null, createdBy: 'slack:U1' });
    slack.failures = 2;
    const notice: Notice = { key: 'wish:facebook/react#1:progress:50', target: 'package:npm:react', kind: 'wish_progress', text: 'facebook/react#1 is 50% funded', data: { wishId: 'facebook/react#1', percent: 50 } };
    await services.outbox.enqueue([notice]);
    await eventually(async () => (await db.prisma.notification.findFirst({ where: { key: `${notice.key}|slack:T0123/C0456` } }))?.status === 'delivered', 20_000, 'Slack delivery');
    expect(slack.calls).toHaveLength(3);
    expect(slack.calls.every((c) => c.channel === 'C0456' && c.authorization === 'Bearer xoxb-worker-test')).toBe(true);
    expect(slack.calls[2]!.text).toBe('facebook/react#1 is 50% funded');
    expect(Array.isArray(slack.calls[2]!.blocks)).toBe(true);

    // A company's month-end summary goes to the channels that company subscribed.
    await services.subscriptions.add({ platform: 'slack', channel: 'T0123/C0789', target: 'package:npm:vue', companyId: companyIds[0]!, createdBy: 'slack:U2' });
    const summary: Notice = { key: `month-end:${P}:${companyIds[0]}`, target: `company:${companyIds[0]}`, kind: 'month_end_summary', text: 'October: 10,000 EUR to 3 packages', data: {} };
    await services.outbox.enqueue([summary, summary]);
    const rows = await db.prisma.notification.findMany({ where: { key: { startsWith: summary.key } } });
    expect(rows.map((r) => [r.key, r.platform, r.destination])).toEqual([[`${summary.key}|slack:T0123/C0789`, 'slack', 'T0123/C0789']]);
    await eventually(async () => slack.calls.some((c) => c.channel === 'C0789'), 10_000, 'the summary');
  });

  it('keeps a notification the destination refuses for good as failed, with its error', async () => {
    const channel = '1200000000000000002';
    await services.subscriptions.add({ platform: 'discord', channel, target: 'repo:acme/gone', companyId: null, createdBy: 'discord:1' });
    discord.fail((m, p) => m === 'POST' && p === `/channels/${channel}/messages`, 404, 1);
    await services.outbox.enqueue([{ key: 'wish:acme/gone#1:funded', target: 'repo:acme/gone', kind: 'wish_funded', text: 'funded', data: {} }]);
    const row = await eventually(async () => {
      const r = await db.prisma.notification.findFirst({ where: { key: `wish:acme/gone#1:funded|discord:${channel}` } });
      return r?.status === 'failed' ? r : null;
    });
    expect(row.lastError).toMatch(/404/);
    const job = await eventually(async () => {
      const j = await worker.queues.notifications.getJob(`notify-${row.id}`);
      return j && (await j.getState()) === 'failed' ? worker.queues.notifications.getJob(`notify-${row.id}`) : null;
    });
    expect(job.failedReason).toMatch(/Discord refused/);
    expect(job.attemptsMade).toBe(1);
    const summary = await (await fetch(`${base}/admin/jobs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(summary.failed).toContainEqual(expect.objectContaining({ queue: 'notifications', id: `notify-${row.id}`, job: 'deliver-notification', failedReason: expect.stringMatching(/Discord refused/) }));
  });

  it('expires an unfunded wish and refunds each pledge once, however often expiry runs', async () => {
    const id = unwrap(parseWishId('acme/ui#9'));
    const earlier = fixedClock('2026-08-01T10:00:00Z');
    const gateway = services.gateway!;
    await openWish({ wishes: services.wishes, outbox: services.outbox, gateway, clock: earlier, currency: 'EUR', id, title: 'Dark mode', description: 'Please', requester: 'carol' });
    await optInToQuote(services.repositories, 'acme/ui');
    await quoteWish({ wishes: services.wishes, repositories: services.repositories, outbox: services.outbox, clock: earlier, id, amount: money(100_000, 'EUR'), delayDays: 14, by: 'alice', isMaintainer: true });
    const pledgeIds: string[] = [];
    for (const [who, amount] of [['u1', 5_000], ['u2', 2_000], ['u3', 1_000]] as const) {
      const p = await placePledge({ wishes: services.wishes, gateway, outbox: services.outbox, clock: earlier, id, pledger: { source: 'slack', id: who, display: who }, amount: money(amount, 'EUR') });
      pledgeIds.push(p.pledgeId);
    }
    // Two of the three are paid; the third stays a commitment.
    for (const pledgeId of pledgeIds.slice(0, 2)) {
      await confirmPledgePayment({ wishes: services.wishes, ledger: services.ledger, outbox: services.outbox, clock: earlier, wishId: id, pledgeId, provider: 'offline' });
    }
    // Three expiry runs (the daily schedule, a retry, an operator) — concurrently.
    const jobs = await Promise.all(['a', 'b', 'c'].map((x) => worker.enqueue('expire-wishes', {}, { jobId: `expire-test-${x}` })));
    await eventually(async () => (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === 'completed'), 20_000, 'the expiry jobs');
    const wish = (await services.wishes.get(id))!;
    expect(wish.status).toBe('expired');
    const refunds = await db.prisma.payment.findMany({ where: { kind: 'refund', wishId: id } });
    expect(refunds.map((r) => r.pledgeId).sort()).toEqual(pledgeIds.slice(0, 2).sort());
    expect(refunds.map((r) => Number(r.amount)).sort((a, b) => a - b)).toEqual([2_000, 5_000]);
    // The commitment is released (nothing was paid); the paid ones are owed back offline.
    expect(wish.pledges.find((p) => p.id === pledgeIds[2])?.status).toBe('refunded');
    const notices = await db.prisma.notification.count({ where: { key: { startsWith: `wish:${id}:expired` } } });
    // acme/ui is followed by one Discord channel (above): one expiry notice, not three.
    expect(notices).toBe(1);
  });
});
