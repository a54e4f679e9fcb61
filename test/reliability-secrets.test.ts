// Secrets (issue 14): the whole platform started with every secret set — Slack signing secret,
// bot token and OAuth client secret, the GitHub App's private key and webhook secret, GitHub's
// OAuth client secret, the Discord bot token, Stripe's keys, the admin token, the session secret —
// and a company API token it issues. Requests of every front-end are driven, accepted and refused
// (wrong signatures, wrong tokens, forged cookies, a provider that fails), with every log line
// at `trace` captured in a buffer through the production logger; no secret value appears in
// them, and the database holds the company token only as its hash.
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { assemblePlatform, type Platform } from '../app/platform.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics } from '../app/web.ts';
import { signWebhook } from '../bots/github/index.ts';
import { systemClock } from '../core/ports/clock.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { APP_ID, ed25519, signHeaders } from '../dev/fakes/discord-interactions.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { SlackDriver, textOf } from './fakes/slack-api.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { APP_TEAM, CookieJar, csrfFrom, freePort, signInEnv, signInGithub, signInSlack, startSignInFakes, type SignInFakes } from './web-support.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];

const secret = (name: string) => `${name}-${randomBytes(12).toString('hex')}`;
const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const discordKeys = ed25519();
const SECRETS = {
  SLACK_SIGNING_SECRET: secret('slack-signing'),
  SLACK_BOT_TOKEN: `xoxb-${randomBytes(12).toString('hex')}`,
  GITHUB_WEBHOOK_SECRET: secret('github-webhook'),
  DISCORD_BOT_TOKEN: secret('discord-bot'),
  STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString('hex')}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(12).toString('hex')}`,
  UPKEEP_ADMIN_TOKEN: secret('admin'),
  UPKEEP_SESSION_SECRET: secret('session-secret-32-characters-at-least'),
};
const REPO = 'acme/widgets';
const INSTALLATION = 4242;

/** Every log line the platform writes, as pino wrote it. */
const captured: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    captured.push(chunk.toString('utf8'));
    done();
  },
});

let db: TestDatabase;
let github: FakeGithubApi;
let stripe: FakeStripe;
let discord: FakeDiscord;
let fakes: SignInFakes;
let services: Services;
let platform: Platform;
let http: HttpApp;
let base: string;
let slack: SlackDriver;
let companyToken = '';
let installationToken = '';

beforeAll(async () => {
  github = await startFakeGithubApi();
  stripe = await startFakeStripe();
  discord = await new FakeDiscord(SECRETS.DISCORD_BOT_TOKEN).start();
  fakes = await startSignInFakes({ githubApi: github.url });
  db = await openTestDatabase('postgres');
  github.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', files: {}, permissions: {} });
  installationToken = `ghs_installation_${INSTALLATION}`;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...signInEnv(fakes),
    DATABASE_URL: db.url!,
    PORT: String(port),
    PUBLIC_URL: base,
    CURRENCY: 'EUR',
    LOG_LEVEL: 'trace',
    SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN,
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKeyPem,
    GITHUB_WEBHOOK_SECRET: SECRETS.GITHUB_WEBHOOK_SECRET,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: discordKeys.publicKeyHex,
    DISCORD_BOT_TOKEN: SECRETS.DISCORD_BOT_TOKEN,
    DISCORD_API_URL: discord.url,
    STRIPE_SECRET_KEY: SECRETS.STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: SECRETS.STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    UPKEEP_ADMIN_TOKEN: SECRETS.UPKEEP_ADMIN_TOKEN,
    UPKEEP_SESSION_SECRET: SECRETS.UPKEEP_SESSION_SECRET,
  });
  services = createServices({ config, db, clock: systemClock, log: createLogger(config.logLevel, sink) });
  platform = await assemblePlatform(services);
  http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
  await http.listen(port, '127.0.0.1');
  slack = new SlackDriver(base, fakes.slackApi, SECRETS.SLACK_SIGNING_SECRET);
}, 60_000);

afterAll(async () => {
  await http?.close();
  for (const stop of [...(platform?.stops ?? [])].reverse()) await stop();
  await db?.close();
  await github?.close();
  await stripe?.stop();
  await discord?.stop();
  await fakes?.close();
});

function commentPayload(body: string, login: string, issue: number): string {
  const p = structuredClone(EXAMPLES.find((d) => d.name === 'issue_comment')!.examples.find((e) => e.action === 'created')!);
  p.installation = { id: INSTALLATION, node_id: 'x' };
  Object.assign(p.repository, { full_name: REPO, name: 'widgets', default_branch: 'main' });
  p.repository.owner.login = 'acme';
  Object.assign(p.issue, { number: issue, title: 'Dark mode', body: 'Please.' });
  delete p.issue.pull_request;
  Object.assign(p.comment, { id: 7000 + issue, body });
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.sender.type = 'User';
  return JSON.stringify(p);
}

const githubDelivery = (body: string, signature: string) =>
  fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature, 'user-agent': 'GitHub-Hookshot/test' },
    body,
  });

const stripeSigner = new Stripe('sk_test_signer_only');

describe('secrets are never logged, tokens are stored hashed', () => {
  it('drives every front-end, accepted and refused requests, with all logs captured', async () => {
    // Slack: a company, its API token (shown once), and a request signed with another secret.
    expect(textOf(await slack.command(APP_TEAM, 'UADMIN', 'setup Acme Corp'))).toContain('Acme Corp');
    const token = textOf(await slack.command(APP_TEAM, 'UADMIN', 'token'));
    companyToken = /\(shown once\): (\S+)/.exec(token)?.[1] ?? '';
    expect(companyToken.length).toBeGreaterThan(20);
    expect((await new SlackDriver(base, fakes.slackApi, 'not-the-signing-secret').command(APP_TEAM, 'UADMIN', 'status')).status).toBe(401);
    expect(textOf(await slack.command(APP_TEAM, 'UADMIN', 'billing'))).toContain('checkout.stripe.test');

    // The company API with the token, a wrong one and a malformed header.
    expect((await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Bearer ${companyToken}` } })).status).toBeLessThan(500);
    expect((await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Bearer ${companyToken}x` } })).status).toBe(401);
    expect((await fetch(`${base}/api/v1/company/receipts?period=2026-10`, { headers: { authorization: `Basic ${SECRETS.UPKEEP_ADMIN_TOKEN}` } })).status).toBe(401);

    // Admin: the right token, then a wrong one.
    expect((await fetch(`${base}/admin/periods/2026-10/close`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.UPKEEP_ADMIN_TOKEN}` } })).status).toBeLessThan(500);
    expect([401, 404]).toContain((await fetch(`${base}/admin/periods/2026-10/close`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.UPKEEP_ADMIN_TOKEN}-wrong` } })).status);

    // GitHub: a signed `/wish` (the App fetches an installation token), then a tampered body.
    const body = commentPayload('/wish 5', 'carol', 7);
    expect((await githubDelivery(body, signWebhook(SECRETS.GITHUB_WEBHOOK_SECRET, body))).status).toBe(200);
    expect((await githubDelivery(body.replace('/wish 5', '/wish 9'), signWebhook(SECRETS.GITHUB_WEBHOOK_SECRET, body))).status).toBeGreaterThanOrEqual(400);
    expect(github.of('POST', /\/issues\/7\/comments$/).length).toBeGreaterThan(0);

    // Discord: a signed PING, a forged one.
    const ping = JSON.stringify({ type: 1, id: '1', application_id: APP_ID, token: 'interaction-token', version: 1 });
    const pong = await fetch(`${base}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(discordKeys.privateKey, ping) }, body: ping });
    expect(await pong.json()).toEqual({ type: 1 });
    const forged = await fetch(`${base}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(ed25519().privateKey, ping) }, body: ping });
    expect(forged.status).toBe(401);

    // Stripe: a signed event, one signed with the wrong secret.
    const event = JSON.stringify(stripe.event('customer.created', { id: 'cus_x', object: 'customer' }));
    const signed = stripeSigner.webhooks.generateTestHeaderString({ payload: event, secret: SECRETS.STRIPE_WEBHOOK_SECRET });
    expect((await fetch(`${base}/stripe/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signed }, body: event })).status).toBe(200);
    const wrong = stripeSigner.webhooks.generateTestHeaderString({ payload: event, secret: 'whsec_wrong' });
    expect((await fetch(`${base}/stripe/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': wrong }, body: event })).status).toBe(400);

    // The web: both sign-ins (client secrets exchanged server-side), a billing POST that Stripe
    // fails, and a forged session cookie.
    const maintainer = await signInGithub(base, fakes, 'carol');
    expect((await fetch(`${base}/account`, { headers: { cookie: maintainer } })).status).toBe(200);
    const admin = await signInSlack(base, fakes, { user: 'UADMIN', name: 'Ada' });
    const page = await fetch(`${base}/company`, { headers: { cookie: admin, accept: 'text/html' } });
    const html = await page.text();
    const jar = new CookieJar(admin).take(page);
    stripe.inject((method, path) => method === 'POST' && path.startsWith('/v1/checkout/sessions'), { kind: 'error', status: 500, error: { type: 'api_error', message: 'Stripe is down' } }, 2);
    const billing = await fetch(`${base}/company/billing`, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ _csrf: csrfFrom(html) }).toString() });
    expect(billing.status).toBeLessThan(600);
    const forgedCookie = jar.header().replace(/=([^;]{8})/, '=AAAAAAAA');
    expect((await fetch(`${base}/company`, { headers: { cookie: forgedCookie, accept: 'text/html' } })).status).toBeLessThan(500);

    // Let background work (the worker's deliveries) log what it logs.
    await new Promise((r) => setTimeout(r, 500));
    expect(captured.length).toBeGreaterThan(0);
  }, 60_000);

  it('no secret value, nor the company or installation token, appears in any log line', () => {
    const logs = captured.join('');
    const pemLines = privateKeyPem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
    const values: [string, string][] = [
      ...Object.entries(SECRETS),
      ['GITHUB_PRIVATE_KEY (a line of it)', pemLines[1]!],
      ['GITHUB_PRIVATE_KEY (another line)', pemLines[pemLines.length - 2]!],
      ['GITHUB_CLIENT_SECRET', fakes.github.clientSecret],
      ['SLACK_CLIENT_SECRET', fakes.slack.clientSecret],
      ['company API token', companyToken],
      ['GitHub installation token', installationToken],
    ];
    for (const [name, value] of values) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(logs.includes(value), `${name} appears in the logs`).toBe(false);
    }
  });

  it('the production logger redacts credentials wherever a log call carries them (headers, SDK request configs, token fields)', () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write: (c: Buffer, _e, done) => void (lines.push(c.toString('utf8')), done()) }));
    const bearer = `Bearer ${SECRETS.SLACK_BOT_TOKEN}`;
    log.warn({ headers: { authorization: bearer, cookie: `session=${SECRETS.UPKEEP_SESSION_SECRET}`, 'user-agent': 'kept' } }, 'outbound call failed');
    log.warn({ req: { method: 'POST', headers: { Authorization: bearer } } }, 'refused request');
    log.error({ err: Object.assign(new Error('request failed'), { config: { url: 'https://slack.com/api/chat.postMessage', headers: { Authorization: bearer } } }) }, 'slack call failed');
    log.error({ err: Object.assign(new Error('request failed'), { original: Object.assign(new Error('socket hang up'), { config: { headers: { Authorization: bearer } } }) }) }, 'wrapped SDK error');
    log.info({ installation: { botToken: SECRETS.SLACK_BOT_TOKEN, team: 'T1' }, token: SECRETS.DISCORD_BOT_TOKEN }, 'installation stored');
    const text = lines.join('');
    expect(lines).toHaveLength(5);
    for (const value of [SECRETS.SLACK_BOT_TOKEN, SECRETS.UPKEEP_SESSION_SECRET, SECRETS.DISCORD_BOT_TOKEN]) expect(text.includes(value)).toBe(false);
    // What is not a credential stays, and a redacted value still shows it was there.
    expect(text).toContain('"user-agent":"kept"');
    expect(text).toContain('https://slack.com/api/chat.postMessage');
    expect(text).toContain('"team":"T1"');
    expect(text.match(/\[redacted\]/g)?.length).toBe(7);
  });

  it('the database holds the company API token only as its SHA-256', async () => {
    const tables = await db.prisma.$queryRawUnsafe<{ table_name: string }[]>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    expect(tables.length).toBeGreaterThan(10);
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await db.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${table_name}" t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump.includes(companyToken)).toBe(false);
    expect(dump.includes(createHash('sha256').update(companyToken).digest('hex'))).toBe(true);
    for (const [name, value] of Object.entries(SECRETS)) expect(dump.includes(value), `${name} is stored`).toBe(false);
  });
});
