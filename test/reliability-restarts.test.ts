// Fault injection (issue 14): PostgreSQL and Redis stopped and restarted under load, with
// servers this test starts itself (test/service-instances.ts), never the machine's shared ones.
// One whole platform (web, Slack, GitHub, Stripe webhooks, the in-process worker on Redis) runs
// on them while a steady load of correctly signed requests goes on: Slack `/upkeep pledge`,
// public API reads, GitHub `/wish` deliveries, Stripe `checkout.session.completed` events and
// wish-page pledges. PostgreSQL is stopped with `pg_ctl stop -m immediate` for a few seconds and
// started again; then Redis is killed and started again on the same port, empty. Upkeep is never
// restarted. Every answer is classified: accepted (its effect must exist exactly once), refused
// with a clear error (503 and a code, or Slack's "try again"; retried afterwards the way each
// provider retries, it must then apply exactly once), or anything else (a failure of the test).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { Queue } from 'bullmq';
import pg from 'pg';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { githubDeps } from '../app/github.ts';
import { slackDeps, type Platform } from '../app/platform.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics, operatorRoutes, paymentRoutes, webRoutes } from '../app/web.ts';
import { queueTarget, workerDeps } from '../app/worker.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import { slackContribution } from '../bots/slack/index.ts';
import { money } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import type { WishId } from '../core/wishlist.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { isDatabaseOutage } from '../edge/database-outage.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { openDatabase, type Database } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { reconcilePayments } from '../prisma/payment-store.ts';
import { attachWorker } from '../worker/index.ts';
import { QUEUE_NAMES, SCHEDULES } from '../worker/jobs.ts';
import { SlackDriver, startFakeSlackApi, SIGNING_SECRET, type FakeSlackApi } from './fakes/slack-api.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { startPostgres, startRedis, type PostgresInstance, type RedisInstance } from './service-instances.ts';
import { csrfFrom, CookieJar } from './web-support.ts';
import { eventually } from './worker-support.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];

const REPO = 'acme/widgets';
const WISH = `${REPO}#1` as WishId;
const INSTALLATION = 4343;
const GITHUB_SECRET = 'github-webhook-secret-restarts';
const STRIPE_SECRET = 'whsec_restarts';
const TEAM = 'T0LOAD';
const signer = new Stripe('sk_test_signer');
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

let pgServer: PostgresInstance;
let redisServer: RedisInstance;
let db: Database;
let github: FakeGithubApi;
let slackApi: FakeSlackApi;
let stripe: FakeStripe;
let services: Services;
let platform: Platform;
let http: HttpApp;
let base: string;
let slack: SlackDriver;
/** The platform's clock: the system's, moved forward when the test lets time pass. */
let ahead = 0;
const clock: Clock = { now: () => new Date(Date.now() + ahead) };

// --- what the load sends, and how each kind is retried -------------------------------------

type Kind = 'slack' | 'api' | 'github' | 'stripe' | 'web';
type Outcome = 'accepted' | 'refused' | 'failed';

interface Op {
  kind: Kind;
  n: number;
  startedAt: number;
  endedAt: number;
  outcome: Outcome;
  detail: string;
  /** Sends it again as its provider would: GitHub's and Stripe's same delivery, a Slack user's same command, a browser's same form. */
  retry: () => Promise<{ outcome: Outcome; detail: string }>;
}

/** Stripe events of pledges paid at Checkout before the load starts, delivered by the load. */
const paidPledges: { pledgeId: string; event: object }[] = [];
let counter = 0;

/**
 * A clear refusal: 503 with a code and no stack. A GitHub delivery whose handler failed after it
 * was claimed is answered by Probot's middleware, with its own body (no code, no stack): GitHub
 * only reads the status.
 */
const isClear503 = (status: number, body: string) =>
  status === 503 && !/at .*\.[jt]s:\d+/.test(body) && (/"code":"database_unavailable"/.test(body) || body === '{"error":"Error: The delivery could not be handled; it has been logged."}');

/** Slack's final answer to a command: the ack, or what it posted later to response_url. */
async function slackCommand(user: string, text: string, triggerId: string): Promise<{ outcome: Outcome; detail: string }> {
  const r = await slack.command(TEAM, user, text, { triggerId });
  let said = String(r.json?.text ?? r.text);
  if (r.status === 200 && /Working on it/.test(said)) {
    const later = await slackApi.waitFor((c) => c.method === 'respond' && c.path.endsWith(`/${triggerId}`) && !/Working on it/.test(String(c.params.text)), 30_000);
    said = String(later.params.text ?? '');
  }
  if (r.status !== 200) return { outcome: 'failed', detail: `HTTP ${r.status} ${r.text.slice(0, 200)}` };
  if (/^Pledged /.test(said)) return { outcome: 'accepted', detail: said };
  if (/try again/i.test(said)) return { outcome: 'refused', detail: said };
  return { outcome: 'failed', detail: said.slice(0, 200) };
}

function httpOutcome(status: number, body: string, ok: (status: number) => boolean): { outcome: Outcome; detail: string } {
  if (ok(status)) return { outcome: 'accepted', detail: String(status) };
  if (isClear503(status, body)) return { outcome: 'refused', detail: body.slice(0, 200) };
  return { outcome: 'failed', detail: `HTTP ${status} ${body.slice(0, 300)}` };
}

function githubPayload(issue: number, login: string): string {
  const p = structuredClone(EXAMPLES.find((d) => d.name === 'issue_comment')!.examples.find((e) => e.action === 'created')!);
  p.installation = { id: INSTALLATION, node_id: 'x' };
  p.repository.full_name = REPO;
  p.repository.name = 'widgets';
  p.repository.owner.login = 'acme';
  p.repository.default_branch = 'main';
  p.issue.number = issue;
  p.issue.title = `Feature ${issue}`;
  p.issue.body = 'Please.';
  delete p.issue.pull_request;
  p.comment.id = 50_000 + issue;
  p.comment.body = '/wish';
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.sender.type = 'User';
  return JSON.stringify(p);
}

async function githubDelivery(payload: string, delivery: string): Promise<{ outcome: Outcome; detail: string }> {
  const res = await fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': signWebhook(GITHUB_SECRET, payload), 'user-agent': 'GitHub-Hookshot/test' },
    body: payload,
  });
  const body = await res.text();
  // Probot answers 202 to a handler still running after 9 s: GitHub counts it delivered, the effect is checked below.
  return httpOutcome(res.status, body, (s) => s === 200 || (s === 202 && body.startsWith('still processing')));
}

async function stripeDelivery(event: object): Promise<{ outcome: Outcome; detail: string }> {
  const payload = JSON.stringify(event);
  const res = await fetch(`${base}/stripe/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) },
    body: payload,
  });
  return httpOutcome(res.status, await res.text(), (s) => s === 200);
}

/** A browser from `address`: opens the wish page, posts its pledge form as `name`. */
async function webPledge(address: string, name: string): Promise<{ outcome: Outcome; detail: string }> {
  const page = await fromAddress(address, `${base}/wishes/${REPO}/1`, { headers: { accept: 'text/html' } });
  if (page.status !== 200) return httpOutcome(page.status, page.body, () => false);
  const cookies = ((page.headers['set-cookie'] as string[] | undefined) ?? []).map((line) => line.split(';')[0]!).join('; ');
  const body = new URLSearchParams({ _csrf: csrfFrom(page.body), amount: '4', name }).toString();
  const res = await fromAddress(address, `${base}/wishes/${REPO}/1/pledge`, {
    method: 'POST',
    headers: { cookie: new CookieJar(cookies).header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  // The database went away between recording the pledge and opening its Checkout: the page says so and to try again.
  if (res.status === 502 && res.body.includes('the payment could not be started right now; nothing was charged. Try again')) return { outcome: 'refused', detail: 'pledge recorded, payment not started' };
  return httpOutcome(res.status, res.body, (s) => s === 303 && /^https:\/\/checkout\.stripe\.test\//.test(String(res.headers.location)));
}

function fromAddress(address: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, localAddress: address }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** One request of `kind`, with how to send it again. */
function makeOp(kind: Kind): { n: number; send: () => Promise<{ outcome: Outcome; detail: string }>; retry: () => Promise<{ outcome: Outcome; detail: string }> } {
  const n = ++counter;
  switch (kind) {
    case 'slack': {
      const trigger = `load.${n}.trigger`;
      const text = `pledge ${WISH} 3`;
      // A command answered "try again" is acknowledged, so Slack does not retry it: the person sends it again (a new trigger id).
      return { n, send: () => slackCommand(slackUser(n), text, trigger), retry: () => slackCommand(slackUser(n), text, `${trigger}.again`) };
    }
    case 'api': {
      const read = async () => {
        const res = await fetch(`${base}/api/v1/wishes?repo=${REPO}`);
        const body = await res.text();
        return httpOutcome(res.status, body, (s) => s === 200 && body.includes(WISH));
      };
      return { n, send: read, retry: read };
    }
    case 'github': {
      const payload = githubPayload(1000 + n, `wisher${n}`);
      const delivery = randomUUID();
      // GitHub's "Redeliver" sends the same delivery id and body.
      return { n, send: () => githubDelivery(payload, delivery), retry: () => githubDelivery(payload, delivery) };
    }
    case 'stripe': {
      const paid = paidPledges[n % paidPledges.length]!;
      return { n, send: () => stripeDelivery(paid.event), retry: () => stripeDelivery(paid.event) };
    }
    case 'web': {
      // Each web pledge from its own loopback address: the per-address limit is not what is tested.
      const address = `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
      return { n, send: () => webPledge(address, `web-${n}`), retry: () => webPledge(address, `web-${n}`) };
    }
  }
}

const slackUser = (n: number) => `ULOAD${n}X`;
const KINDS: Kind[] = ['slack', 'api', 'github', 'stripe', 'web'];

/** Sends one request every `everyMs` (rotating over the kinds, at most `inFlight` at once) until `stop()`. */
function steadyLoad(everyMs = 40, inFlight = 12): { ops: Op[]; stop: () => Promise<void> } {
  const ops: Op[] = [];
  const running = new Set<Promise<void>>();
  let i = 0;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running.size >= inFlight) return;
    const kind = KINDS[i++ % KINDS.length]!;
    const { n, send, retry } = makeOp(kind);
    const startedAt = Date.now();
    const p = send()
      .catch((e: unknown) => ({ outcome: 'failed' as const, detail: `request error: ${e instanceof Error ? e.message : String(e)}` }))
      .then((r) => {
        ops.push({ kind, n, startedAt, endedAt: Date.now(), ...r, retry });
      });
    const tracked = p.finally(() => running.delete(tracked));
    running.add(tracked);
  }, everyMs);
  return {
    ops,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

// --- what each accepted request must have done, once --------------------------------------

/** What the requests can have done, read at once: pledges with their Checkout opened, wishes, paid pledges. */
interface Effects {
  checkoutsOf: (op: Pick<Op, 'kind' | 'n'>) => number;
  wishes: Set<string>;
  paid: Map<string, number>;
}

async function readEffects(): Promise<Effects> {
  // A pledge recorded when the payment could not start (the database went away between the two)
  // stands unpaid and uncounted; what must exist once is a pledge whose Checkout was opened.
  const wish = await services.wishes.get(WISH);
  const opened = new Set((await db.prisma.payment.findMany({ where: { kind: 'pledge', externalId: { not: null } }, select: { pledgeId: true } })).map((p) => p.pledgeId));
  const wishes = new Set((await db.prisma.wish.findMany({ select: { id: true } })).map((w) => w.id));
  const txs = await db.prisma.ledgerTransaction.groupBy({ by: ['key'], where: { key: { startsWith: 'pledge:' } }, _count: true });
  const paid = new Map(txs.map((t) => [t.key, t._count]));
  return {
    checkoutsOf: (op) => wish!.pledges.filter((p) => (op.kind === 'slack' ? p.pledger.id.endsWith(`:${slackUser(op.n)}`) : p.pledger.display === `web-${op.n}`) && opened.has(p.id)).length,
    wishes,
    paid,
  };
}

function effectCount(e: Effects, op: Pick<Op, 'kind' | 'n'>): number | null {
  switch (op.kind) {
    case 'api':
      return null;
    case 'slack':
    case 'web':
      return e.checkoutsOf(op);
    case 'github':
      return e.wishes.has(`${REPO}#${1000 + op.n}`) ? 1 : 0;
    case 'stripe':
      return e.paid.get(`pledge:${paidPledges[op.n % paidPledges.length]!.pledgeId}:paid`) ?? 0;
  }
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

interface PhaseReport {
  sent: number;
  accepted: number;
  refused: number;
  refusedDuringOutage: number;
  recovered: number;
  perKind: Record<Kind, { accepted: number; refused: number }>;
}

/** Load, then `outage` for `downMs`, then `recover`; returns the classified requests and the outage window. */
async function underLoad(outage: () => Promise<void>, recover: () => Promise<void>, downMs: number, during: () => Promise<void>): Promise<{ ops: Op[]; down: { from: number; to: number } }> {
  const load = steadyLoad();
  await new Promise((r) => setTimeout(r, 1_500));
  await outage();
  const from = Date.now();
  await during();
  await new Promise((r) => setTimeout(r, downMs));
  const to = Date.now();
  await recover();
  await new Promise((r) => setTimeout(r, 2_000));
  await load.stop();
  return { ops: load.ops, down: { from, to } };
}

/** Every accepted request applied once; refused ones (sent entirely in the outage) applied nothing, then once after their retry. */
async function settle(ops: Op[], down: { from: number; to: number }): Promise<PhaseReport> {
  const failures = ops.filter((o) => o.outcome === 'failed').map((o) => `${o.kind} #${o.n} (${o.endedAt - o.startedAt} ms, from ${o.startedAt - down.from} ms after the cut): ${o.detail}`);
  expect(failures).toEqual([]);
  const perKind = Object.fromEntries(KINDS.map((k) => [k, { accepted: 0, refused: 0 }])) as PhaseReport['perKind'];
  for (const o of ops) perKind[o.kind][o.outcome === 'accepted' ? 'accepted' : 'refused'] += 1;

  const inOutage = (o: Op) => o.startedAt >= down.from && o.endedAt <= down.to;
  const label = (o: Op) => `${o.kind} #${o.n}`;
  const before = await readEffects();
  // Stripe events repeat (several ops deliver the same event): judged per event below.
  const accepted = ops.filter((o) => o.outcome === 'accepted' && o.kind !== 'stripe');
  expect(accepted.map((o) => [label(o), effectCount(before, o)])).toEqual(accepted.map((o) => [label(o), o.kind === 'api' ? null : 1]));
  const refusedInOutage = ops.filter((o) => o.outcome === 'refused' && inOutage(o) && o.kind !== 'stripe' && o.kind !== 'api');
  expect(refusedInOutage.map((o) => [label(o), effectCount(before, o)])).toEqual(refusedInOutage.map((o) => [label(o), 0]));
  // The providers retry what was refused; each applies once (a retry of one in flight at the cut included).
  const refusedOps = ops.filter((o) => o.outcome === 'refused');
  const retried: { op: string; outcome: Outcome; detail: string }[] = [];
  await inParallel(refusedOps, 6, async (o) => {
    const again = await o.retry();
    retried.push({ op: label(o), outcome: again.outcome, detail: again.outcome === 'accepted' ? '' : again.detail });
  });
  expect(retried.filter((r) => r.outcome !== 'accepted')).toEqual([]);
  const recovered = retried.length;
  const after = await readEffects();
  const once = refusedOps.filter((o) => o.kind !== 'api' && o.kind !== 'stripe');
  expect(once.map((o) => [label(o), effectCount(after, o)])).toEqual(once.map((o) => [label(o), 1]));
  // Every paid pledge whose event was delivered at all is paid exactly once.
  const events = [...new Set(ops.filter((x) => x.kind === 'stripe').map((o) => o.n % paidPledges.length))];
  expect(events.map((i) => [i, effectCount(after, { kind: 'stripe', n: i })])).toEqual(events.map((i) => [i, 1]));
  const refused = ops.filter((o) => o.outcome === 'refused').length;
  return { sent: ops.length, accepted: ops.length - refused, refused, refusedDuringOutage: ops.filter((o) => o.outcome === 'refused' && inOutage(o)).length, recovered, perKind };
}

/** How many of `n` concurrent queries of the platform's client the server runs at the same time. */
async function concurrentQueries(n: number): Promise<number> {
  const running = Promise.all(Array.from({ length: n }, () => db.prisma.$queryRawUnsafe(`SELECT pg_sleep(1.5)::text AS slept, 'restarts-probe' AS probe`)));
  await new Promise((r) => setTimeout(r, 750));
  const admin = new pg.Client({ connectionString: pgServer.adminUrl });
  await admin.connect();
  try {
    const rows = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%restarts-probe%' AND query NOT LIKE '%pg_stat_activity%'`);
    return Number(rows.rows[0]!.n);
  } finally {
    await admin.end();
    await running;
  }
}

async function ledgerIsSound(): Promise<void> {
  expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  expect(await reconcilePayments(db.prisma)).toEqual([]);
}

async function health(): Promise<{ status: number; body: { ok: boolean; down?: string[] } }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; down?: string[] } };
}

/**
 * Every notification recorded so far is delivered by the worker (none pending or failed). Two
 * things the platform does on its own later are brought forward: the next attempt of a delivery
 * that failed during the outage (its back-off: 5 s, 10 s, 20 s…), and the 5-minute sweep that
 * enqueues rows older than a minute whose job never reached the queue (the clock is moved two
 * minutes ahead and the sweep job is added as its schedule would).
 */
async function notificationsDelivered(timeoutMs: number): Promise<Record<string, number>> {
  const queue = new Queue('notifications', { connection: { url: redisServer.url }, prefix: 'upkeep' });
  try {
    ahead += 2 * 60_000;
    await queue.add('sweep-notifications', {});
    await eventually(
      async () => {
        for (const job of await queue.getDelayed()) await job.promote().catch(() => {});
        return (await db.prisma.notification.count({ where: { status: { not: 'delivered' } } })) === 0;
      },
      timeoutMs,
      'every notification delivered',
      250,
    ).catch(() => undefined);
  } finally {
    await queue.close();
  }
  const rows = await db.prisma.notification.groupBy({ by: ['status'], _count: true });
  // What a failure needs to be understood: each row left and the state of its delivery job.
  const left = await db.prisma.notification.findMany({ where: { status: { not: 'delivered' } }, select: { id: true, key: true, status: true, lastError: true } });
  if (left.length > 0) {
    const q = new Queue('notifications', { connection: { url: redisServer.url }, prefix: 'upkeep' });
    for (const r of left) {
      const job = await q.getJob(`notify-${r.id}`);
      console.warn(`not delivered: ${r.key} (${r.status}, ${r.lastError ?? 'no error'}); job ${job ? `${await job.getState()} ${job.failedReason ?? ''}` : 'missing'}`);
    }
    await q.close();
  }
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}

/**
 * What `assemblePlatform` (app/platform.ts) builds for this configuration — the GitHub App, Slack,
 * the web routes, Stripe's webhook, the in-process worker with its schedules, the admin routes —
 * with Octokit's retries and write throttling off (one write a second, as other tests do): the
 * load opens a wish every 200 ms, and at GitHub's pace its comments would queue for minutes.
 */
async function platformWithoutGithubThrottling(s: Services): Promise<Platform> {
  const noThrottle = { retries: false } as const;
  const p: Platform = { mounts: [], routes: [], probes: [], stops: [] };
  p.mounts.push(...((await githubContribution(githubDeps(s, s.config.github!), noThrottle)).mounts ?? []));
  p.routes.push(...webRoutes(s), ...paymentRoutes(s));
  const slackParts = slackContribution(slackDeps(s, s.config.slack!));
  p.mounts.push(...(slackParts.mounts ?? []));
  p.routes.push(...(slackParts.routes ?? []));
  const jobs = await attachWorker(p, workerDeps(s, { github: noThrottle }), queueTarget(s));
  p.routes.push(...operatorRoutes(s, jobs));
  return p;
}

beforeAll(async () => {
  [pgServer, redisServer] = await Promise.all([startPostgres(), startRedis()]);
  github = await startFakeGithubApi();
  slackApi = await startFakeSlackApi();
  stripe = await startFakeStripe();
  github.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', files: {}, permissions: {} });
  const url = await pgServer.createDatabase('upkeep_restarts');
  db = await openDatabase({ kind: 'postgres', url });
  const config = loadConfig({
    DATABASE_URL: url,
    REDIS_URL: redisServer.url,
    CURRENCY: 'EUR',
    PUBLIC_URL: 'http://upkeep.test',
    UPKEEP_ADMIN_TOKEN: 'admin-token-restarts-0123456789',
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    GITHUB_API_URL: github.url,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-restarts',
    SLACK_API_URL: slackApi.apiUrl,
    STRIPE_SECRET_KEY: 'sk_test_restarts',
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    STRIPE_API_URL: stripe.url,
  });
  services = createServices({ config, db, clock, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  platform = await platformWithoutGithubThrottling(services);
  http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
  base = await http.listen(0, '127.0.0.1');
  slack = new SlackDriver(base, slackApi);

  // The wish everyone pledges to, opened through GitHub; and pledges already paid at Checkout.
  expect((await githubDelivery(githubPayload(1, 'maint'), randomUUID())).outcome).toBe('accepted');
  for (let i = 0; i < 40; i++) {
    const p = await placePledge({ wishes: services.wishes, gateway: services.gateway, outbox: services.outbox, clock, id: WISH, pledger: { source: 'github', id: `payer${i}`, display: `payer${i}` }, amount: money(200 + i, 'EUR') });
    const session = stripe.completeSession(p.checkoutUrl!.split('/').pop()!);
    paidPledges.push({ pledgeId: p.pledgeId, event: stripe.event('checkout.session.completed', { ...session }) });
  }
}, 60_000);

/** A clean-up step that may not hold the rest up: the servers are stopped whatever it does. */
async function bounded(what: string, step: (() => Promise<unknown>) | undefined): Promise<void> {
  if (!step) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`clean-up step "${what}" did not finish within 10 s; going on`);
      resolve();
    }, 10_000);
  });
  await Promise.race([step().catch(() => {}), late]);
  clearTimeout(timer);
}

afterAll(async () => {
  await bounded('http', http && (() => http.close()));
  for (const [i, stop] of [...(platform?.stops ?? [])].reverse().entries()) await bounded(`platform stop ${i}`, stop);
  await bounded('database', db && (() => db.close()));
  await bounded('fakes', () => Promise.all([github?.close(), slackApi?.close(), stripe?.stop()]));
  await pgServer?.stop();
  await redisServer?.stop();
}, 90_000);

describe('edge/database-outage.ts', () => {
  it('tells the database being away from a bug, by the shapes measured here (Prisma 6.19, adapter-pg 7, node-postgres)', () => {
    const adapter = (kind: string) => ({ name: 'DriverAdapterError', cause: { kind } });
    const outages: unknown[] = [
      Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001', meta: { driverAdapterError: adapter('DatabaseNotReachable') } }),
      Object.assign(new Error('Raw query failed. Code: `N/A`.'), { code: 'P2010', meta: { driverAdapterError: adapter('DatabaseNotReachable') } }),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'P1017' }) }),
    ];
    const bugs: unknown[] = [
      Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }),
      Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { driverAdapterError: adapter('UniqueConstraintViolation') } }),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }),
      null,
      'Connection terminated unexpectedly',
    ];
    expect(outages.map(isDatabaseOutage)).toEqual(outages.map(() => true));
    expect(bugs.map(isDatabaseOutage)).toEqual(bugs.map(() => false));
  });
});

describe('PostgreSQL and Redis restarted under load, Upkeep left running', () => {
  it('PostgreSQL stopped for 3 s: clear 503s and "try again" while it is down, then everything applies exactly once', async () => {
    let healthDuring: Awaited<ReturnType<typeof health>> | null = null;
    const { ops, down } = await underLoad(
      () => pgServer.kill(),
      () => pgServer.start(),
      3_000,
      async () => {
        healthDuring = await health();
      },
    );
    expect(healthDuring).toMatchObject({ status: 503, body: { ok: false, down: ['database'] } });
    expect(await health()).toMatchObject({ status: 200, body: { ok: true } });
    // No connection of the pool was lost with the transactions the cut interrupted: all 10 run at once.
    expect(await concurrentQueries(10)).toBe(10);
    const t0 = Date.now();
    const report = await settle(ops, down);
    console.log(`PostgreSQL restart: ${JSON.stringify(report)} (settled in ${Date.now() - t0} ms)`);
    // The outage was felt by every front-end, and the load went on before and after it.
    for (const k of KINDS) expect({ kind: k, refused: report.perKind[k].refused > 0, accepted: report.perKind[k].accepted > 0 }).toEqual({ kind: k, refused: true, accepted: true });
    const t1 = Date.now();
    const notifications = await notificationsDelivered(45_000);
    console.log(`notifications after the PostgreSQL restart: ${JSON.stringify(notifications)} (in ${Date.now() - t1} ms)`);
    expect(notifications).toEqual({ delivered: expect.any(Number) });
    await ledgerIsSound();
  }, 120_000);

  it('Redis killed for 3 s and started empty: requests still answered, the queue reported down, then jobs and schedules resume', async () => {
    let healthDuring: Awaited<ReturnType<typeof health>> | null = null;
    const { ops, down } = await underLoad(
      () => redisServer.kill(),
      () => redisServer.start(),
      3_000,
      async () => {
        healthDuring = await health();
      },
    );
    expect(healthDuring).toMatchObject({ status: 503, body: { ok: false, down: ['queue'] } });
    await eventually(async () => (await health()).status === 200, 15_000, 'health 200 after Redis restarted');
    const t0 = Date.now();
    const report = await settle(ops, down);
    console.log(`Redis restart: ${JSON.stringify(report)} (settled in ${Date.now() - t0} ms)`);
    // The schedules lived in the Redis that was lost: registered again on reconnection, without a restart.
    const queues = QUEUE_NAMES.map((q) => new Queue(q, { connection: { url: redisServer.url }, prefix: 'upkeep' }));
    try {
      const schedulers = await eventually(async () => {
        const ids = (await Promise.all(queues.map((q) => q.getJobSchedulers()))).flat().map((j) => j.key);
        return SCHEDULES.every((x) => ids.includes(x.id)) ? ids : null;
      }, 10_000, 'the schedules registered again');
      expect(schedulers.sort()).toEqual(SCHEDULES.map((x) => x.id).sort());
      // Delivery jobs waiting in the lost Redis are gone; their rows are still pending in the outbox, for the sweep.
      const t1 = Date.now();
      const notifications = await notificationsDelivered(45_000);
      console.log(`notifications after the Redis restart: ${JSON.stringify(notifications)} (in ${Date.now() - t1} ms)`);
      expect(notifications).toEqual({ delivered: expect.any(Number) });
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
    await ledgerIsSound();
  }, 120_000);
});
