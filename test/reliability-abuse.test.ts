// Abuse (issue 14): how many wishes, pledges and checkout links one user or one address may
// create per window. The rules are pure (core/rate-limits.ts) and property-tested; the counters
// are PostgreSQL rows (prisma/rate-limiter.ts) shared by two instances of the whole platform on
// one database. Each action is driven through a real front-end — signed GitHub `/wish`
// comments through Probot, signed Slack `/upkeep pledge` and `/upkeep billing` through Bolt,
// the wish page's pledge form over HTTP from two client addresses — with alternate requests to
// either instance: the attempt after the limit is refused with the message that says when to
// try again, nothing else is written (tables compared), and another user or address goes on.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { assemblePlatform, type Platform } from '../app/platform.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics } from '../app/web.ts';
import { signWebhook } from '../bots/github/index.ts';
import { STATUS_MARKER } from '../bots/github/render.ts';
import type { Clock } from '../core/ports/clock.ts';
import { RATE_LIMITS, rateLimitBuckets, rateLimitedError, windowOf, type RateLimitedAction } from '../core/rate-limits.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { SlackDriver, startFakeSlackApi, SIGNING_SECRET, textOf, type FakeSlackApi } from './fakes/slack-api.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { openDatabase, type Database } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { PrismaRateLimiter } from '../prisma/rate-limiter.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { CookieJar, csrfFrom } from './web-support.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];

const limitOf = (action: RateLimitedAction, scope: 'user' | 'address'): number => Math.min(...RATE_LIMITS[action].filter((r) => r.scope === scope).map((r) => r.limit));

describe('core/rate-limits.ts', () => {
  it('puts every instant in the one fixed window that contains it, aligned the same in every process', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom(60, 3600, 86_400), (at, seconds) => {
        const w = windowOf(at, seconds);
        expect(w.start.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(w.end.getTime()).toBeGreaterThan(at.getTime());
        expect(w.end.getTime() - w.start.getTime()).toBe(seconds * 1000);
        expect(w.start.getTime() % (seconds * 1000)).toBe(0);
      }),
    );
  });

  it('counts a user and an address separately, per rule, and skips a scope the attempt lacks', () => {
    const at = new Date('2026-11-21T10:00:30Z');
    const both = rateLimitBuckets('pledge', { user: 'GitHub:Alice', address: '203.0.113.9' }, at);
    expect(both.map((b) => [b.key, b.limit])).toEqual([
      ['pledge:user:60:github:alice', 10],
      ['pledge:user:3600:github:alice', 60],
      ['pledge:address:60:203.0.113.9', 10],
      ['pledge:address:3600:203.0.113.9', 100],
    ]);
    expect(rateLimitBuckets('wish', { user: 'github:alice' }, at).every((b) => b.rule.scope === 'user')).toBe(true);
    expect(rateLimitBuckets('checkout', {}, at)).toEqual([]);
  });

  it('says, without platform syntax, how many were allowed in what span and when to try again', () => {
    const at = new Date('2026-11-21T10:00:18Z');
    const [bucket] = rateLimitBuckets('wish', { user: 'github:alice' }, at);
    const e = rateLimitedError('wish', bucket!, at);
    expect(e.code).toBe('rate_limited');
    expect(e.userMessage).toBe('Too many wishes: one person can create at most 5 wishes in a minute. Nothing was recorded; try again in 42 seconds (after 10:01:00 UTC).');
    expect(e.details).toMatchObject({ action: 'wish', scope: 'user', limit: 5, windowSeconds: 60, retryAfterSeconds: 42 });
    const [, hourly] = rateLimitBuckets('checkout', { user: 'slack:T1:U1' }, at);
    expect(rateLimitedError('checkout', hourly!, at).userMessage).toContain('try again in 60 minutes (after 11:00:00 UTC)');
  });

  it('never tells anyone to retry before their window ends, nor later than it', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }), fc.constantFrom<RateLimitedAction>('wish', 'pledge', 'checkout'), (ms, action) => {
        const at = new Date(ms);
        for (const b of rateLimitBuckets(action, { user: 'u', address: 'a' }, at)) {
          const after = rateLimitedError(action, b, at).details.retryAfterSeconds as number;
          expect(at.getTime() + after * 1000).toBeGreaterThanOrEqual(b.windowEnd.getTime());
          expect(at.getTime() + (after - 1) * 1000).toBeLessThan(b.windowEnd.getTime());
        }
      }),
    );
  });
});

describe('prisma/rate-limiter.ts on PostgreSQL', () => {
  let db: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    other = await openDatabase({ kind: 'postgres', url: db.url! });
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
  });

  it('grants exactly the limit to 40 concurrent attempts from two connections, then refuses', async () => {
    const limiters = [new PrismaRateLimiter(db.prisma), new PrismaRateLimiter(other.prisma)];
    const at = new Date('2026-11-21T10:00:00Z');
    const buckets = rateLimitBuckets('pledge', { user: 'slack:T1:U1' }, at); // 10 a minute, 60 an hour
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 2]!.take(buckets)));
    expect(outcomes.filter((o) => o === null)).toHaveLength(10);
    expect(outcomes.filter((o) => o !== null).every((o) => o!.key === 'pledge:user:60:slack:t1:u1')).toBe(true);
    const rows = await db.prisma.$queryRawUnsafe<{ key: string; count: number }[]>('SELECT key, count FROM rate_limit_counter ORDER BY key');
    // All or none: the refused attempts took nothing from the hourly counter either.
    expect(rows).toEqual([
      { key: 'pledge:user:3600:slack:t1:u1', count: 10 },
      { key: 'pledge:user:60:slack:t1:u1', count: 10 },
    ]);
    // The next minute is a new window (and the past one's row is gone); the hour still counts.
    const next = rateLimitBuckets('pledge', { user: 'slack:T1:U1' }, new Date('2026-11-21T10:01:00Z'));
    expect(await limiters[1]!.take(next)).toBeNull();
    const after = await db.prisma.$queryRawUnsafe<{ key: string; count: number }[]>('SELECT key, count FROM rate_limit_counter ORDER BY key');
    expect(after).toEqual([
      { key: 'pledge:user:3600:slack:t1:u1', count: 11 },
      { key: 'pledge:user:60:slack:t1:u1', count: 1 },
    ]);
  });
});

describe('prisma/rate-limiter.ts on the embedded PGlite (npm start without DATABASE_URL)', () => {
  it('grants the limit, then refuses without taking from the other counters', async () => {
    const db = await openTestDatabase('pglite');
    try {
      const limiter = new PrismaRateLimiter(db.prisma);
      const buckets = rateLimitBuckets('checkout', { user: 'slack:T1:U1', address: '192.0.2.1' }, new Date('2026-11-21T10:00:00Z'));
      const outcomes = [];
      for (let n = 0; n < 7; n++) outcomes.push(await limiter.take(buckets));
      expect(outcomes.map((o) => o?.key ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'checkout:user:60:slack:t1:u1', 'checkout:user:60:slack:t1:u1']);
      const rows = await db.prisma.$queryRawUnsafe<{ key: string; count: number }[]>('SELECT key, count FROM rate_limit_counter ORDER BY key');
      expect(rows.map((r) => [r.key, r.count])).toEqual([
        ['checkout:address:60:192.0.2.1', 5],
        ['checkout:user:3600:slack:t1:u1', 5],
        ['checkout:user:60:slack:t1:u1', 5],
      ]);
    } finally {
      await db.close();
    }
  });
});

// --- the whole platform, twice, on one database ---------------------------------------------

const REPO = 'acme/widgets';
const INSTALLATION = 4242;
const WEBHOOK_SECRET = 'github-webhook-secret-abuse';
const STRIPE_WEBHOOK_SECRET = 'whsec_abuse';
// Inside one minute window, far from its end: every attempt of a test counts in the same windows.
let now = new Date('2026-11-21T10:00:05Z');
const clock: Clock = { now: () => new Date(now) };

interface Instance {
  services: Services;
  platform: Platform;
  http: HttpApp;
  url: string;
  slack: SlackDriver;
}

let db: TestDatabase;
let second: Database;
let github: FakeGithubApi;
let slackApi: FakeSlackApi;
let stripe: FakeStripe;
let instances: Instance[] = [];
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

async function startInstance(database: Database, env: Record<string, string> = {}): Promise<Instance> {
  const config = loadConfig({
    ...env,
    DATABASE_URL: db.url!,
    CURRENCY: 'EUR',
    PUBLIC_URL: 'http://upkeep.test',
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GITHUB_API_URL: github.url,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-abuse',
    SLACK_API_URL: slackApi.apiUrl,
    STRIPE_SECRET_KEY: 'sk_test_abuse',
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
  });
  const services = createServices({ config, db: database, clock, log: createLogger('silent') });
  const platform = await assemblePlatform(services);
  const http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
  const url = await http.listen(0, '127.0.0.1');
  return { services, platform, http, url, slack: new SlackDriver(url, slackApi) };
}

/** Requests alternate between the two instances. */
const on = (i: number): Instance => instances[i % 2]!;

/** What an attempt may write; a refused one must leave all of it as it was. */
async function snapshot(): Promise<unknown> {
  const count = async (table: string) => Number((await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const tables = ['wish', 'wish_event', 'payment', 'notification', 'ledger_entry', 'wish_message'];
  const counts = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));
  const wishes = await db.prisma.$queryRawUnsafe<{ id: string; version: number }[]>('SELECT id, version FROM wish ORDER BY id');
  return { counts, wishes, stripeSessions: stripe.sessions.size };
}

let commentId = 9000;
function commentPayload(body: string, login: string, issue: number): Example {
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
  p.comment.id = ++commentId;
  p.comment.body = body;
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.sender.type = 'User';
  return p;
}

async function comment(instance: Instance, body: string, login: string, issue: number): Promise<number> {
  const payload = JSON.stringify(commentPayload(body, login, issue));
  const res = await fetch(`${instance.url}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(WEBHOOK_SECRET, payload), 'user-agent': 'GitHub-Hookshot/test' },
    body: payload,
  });
  await res.text();
  return res.status;
}

const repliesOn = (issue: number): string[] =>
  github.of('POST', new RegExp(`/issues/${issue}/comments$`)).map((c) => String(c.body?.body)).filter((b) => !b.includes(STATUS_MARKER));

/** An HTTP request from a chosen loopback address (127.0.0.1, 127.0.0.2…), as a browser would send it. */
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

/** Opens the wish page from `address` and posts its pledge form with `amount`. */
async function webPledge(instance: Instance, address: string, wish: string, amount: string, extra: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const page = await fromAddress(address, `${instance.url}/wishes/${wish}`, { headers: { accept: 'text/html', ...extra } });
  expect(page.status).toBe(200);
  const cookies = ((page.headers['set-cookie'] as string[] | undefined) ?? []).map((line) => line.split(';')[0]!).join('; ');
  const jar = new CookieJar(cookies);
  const body = new URLSearchParams({ _csrf: csrfFrom(page.body), amount }).toString();
  return fromAddress(address, `${instance.url}/wishes/${wish}/pledge`, {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'content-length': String(Buffer.byteLength(body)), ...extra },
    body,
  });
}

describe('rate limits through the front-ends, on two instances sharing one PostgreSQL', () => {
  beforeAll(async () => {
    github = await startFakeGithubApi();
    slackApi = await startFakeSlackApi();
    stripe = await startFakeStripe();
    db = await openTestDatabase('postgres');
    second = await openDatabase({ kind: 'postgres', url: db.url! });
    github.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', files: {}, permissions: {} });
    instances = [await startInstance(db), await startInstance(second)];
  }, 60_000);
  afterAll(async () => {
    for (const i of instances) {
      await i.http.close();
      for (const stop of [...i.platform.stops].reverse()) await stop();
    }
    await second?.close();
    await db?.close();
    await github?.close();
    await slackApi?.close();
    await stripe?.stop();
  });

  it('GitHub /wish: the 6th wish of one person in a minute is refused with when to try again and opens nothing; another person opens theirs', async () => {
    const limit = limitOf('wish', 'user');
    expect(limit).toBe(5);
    for (let n = 0; n < limit; n++) expect(await comment(on(n), '/wish', 'spammer', 101 + n)).toBe(200);
    expect((await db.prisma.wish.findMany({ where: { id: { startsWith: `${REPO}#` } } })).map((w) => w.id).sort()).toEqual([101, 102, 103, 104, 105].map((n) => `${REPO}#${n}`));

    const before = await snapshot();
    expect(await comment(on(limit), '/wish', 'spammer', 106)).toBe(200);
    expect(await snapshot()).toEqual(before);
    const [reply] = repliesOn(106);
    expect(reply).toContain('Too many wishes: one person can create at most 5 wishes in a minute. Nothing was recorded; try again in 55 seconds (after 10:01:00 UTC).');

    expect(await comment(on(1), '/wish', 'someone-else', 106)).toBe(200);
    expect(await db.prisma.wish.findUnique({ where: { id: `${REPO}#106` } })).toMatchObject({ status: 'open' });
  });

  it('Slack /upkeep pledge: the 11th pledge of one user in a minute is refused and records nothing; another user pledges', async () => {
    const limit = limitOf('pledge', 'user');
    for (let n = 0; n < limit; n++) {
      const r = await on(n).slack.command('T0ABUSE', 'UPLEDGER', `pledge ${REPO}#101 1`);
      expect(textOf(r)).not.toContain('Too many');
    }
    const before = await snapshot();
    const refused = await on(limit).slack.command('T0ABUSE', 'UPLEDGER', `pledge ${REPO}#101 1`);
    expect(textOf(refused)).toContain('Too many pledges: one person can create at most 10 pledges in a minute. Nothing was recorded; try again in 55 seconds');
    expect(await snapshot()).toEqual(before);

    const sessions = stripe.sessions.size;
    const other = await on(1).slack.command('T0ABUSE', 'UOTHER', `pledge ${REPO}#101 1`);
    expect(textOf(other)).not.toContain('Too many');
    expect(stripe.sessions.size).toBe(sessions + 1);
  });

  it('the wish page: the 11th pledge from one address in a minute is 429 with Retry-After and the message, nothing written; another address pledges', async () => {
    const limit = limitOf('pledge', 'address');
    const wish = `${REPO}/102`;
    for (let n = 0; n < limit; n++) {
      const r = await webPledge(on(n), '127.0.0.1', wish, '5');
      expect(r.status).toBe(303);
      expect(String(r.headers.location)).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    }
    const before = await snapshot();
    const refused = await webPledge(on(limit), '127.0.0.1', wish, '5');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('55');
    expect(refused.body).toContain('Too many pledges: one address can create at most 10 pledges in a minute. Nothing was recorded; try again in 55 seconds');
    expect(refused.body).not.toMatch(/at .*\.ts:\d+|stack/i);
    expect(await snapshot()).toEqual(before);

    const other = await webPledge(on(1), '127.0.0.2', wish, '5');
    expect(other.status).toBe(303);
  });

  it('Slack /upkeep billing: the 6th checkout link of one admin in a minute is refused, no Checkout Session opened; another admin gets theirs', async () => {
    expect(textOf(await on(0).slack.command('T0BILL', 'UADMIN', 'setup Abuse Corp'))).toContain('Abuse Corp');
    expect(textOf(await on(1).slack.command('T0OTHER', 'UADMIN2', 'setup Other Corp'))).toContain('Other Corp');
    const limit = limitOf('checkout', 'user');
    const setupCalls = () => stripe.callsTo('POST', '/v1/checkout/sessions').length;
    for (let n = 0; n < limit; n++) expect(textOf(await on(n).slack.command('T0BILL', 'UADMIN', 'billing'))).not.toContain('Too many');
    const calls = setupCalls();
    const before = await snapshot();
    const refused = await on(limit).slack.command('T0BILL', 'UADMIN', 'billing');
    expect(textOf(refused)).toContain('Too many payment links: one person can create at most 5 payment links in a minute. Nothing was recorded; try again in 55 seconds');
    expect(setupCalls()).toBe(calls);
    expect(await snapshot()).toEqual(before);

    expect(textOf(await on(1).slack.command('T0OTHER', 'UADMIN2', 'billing'))).not.toContain('Too many');
    expect(setupCalls()).toBe(calls + 1);
  });

  it('X-Forwarded-For is believed only from a configured proxy: behind it each client has its own limit, elsewhere a forged header changes nothing', async () => {
    expect(() => loadConfig({ UPKEEP_TRUSTED_PROXIES: 'everyone' })).toThrow(/UPKEEP_TRUSTED_PROXIES: must be comma-separated IP addresses or CIDRs/);
    const proxied = await startInstance(second, { UPKEEP_TRUSTED_PROXIES: '127.0.0.5, 10.0.0.0/8' });
    try {
      const limit = limitOf('pledge', 'address');
      const viaProxy = (client: string) => webPledge(proxied, '127.0.0.5', `${REPO}/103`, '5', { 'x-forwarded-for': client });
      for (let n = 0; n < limit; n++) expect((await viaProxy('198.51.100.7')).status).toBe(303);
      const before = await snapshot();
      expect((await viaProxy('198.51.100.7')).status).toBe(429);
      expect(await snapshot()).toEqual(before);
      expect((await viaProxy('198.51.100.8')).status).toBe(303);
      // Not from the proxy: the header is ignored, the connection's address is counted.
      for (let n = 0; n < limit; n++) expect((await webPledge(on(n), '127.0.0.6', `${REPO}/103`, '5', { 'x-forwarded-for': `203.0.113.${n}` })).status).toBe(303);
      expect((await webPledge(on(0), '127.0.0.6', `${REPO}/103`, '5', { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);
    } finally {
      await proxied.http.close();
      for (const stop of [...proxied.platform.stops].reverse()) await stop();
    }
  });

  it('a new window lets the same person and address go on, and the ledger still balances', async () => {
    now = new Date('2026-11-21T10:01:05Z');
    expect(await comment(on(0), '/wish', 'spammer', 107)).toBe(200);
    expect(await db.prisma.wish.findUnique({ where: { id: `${REPO}#107` } })).not.toBeNull();
    expect((await webPledge(on(1), '127.0.0.1', `${REPO}/102`, '5')).status).toBe(303);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  });
});
