// Reliability at the edge (issue 14): JSON nested thousands deep is refused with a clear 400
// before any parser or schema sees it (every route, Discord, Stripe, GitHub); Slack and Discord
// refuse timestamps more than five minutes from now in either direction; /healthz answers 503
// fast, naming the component that is down (a probe that never answers, Redis gone with ioredis
// holding commands); the admin close answers 503 at once when the queue is down; a client that
// dribbles its headers or body is cut off.
import { generateKeyPairSync } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { githubDeps } from '../app/github.ts';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics, operatorRoutes, paymentRoutes } from '../app/web.ts';
import { workerDeps } from '../app/worker.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { freshTimestamp, SIGNATURE_WINDOW_SECONDS } from '../edge/freshness.ts';
import { jsonBoundsProblem, MAX_JSON_DEPTH, readJson } from '../edge/json-guard.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, SERVER_TIMEOUTS, type HttpApp } from '../edge/server.ts';
import { startJobs, type JobRuntime } from '../worker/index.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { signHeaders, slash, startHarness, user, guildInteraction, type Harness } from './discord-support.ts';
import { newTriggerId, slackSignature, startFakeSlackApi, startSlackTestApp, type FakeSlackApi, type SlackTestApp } from './fakes/slack-api.ts';

const log = createLogger('silent');
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Just inside and just outside the five-minute window (10 s of margin either side of the edge). */
const INSIDE = 5 * 60 - 10;
const OUTSIDE = 5 * 60 + 10;

/** `levels` arrays nested in each other, as text (built without recursion). */
const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** The true nesting depth of a JSON value (arrays and objects). */
const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);

describe('the JSON guard', () => {
  it('measures nesting exactly as a parser would, whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, maxDepth) => {
        const text = JSON.stringify(value);
        const verdict = jsonBoundsProblem(Buffer.from(text, 'utf8'), { maxDepth });
        expect(verdict === null, `${text} at ${maxDepth}`).toBe(depthOf(value) <= maxDepth);
      }),
      { numRuns: 500 },
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '['.repeat(500), b: '\\"{{{{' + '{'.repeat(500), c: ['"', '\\'] });
    expect(jsonBoundsProblem(Buffer.from(text), { maxDepth: 2 })).toBeNull();
    expect(readJson(text, { maxDepth: 2 })).toMatchObject({ ok: true });
  });

  it('refuses deep, oversized and malformed bodies with their code, and reads the rest', () => {
    expect(readJson(nestedArrays(100_000))).toMatchObject({ ok: false, refusal: { code: 'json_too_deep' } });
    expect(readJson(nestedArrays(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    expect(readJson(nestedArrays(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, refusal: { code: 'json_too_deep' } });
    expect(readJson('{"a":1}', { maxBytes: 3 })).toMatchObject({ ok: false, refusal: { code: 'payload_too_large' } });
    expect(readJson('{"a":')).toMatchObject({ ok: false, refusal: { code: 'invalid_json' } });
    expect(readJson('{"a":[1,{"b":null}]}')).toEqual({ ok: true, value: { a: [1, { b: null }] } });
  });
});

describe('deep JSON on every route of the HTTP app', () => {
  let app: HttpApp;
  let base: string;
  beforeAll(async () => {
    app = createHttpApp({
      log,
      routes: [
        (scope) => {
          scope.post('/test/json', { schema: { body: z.unknown() } }, async (request) => ({ depth: depthOf(request.body) }));
        },
      ],
    });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });
  const post = async (body: string) => {
    const res = await fetch(`${base}/test/json`, { method: 'POST', body, headers: { 'content-type': 'application/json; charset=utf-8' } });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('refuses 10,000 levels with 400 json_too_deep before the route or its schema runs', async () => {
    const r = await post(nestedArrays(10_000));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('json_too_deep');
    expect(r.body.error.message).toContain(`more than ${MAX_JSON_DEPTH} levels`);
  });

  it('still parses what is within the bounds, and still refuses malformed JSON and prototype poisoning', async () => {
    expect(await post(nestedArrays(MAX_JSON_DEPTH))).toEqual({ status: 200, body: { depth: MAX_JSON_DEPTH } });
    expect(await post('{"a":{"b":[1,2]}}')).toEqual({ status: 200, body: { depth: 3 } });
    expect((await post('{"a":')).status).toBe(400);
    const poisoned = await post('{"__proto__":{"admin":true}}');
    expect(poisoned.status).toBe(400);
    expect(poisoned.body.error.code).toBe('bad_request');
  });
});

describe('deep JSON in signed webhooks', () => {
  let db: TestDatabase;
  let s: Services;
  let app: HttpApp;
  let base: string;
  let discord: Harness;
  const STRIPE_SECRET = 'whsec_deep_json';
  const GITHUB_SECRET = 'github-deep-json';
  const signer = new Stripe('sk_test_signer');

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const nowhere = 'http://127.0.0.1:9';
    const config = loadConfig({
      STRIPE_SECRET_KEY: 'sk_test_deep',
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      STRIPE_API_URL: nowhere,
      GITHUB_APP_ID: '123',
      GITHUB_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      GITHUB_API_URL: nowhere,
      PUBLIC_URL: 'http://upkeep.test',
      CURRENCY: 'EUR',
    });
    s = createServices({ config, db, clock: fixedClock('2026-11-02T00:00:00Z'), log });
    const github = await githubContribution(githubDeps(s, config.github!), { retries: false });
    app = createHttpApp({ log, routes: paymentRoutes(s), mounts: github.mounts ?? [] });
    base = await app.listen(0, '127.0.0.1');
    discord = await startHarness(db);
  }, 60_000);
  afterAll(async () => {
    await discord?.close();
    await app?.close();
    await db?.close();
  });

  const inboundRows = async (externalId: string) => db.prisma.inboundEvent.count({ where: { externalId } });

  it('Discord: a signed interaction with 7,000 nested option levels answers 400, and the next one is served', async () => {
    let options = '[]';
    for (let i = 0; i < 7_000; i++) options = `[{"name":"g${i % 10}","type":2,"options":${options}}]`;
    const interaction = guildInteraction(2, { id: '1', name: 'wish', type: 1, options: '@OPTIONS@' }, user('deep'));
    const body = JSON.stringify(interaction).replace('"@OPTIONS@"', options);
    const r = await discord.post(body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('json_too_deep');
    const ping = await discord.post({ type: 1, id: '2', application_id: '1', token: 't', version: 1 });
    expect(ping).toEqual({ status: 200, json: { type: 1 } });
  });

  it('Stripe: a signed event 100,000 levels deep answers 400 and is not recorded; a plain event still is', async () => {
    const payload = `{"id":"evt_deep","object":"event","type":"checkout.session.completed","data":{"object":{"id":"cs_deep","object":"checkout.session","metadata":{},"nested":${nestedArrays(100_000)}}}}`;
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
    const res = await fetch(`${base}/stripe/webhooks`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('json_too_deep');
    expect(await inboundRows('evt_deep')).toBe(0);

    const plain = JSON.stringify({ id: 'evt_plain', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } });
    const ok = await fetch(`${base}/stripe/webhooks`, { method: 'POST', body: plain, headers: { 'content-type': 'application/json', 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload: plain, secret: STRIPE_SECRET }) } });
    expect(ok.status).toBe(200);
    expect(await inboundRows('evt_plain')).toBe(1);
  });

  it('GitHub: a signed delivery 100,000 levels deep answers 400 and is not recorded', async () => {
    const body = `{"action":"created","zen":${nestedArrays(100_000)}}`;
    const res = await fetch(`${base}/github/webhooks`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(GITHUB_SECRET, body), 'x-github-event': 'ping', 'x-github-delivery': 'deep-delivery-1' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('json_too_deep');
    expect(await inboundRows('deep-delivery-1')).toBe(0);
  });
});

describe('the signature window', () => {
  it('accepts exactly the timestamps within five minutes of now, either way, and nothing that is not digits (property)', () => {
    const now = Date.UTC(2026, 11, 1, 12) + 123;
    fc.assert(
      fc.property(fc.integer({ min: -3 * SIGNATURE_WINDOW_SECONDS, max: 3 * SIGNATURE_WINDOW_SECONDS }), (offset) => {
        const stamp = Math.floor(now / 1000) + offset;
        expect(freshTimestamp(String(stamp), now)).toBe(Math.abs(stamp - now / 1000) <= SIGNATURE_WINDOW_SECONDS);
      }),
    );
    for (const bad of [undefined, '', 'soon', '-1', '1e9', ' 1764590400', '1764590400.5', '9'.repeat(13)]) expect(freshTimestamp(bad, now), String(bad)).toBe(false);
  });
});

describe('Slack timestamps: five minutes from now, either way', () => {
  let db: TestDatabase;
  let fake: FakeSlackApi;
  let t: SlackTestApp;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    fake = await startFakeSlackApi();
    t = await startSlackTestApp({ db, fake, clock: fixedClock('2026-11-20T12:00:00Z') });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await db?.close();
  });

  const setup = (team: string, name: string, offsetSeconds: number) => {
    const body = new URLSearchParams({ team_id: team, user_id: 'UADMIN', command: '/upkeep', text: `setup ${name}`, trigger_id: newTriggerId(), response_url: fake.responseUrl('x'), channel_id: 'C1' }).toString();
    return t.driver.post(body, 'application/x-www-form-urlencoded', slackSignature(body, undefined, nowSeconds() + offsetSeconds), false);
  };
  const companies = () => db.prisma.company.findMany({ select: { workspace: true, name: true }, orderBy: { workspace: 'asc' } });

  it.each([
    ['6 minutes in the future', 6 * 60],
    ['just outside, in the future', OUTSIDE],
    ['just outside, in the past', -OUTSIDE],
  ])('a request dated %s is refused with 401 and nothing is applied', async (_name, offset) => {
    const before = await companies();
    const r = await setup('TSTALE', 'Stale Corp', offset);
    expect(r.status).toBe(401);
    expect(await companies()).toEqual(before);
  });

  it.each([
    ['just inside, in the future', 'TFUTURE', INSIDE],
    ['just inside, in the past', 'TPAST', -INSIDE],
  ])('a request dated %s is served', async (_name, team, offset) => {
    const r = await setup(team, `Corp ${team}`, offset);
    expect(r.status).toBe(200);
    expect(await companies()).toContainEqual({ workspace: `slack:${team}`, name: `Corp ${team}` });
  });
});

describe('Discord timestamps: five minutes from now, either way', () => {
  let db: TestDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    h = await startHarness(db);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  const helpAt = (offsetSeconds: number) => {
    const interaction = guildInteraction(2, slash('help', []), user('timely'));
    const body = JSON.stringify(interaction);
    return h.post(body, signHeaders(h.keys.privateKey, body, String(nowSeconds() + offsetSeconds)));
  };

  it.each([
    ['just outside, in the future', OUTSIDE],
    ['just outside, in the past', -OUTSIDE],
    ['an hour ago', -3600],
  ])('an interaction signed %s is refused with 401', async (_name, offset) => {
    const before = await db.prisma.inboundEvent.count();
    const r = await helpAt(offset);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('stale_timestamp');
    expect(await db.prisma.inboundEvent.count()).toBe(before);
  });

  it.each([
    ['just inside, in the future', INSIDE],
    ['just inside, in the past', -INSIDE],
  ])('an interaction signed %s is answered', async (_name, offset) => {
    const r = await helpAt(offset);
    expect(r.status).toBe(200);
    expect(r.json.type).toBe(4);
  });

  it('a timestamp that is not a number is refused even when signed', async () => {
    const body = JSON.stringify({ type: 1, id: '3', application_id: '1', token: 't', version: 1 });
    const r = await h.post(body, signHeaders(h.keys.privateKey, body, 'soon'));
    expect(r.status).toBe(401);
  });
});

describe('health: a probe per component, each with its timeout', () => {
  it('a probe that never answers makes /healthz answer 503 within its timeout, naming it', async () => {
    const app = createHttpApp({
      log,
      probes: [
        { name: 'database', check: async () => {} },
        { name: 'queue', check: () => new Promise<void>(() => {}) },
        { name: 'search', check: async () => Promise.reject(new Error('down')) },
      ],
      probeTimeoutMs: 300,
    });
    const base = await app.listen(0, '127.0.0.1');
    try {
      // Without a timeout per probe this request never completes (the abort fails the test).
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, checks: { database: 'ok', queue: 'timeout', search: 'unavailable' }, down: ['queue', 'search'] });
    } finally {
      await app.close();
    }
  });

  describe('Redis going away under a running instance', () => {
    let db: TestDatabase;
    let s: Services;
    let jobs: JobRuntime;
    let app: HttpApp;
    let base: string;
    let proxy: RedisProxy;
    const ADMIN = 'admin-token-for-health';

    beforeAll(async () => {
      db = await openTestDatabase('pglite');
      proxy = await RedisProxy.start();
      const config = loadConfig({ UPKEEP_ADMIN_TOKEN: ADMIN, REDIS_URL: proxy.url, CURRENCY: 'EUR' });
      s = createServices({ config, db, clock: fixedClock('2026-11-02T00:00:00Z'), log });
      jobs = await startJobs(workerDeps(s), { redisUrl: proxy.url, databaseUrl: null, prefix: `health-${process.pid}-${Date.now()}` }, { workers: false });
      app = createHttpApp({ ...httpBasics(s, [jobs.probe]), routes: operatorRoutes(s, jobs) });
      base = await app.listen(0, '127.0.0.1');
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      // Back up, so the runtime can stop cleanly.
      await proxy?.open();
      await jobs?.stop();
      await proxy?.close();
      await db?.close();
    });

    const redisStatus = () => (jobs.backend.connection as Redis).status;
    const health = async () => {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const close = async () => {
      const res = await fetch(`${base}/admin/periods/2026-10/close`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, signal: AbortSignal.timeout(5_000) });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    };

    it('answers 200 while Redis answers', async () => {
      expect(await health()).toMatchObject({ status: 200, body: { ok: true, checks: { database: 'ok', queue: 'ok' } } });
    });

    it('answers /healthz 503 naming the queue, and the admin close 503, at once once Redis is gone', async () => {
      await proxy.shut();
      while (redisStatus() === 'ready') await new Promise((r) => setTimeout(r, 20));
      const h = await health();
      expect(h.status).toBe(503);
      expect(h.body).toMatchObject({ ok: false, checks: { database: 'ok', queue: 'unavailable' }, down: ['queue'] });
      const c = await close();
      expect(c.status).toBe(503);
      expect(c.body.error.code).toBe('queue_unavailable');
      expect(c.headers.get('retry-after')).toBe('30');
    });

    it('recovers by itself once Redis is back: health 200, the close enqueued', async () => {
      await proxy.open();
      while (redisStatus() !== 'ready') await new Promise((r) => setTimeout(r, 50));
      expect((await health()).status).toBe(200);
      const c = await close();
      expect(c.status).toBe(202);
      expect(c.body).toMatchObject({ period: '2026-10', job: { id: 'close-2026-10' } });
    });
  });
});

describe('slow clients are cut off', () => {
  let app: HttpApp;
  let port: number;
  beforeAll(async () => {
    app = createHttpApp({ log, timeouts: { headers: 300, request: 600, checkEvery: 50 } });
    const url = await app.listen(0, '127.0.0.1');
    port = Number(new URL(url).port);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Writes `head`, then one more piece every 100 ms for up to 10 s; what the server answered and whether it hung up first. */
  const dribble = (head: string, piece: string) =>
    new Promise<{ cutOff: boolean; answer: string }>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ cutOff: sent < 100, answer });
      });
      socket.write(head);
      timer = setInterval(() => {
        if (sent++ >= 100) {
          clearInterval(timer);
          socket.destroy();
        } else if (!socket.destroyed) socket.write(piece);
      }, 100);
    });

  it('a client sending its headers slowly gets 408 and the connection is closed', async () => {
    const r = await dribble('GET /healthz HTTP/1.1\r\nHost: upkeep.test\r\n', 'X-Slow: a\r\n');
    expect(r.cutOff).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);

  it('a client sending its body slowly gets 408 and the connection is closed', async () => {
    const r = await dribble('POST /healthz HTTP/1.1\r\nHost: upkeep.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', ' ');
    expect(r.cutOff).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);

  it('has timeouts a load balancer in front can rely on by default', async () => {
    const plain = createHttpApp({ log });
    try {
      expect(plain.server.headersTimeout).toBe(SERVER_TIMEOUTS.headers);
      expect(plain.server.requestTimeout).toBe(SERVER_TIMEOUTS.request);
      // Longer than the balancer's idle timeout (60 s on AWS ALB): the balancer closes idle connections first.
      expect(plain.server.keepAliveTimeout).toBeGreaterThan(60_000);
      expect(plain.server.timeout).toBeGreaterThan(plain.server.keepAliveTimeout);
    } finally {
      await plain.close();
    }
  });
});

/** A TCP proxy to the test Redis that can be shut (connections cut, port refusing) and opened again on the same port. */
class RedisProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private constructor(private port: number) {}

  static async start(): Promise<RedisProxy> {
    const proxy = new RedisProxy(0);
    await proxy.open();
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async shut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  async close(): Promise<void> {
    await this.shut();
  }
}
