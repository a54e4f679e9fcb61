import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { issueOperatorToken } from '../app/operator.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { httpBasics, webRoutes } from '../app/web.ts';
import { createServices, type Services } from '../app/services.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { seedCompany, seedRepository } from './seed.ts';

describe('public API and company receipts over HTTP', () => {
  let db: TestDatabase;
  let services: Services;
  let app: HttpApp;
  let base: string;
  let token: string;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const config = loadConfig({ UPKEEP_DATA_DIR: '/nonexistent' });
    services = createServices({ config, db, clock: fixedClock('2026-11-02T00:00:00Z'), log: createLogger('silent') });
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 100 }, new Date('2026-10-20T00:00:00Z'));
    await seedCompany(db.prisma, { name: 'Acme', budget: 100_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
    await seedCompany(db.prisma, { name: 'Globex', budget: 50_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
    await closePeriod({ ledger: services.ledger, clock: services.clock, period: '2026-10' as Period });
    token = (await issueOperatorToken(services, 'Acme')).token;
    app = createHttpApp({ ...httpBasics(services), routes: webRoutes(services) });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('answers /healthz once the database answers', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, checks: { database: 'ok' } });
  });

  it('shows public aggregates of a package, never who gave what', async () => {
    const res = await fetch(`${base}/api/v1/packages/npm%3Areact`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: 'npm:react',
      fundingCompanies: 2,
      monthlyTotal: { amount: 34_000 + 17_000, currency: 'EUR' },
      maintainers: ['alice'],
      active: true,
      warnings: ['single_maintainer'],
      lastPeriod: { period: '2026-10', total: { amount: 51_000, currency: 'EUR' }, fundingCompanies: 2 },
    });
    expect(JSON.stringify(body)).not.toMatch(/Acme|Globex/);
  });

  it.each([
    ['/api/v1/packages/react', 400, 'invalid_package'],
    ['/api/v1/packages/npm%3A', 400, 'invalid_package'],
    ['/api/v1/packages/%E0%A4%A', 400, 'invalid_path'],
    ['/api/v1/nothing', 404, 'not_found'],
  ])('refuses %s with %i %s', async (url, status, code) => {
    const res = await fetch(`${base}${url}`);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses an unsupported method with 405', async () => {
    const res = await fetch(`${base}/api/v1/packages/npm%3Areact`, { method: 'DELETE' });
    expect(res.status).toBe(405);
  });

  it('gives a company its own receipt as JSON', async () => {
    const res = await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      period: '2026-10',
      company: 'Acme',
      status: 'funded',
      total: { amount: 100_000, currency: 'EUR' },
      lines: [
        { package: 'npm:react', amount: 34_000, maintainers: [{ login: 'alice', amount: 34_000 }], escrow: 0 },
        { package: 'npm:svelte', amount: 33_000, maintainers: [], escrow: 33_000 },
        { package: 'npm:vue', amount: 33_000, maintainers: [], escrow: 33_000 },
      ],
    });
  });

  it('gives the receipt as CSV, one row per package and maintainer share', async () => {
    const res = await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await res.text()).trim().split('\n')).toEqual([
      'period,package,maintainer,amount,escrow,currency',
      '2026-10,npm:react,alice,34000,0,EUR',
      '2026-10,npm:svelte,,33000,33000,EUR',
      '2026-10,npm:vue,,33000,33000,EUR',
    ]);
  });

  it.each([
    [{}, 401, 'unauthorized'],
    [{ authorization: 'Bearer upk_not-a-real-token' }, 401, 'unauthorized'],
    [{ authorization: 'Basic abc' }, 401, 'unauthorized'],
  ])('refuses receipts without a valid token (%j)', async (headers, status, code) => {
    const res = await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const { error } = (await res.json()) as { error: { code: string; message: string; hint?: unknown } };
    expect(error.code).toBe(code);
    // Where to get a token, as grammar the client renders; no chat syntax in the message.
    expect(error.hint).toEqual({ surface: 'company', command: 'token' });
    expect(error.message).not.toMatch(/\/upkeep/);
  });

  it.each([
    ['', 400, 'invalid_period'],
    ['?period=2026-13', 400, 'invalid_period'],
    ['?period=2026-11', 409, 'period_not_closed'],
  ])('refuses receipts for %s', async (query, status, code) => {
    const res = await fetch(`${base}/api/v1/company/receipts${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('revokes the previous token when a new one is issued', async () => {
    const fresh = (await issueOperatorToken(services, 'Acme')).token;
    const old = await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Bearer ${token}` } });
    expect(old.status).toBe(401);
    const now = await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Bearer ${fresh}` } });
    expect(now.status).toBe(200);
    token = fresh;
  });
});

describe('configuration', () => {
  it.each([
    [{ PORT: 'abc' }, /PORT: must be a port number/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a URL/],
    [{ CURRENCY: 'EURO' }, /CURRENCY: must be an ISO 4217/],
    [{ DISCORD_PUBLIC_KEY: 'xyz', DISCORD_APPLICATION_ID: '1' }, /DISCORD_PUBLIC_KEY/],
    [{ GITHUB_APP_ID: '1' }, /GitHub is partly configured: set GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET/],
    [{ SLACK_SIGNING_SECRET: 's' }, /Slack needs SLACK_BOT_TOKEN/],
    [{ UPKEEP_ADMIN_TOKEN: 'short' }, /UPKEEP_ADMIN_TOKEN: must be at least 16/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('runs on the embedded default with nothing set, every adapter off', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, publicUrl: 'http://localhost:3000', currency: 'EUR', redisUrl: null, slack: null, discord: null, github: null, stripe: null });
    expect(c.database.kind).toBe('pglite');
  });
});

describe('npm start', () => {
  it('serves /healthz from embedded PGlite on a fresh data directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'upkeep-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', PORT: '0', UPKEEP_DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /serves (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, database: 'pglite' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
