// Issue 14, faults: two `npm start` (app/main.ts, each with its in-process worker) and two
// `npm run worker` (app/worker-main.ts) on one fresh PostgreSQL database and one Redis, started
// at the same moment (their migrations race too), against the local fakes of Slack, GitHub and
// Stripe. Every piece of signed work is sent to both web instances at once, some of it again
// (a redelivery), and the admin close is asked of both: every effect must happen once, and
// `npm run upkeep -- check` (a child process with the same environment) must exit 0.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import pg from 'pg';
import Stripe from 'stripe';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../bots/github/index.ts';
import { periodOf } from '../core/period.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { SIGNING_SECRET, SlackDriver, startFakeSlackApi, type FakeSlackApi } from '../dev/fakes/slack-api.ts';
import { createPostgresDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { freePort, runUpkeepCli, startUpkeep, type UpkeepProcess } from './process-support.ts';
import { eventually } from './worker-support.ts';

// A Redis database of its own (the processes use the default `upkeep` key prefix).
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/11`;
const ADMIN_TOKEN = 'admin-token-for-the-processes-test';
const GITHUB_SECRET = 'github-secret-for-the-processes-test';
const STRIPE_SECRET = 'whsec_processes';
const TEAM = 'T0DUO';
const ADMIN = 'U0ADMIN';
const REPO = 'duo/widgets';
// The current month, closed early by the operator (the processes run on the system clock).
const P = periodOf(new Date());
const signer = new Stripe('sk_test_signer');

let slackApi: FakeSlackApi;
let githubApi: FakeGithubApi;
let stripe: FakeStripe;
let database: { url: string; drop(): Promise<void> };
let sql: pg.Client;
let env: Record<string, string>;
const processes: UpkeepProcess[] = [];
const webs: string[] = [];

const flushRedis = async () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await redis.flushdb();
  await redis.quit();
};

const count = async (query: string, ...args: unknown[]): Promise<number> => Number((await sql.query<{ n: string }>(query, args)).rows[0]!.n);

beforeAll(async () => {
  await flushRedis();
  [slackApi, githubApi, stripe, database] = await Promise.all([startFakeSlackApi(), startFakeGithubApi(), startFakeStripe(), createPostgresDatabase()]);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const ports = [await freePort(), await freePort()];
  webs.push(...ports.map((p) => `http://127.0.0.1:${p}`));
  env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    // One public address in front of both instances, as behind a load balancer.
    PUBLIC_URL: webs[0]!,
    UPKEEP_ADMIN_TOKEN: ADMIN_TOKEN,
    UPKEEP_WORKER_LOCK_MS: '2000',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-processes',
    SLACK_API_URL: slackApi.apiUrl,
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    GITHUB_API_URL: githubApi.url,
    STRIPE_SECRET_KEY: 'sk_test_processes',
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    STRIPE_API_URL: stripe.url,
  };
  githubApi.addRepo(REPO, {
    installationId: 42,
    license: 'MIT',
    files: { '.github/upkeep.yml': 'packages: [npm:left-pad]\nmaintainers:\n  alice: 60\n  bob: 40\naccept_terms: 1\n' },
    permissions: { alice: 'admin', bob: 'write', zoe: 'read' },
  });
  // All four at once on the empty database: their migrations race as well.
  processes.push(
    startUpkeep('web A', 'app/main.ts', { ...env, PORT: String(ports[0]) }),
    startUpkeep('web B', 'app/main.ts', { ...env, PORT: String(ports[1]) }),
    startUpkeep('worker 1', 'app/worker-main.ts', env),
    startUpkeep('worker 2', 'app/worker-main.ts', env),
  );
  await Promise.all(processes.map((p) => p.ready));
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map(async (p) => {
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
    await p.stop('SIGTERM');
    clearTimeout(timer);
  }));
  await sql?.end().catch(() => {});
  await Promise.all([slackApi?.close(), githubApi?.close(), stripe?.stop()]);
  await database?.drop();
  await flushRedis().catch(() => {});
});

/** The same signed request to both instances at once; their answers. */
const both = <T,>(send: (base: string) => Promise<T>): Promise<T[]> => Promise.all(webs.map(send));

/** One Slack slash command (one trigger id, as Slack retries it) delivered to both instances. */
async function slackBoth(text: string, channel = 'C0GENERAL') {
  const triggerId = `${Date.now()}.${randomUUID()}`;
  const replies = await both((base) => new SlackDriver(base, slackApi).command(TEAM, ADMIN, text, { triggerId, channel }));
  for (const r of replies) expect(r.status, `/upkeep ${text}: ${r.text}`).toBe(200);
  return replies;
}

/** One GitHub delivery (one delivery id) to both instances, and `again` more times to the first. */
async function githubBoth(event: string, payload: object, again = 1): Promise<void> {
  const body = JSON.stringify(payload);
  const id = randomUUID();
  const send = (base: string) =>
    fetch(`${base}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': signWebhook(GITHUB_SECRET, body) },
      body,
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
  for (const r of await both(send)) expect(r.status, `${event}: ${r.text}`).toBeLessThan(300);
  for (let i = 0; i < again; i++) expect((await send(webs[0]!)).status).toBeLessThan(300);
}

/** One Stripe event to both instances at once, then once more to the second. */
async function stripeBoth(event: object): Promise<void> {
  const payload = JSON.stringify(event);
  const send = (base: string) =>
    fetch(`${base}/stripe/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) },
      body: payload,
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
  for (const r of await both(send)) expect(r.status, r.text).toBe(200);
  expect((await send(webs[1]!)).status).toBe(200);
}

let commentId = 5000;
const issueComment = (login: string, body: string) => ({
  action: 'created',
  installation: { id: 42 },
  repository: { id: 1, full_name: REPO, name: 'widgets', owner: { login: 'duo' }, default_branch: 'main' },
  sender: { login, type: 'User' },
  issue: { number: 7, title: 'Keyboard navigation', body: 'Arrow keys should move between days.' },
  comment: { id: ++commentId, body, user: { login, type: 'User' } },
});

describe('two `npm start` and two `npm run worker` on one PostgreSQL and one Redis', () => {
  it('do every piece of work once, whichever instance receives it and however often', async () => {
    // A company sets up, budgets, allocates and follows a package, each command reaching both instances.
    await slackBoth('setup Duo Corp');
    await slackBoth('budget 1,000 EUR');
    await slackBoth('deps add npm:left-pad npm:date-fns pypi:requests');
    await slackBoth('allocate npm:left-pad=34 npm:date-fns=33 pypi:requests=33');
    await slackBoth('subscribe npm:left-pad', 'C0FUNDING');
    const billing = await slackBoth('billing');
    // The card is saved on Stripe's page; its completed event reaches both instances, then again.
    await eventually(async () => [...stripe.sessions.values()].some((s) => s.mode === 'setup'), 20_000, 'the billing Checkout session');
    const setups = [...stripe.sessions.values()].filter((s) => s.mode === 'setup');
    expect(setups, JSON.stringify(billing.map((b) => b.json))).toHaveLength(1);
    await stripeBoth(stripe.event('checkout.session.completed', { ...stripe.completeSession(setups[0]!.id) }));

    // The repository opts in; a wish is opened, quoted and pledged to, each delivery reaching both and redelivered.
    await githubBoth('installation', { action: 'created', installation: { id: 42 }, repositories: [{ full_name: REPO }] });
    await githubBoth('issue_comment', issueComment('zoe', '/wish 20'));
    await githubBoth('issue_comment', issueComment('alice', '/quote 300 EUR 2w'));
    await githubBoth('issue_comment', issueComment('bob', '/pledge 30'));
    // Two pledges (zoe's commitment with /wish 20 and bob's /pledge 30), one Checkout session each.
    const pledgeSessions = () => [...stripe.sessions.values()].filter((s) => s.mode === 'payment');
    await eventually(async () => pledgeSessions().length >= 2, 20_000, 'the pledges\' Checkout sessions');
    expect(pledgeSessions().map((s) => s.amount_total).sort()).toEqual([2000, 3000]);
    for (const session of pledgeSessions()) await stripeBoth(stripe.event('checkout.session.completed', { ...stripe.completeSession(session.id) }));

    // The operator asks both instances to close the month; four workers race for it.
    const closes = await both((base) => fetch(`${base}/admin/periods/${P}/close`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.status));
    expect(closes.every((s) => s === 202 || s === 200), String(closes)).toBe(true);
    await eventually(
      async () =>
        (await count("SELECT COUNT(*) AS n FROM period WHERE id = $1 AND status = 'closed'", P)) === 1 &&
        (await count("SELECT COUNT(*) AS n FROM notification WHERE status = 'pending'")) === 0,
      60_000,
      `the close of ${P} and every notice delivered (${processes.map((p) => `${p.name}: ${p.output().slice(-300)}`).join('\n')})`,
      100,
    );

    // One company, one allocation, one subscription, one saved card.
    expect(await count('SELECT COUNT(*) AS n FROM company')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM allocation')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM subscription')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM company_billing WHERE payment_method_id IS NOT NULL')).toBe(1);
    // One wish, one pledge, one pledge payment (paid), once in the ledger.
    expect((await sql.query('SELECT id, status FROM wish')).rows).toEqual([{ id: `${REPO}#7`, status: 'quoted' }]);
    const payments = (await sql.query<{ kind: string; status: string; amount: string }>('SELECT kind, status, amount::text FROM payment ORDER BY kind, amount')).rows;
    expect(payments).toEqual([
      { kind: 'budget_charge', status: 'succeeded', amount: '100000' },
      { kind: 'pledge', status: 'succeeded', amount: '2000' },
      { kind: 'pledge', status: 'succeeded', amount: '3000' },
    ]);
    expect(await count("SELECT COUNT(*) AS n FROM ledger_transaction WHERE kind = 'pledge_paid'")).toBe(2);
    expect(await count("SELECT COALESCE(SUM(amount), 0) AS n FROM ledger_entry WHERE account_key = $1", `wish:${REPO}#7`)).toBe(5000);
    // Stripe: one setup session, one session per pledge, one budget charge (no key asked twice for a new effect).
    const intents = stripe.callsTo('POST', '/v1/payment_intents').filter((c) => !c.replayed);
    expect(intents.map((c) => c.idempotencyKey)).toHaveLength(1);
    expect(stripe.callsTo('POST', '/v1/checkout/sessions').filter((c) => !c.replayed)).toHaveLength(3);
    // The close: one contribution of the company, distributed once.
    expect(await count("SELECT COUNT(*) AS n FROM ledger_transaction WHERE kind = 'contribution' AND period = $1", P)).toBe(1);
    const balances = (await sql.query<{ account_key: string; total: string }>("SELECT account_key, SUM(amount)::text AS total FROM ledger_entry WHERE account_key LIKE 'maintainer:%' GROUP BY account_key ORDER BY 1")).rows;
    // €1,000 × 34 points = €340 to npm:left-pad, split 60/40.
    expect(balances).toEqual([
      { account_key: 'maintainer:alice', total: '20400' },
      { account_key: 'maintainer:bob', total: '13600' },
    ]);

    // Messages: each notification row delivered once, and each message posted once.
    expect(await count("SELECT COUNT(*) AS n FROM notification WHERE status <> 'delivered'")).toBe(0);
    const slackRows = await count("SELECT COUNT(*) AS n FROM notification WHERE platform = 'slack'");
    const posts = slackApi.of('chat.postMessage').map((c) => `${String(c.params.channel)} ${String(c.params.text)}`);
    expect(slackRows).toBeGreaterThan(0);
    expect(posts).toHaveLength(new Set(posts).size);
    expect(posts.filter((p) => p.startsWith('C0FUNDING '))).toHaveLength(await count("SELECT COUNT(*) AS n FROM notification WHERE platform = 'slack' AND destination LIKE '%C0FUNDING'"));
    const comments = githubApi.of('POST', /\/issues\/7\/comments$/).map((c) => JSON.stringify(c.body));
    expect(comments.length).toBeGreaterThan(0);
    expect(comments).toHaveLength(new Set(comments).size);

    const check = await runUpkeepCli(['check'], env);
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
  }, 150_000);
});
