// The whole platform for the authenticity and hostile-input suites (issue 14): every adapter
// configured with the providers' published test secrets (Slack's documentation example, GitHub's
// "It's a Secret to Everybody", the RFC 8032 TEST 2 Ed25519 key as the Discord application key),
// on a fresh PostgreSQL database against the local fakes, plus signers for each provider, a row
// count of every table and a check that an error body is a clear one.
import { createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '../app/config.ts';
import { assemblePlatform, type Platform } from '../app/platform.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics } from '../app/web.ts';
import { signWebhook } from '../bots/github/index.ts';
import { systemClock } from '../core/ports/clock.ts';
import { needsCleaning } from '../core/text.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../dev/fakes/slack-api.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { freePort } from './web-support.ts';

/** Slack's worked example in "Verifying requests from Slack" (api.slack.com/authentication/verifying-requests-from-slack). */
export const SLACK_VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
} as const;

/** GitHub's "Testing the webhook payload validation" in "Validating webhook deliveries". */
export const GITHUB_VECTOR = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
} as const;

/** RFC 8032 §7.1, TEST 1..3 (Ed25519): secret key (seed), public key, message, signature, all hex. */
export const RFC8032 = [
  {
    name: 'TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
] as const;

/** The Ed25519 private key of an RFC 8032 vector (seed and public key, as a JWK). */
export function rfc8032PrivateKey(v: (typeof RFC8032)[number]): KeyObject {
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64(v.seed), x: b64(v.publicKey) }, format: 'jwk' });
}

/** The Discord application key of the platform: RFC 8032 TEST 2, so its published signature reaches the route. */
export const DISCORD_VECTOR = RFC8032[1];
export const DISCORD_APP_ID = '1300000000000000001';
export const STRIPE_WEBHOOK_SECRET = 'whsec_authenticity_matrix_0123456789';
export const ADMIN_TOKEN = 'admin-token-for-hostile-input';
/** The workspace of the single-workspace bot token (the fake's auth.test answer). */
export const SLACK_TEAM = 'T0FAKE';
export const REPO = 'acme/widgets';
export const INSTALLATION = 4242;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function slackHeaders(body: string, { secret = SLACK_VECTOR.secret, timestamp = String(nowSeconds()) }: { secret?: string; timestamp?: string } = {}): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': timestamp };
}

export function discordHeaders(body: string, { key = rfc8032PrivateKey(DISCORD_VECTOR), timestamp = String(nowSeconds()) }: { key?: KeyObject; timestamp?: string } = {}): Record<string, string> {
  return { 'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'), 'x-signature-timestamp': timestamp };
}

let deliveries = 0;
export function githubHeaders(body: string, event: string, { secret = GITHUB_VECTOR.secret, delivery = `delivery-${process.pid}-${++deliveries}-${Date.now()}` }: { secret?: string; delivery?: string } = {}): Record<string, string> {
  return { 'x-hub-signature-256': signWebhook(secret, body), 'x-github-event': event, 'x-github-delivery': delivery, 'user-agent': 'GitHub-Hookshot/test' };
}

/** `v1` (or another scheme) HMAC-SHA256 of `t.payload`, as the Stripe docs describe the Stripe-Signature header. */
export function stripeSignature(payload: string, timestamp: number, secret = STRIPE_WEBHOOK_SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
}

export function stripeHeaders(payload: string, { timestamp = nowSeconds(), secret = STRIPE_WEBHOOK_SECRET }: { timestamp?: number; secret?: string } = {}): Record<string, string> {
  return { 'stripe-signature': `t=${timestamp},v1=${stripeSignature(payload, timestamp, secret)}` };
}

export interface Answer {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Why an error body is not a clear error (null when it is): JSON `{error:{code,message}}`, or empty (Bolt's 401), never a stack or a path. */
export function unclearError(text: string, { emptyAllowed = false }: { emptyAllowed?: boolean } = {}): string | null {
  if (/\n\s+at |node_modules|\.ts:\d+|\.js:\d+|Error: /.test(text)) return `leaks internals: ${text.slice(0, 200)}`;
  if (text === '') return emptyAllowed ? null : 'empty body';
  let parsed: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    parsed = JSON.parse(text);
  } catch {
    // Pages answer HTML refusals (the web pledge form): a page is clear when it is HTML.
    return /^<!doctype html>/i.test(text) ? null : `not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof parsed?.error?.code !== 'string' || typeof parsed?.error?.message !== 'string' || parsed.error.message === '') return `no error code and message: ${text.slice(0, 200)}`;
  return null;
}

export interface HostilePlatform {
  db: TestDatabase;
  services: Services;
  base: string;
  slackApi: FakeSlackApi;
  github: FakeGithubApi;
  discord: FakeDiscord;
  stripe: FakeStripe;
  post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer>;
  /** Every line logged at `error` since the start (a handler that failed behind an acknowledgement shows here). */
  errors: string[];
  /** Rows in every application table (the queue's tables live in their own schema). */
  rowCounts(): Promise<Record<string, number>>;
  /** Every text of every application table that PostgreSQL would refuse or that cleaning would change: [table, excerpt]. */
  uncleanText(): Promise<[string, string][]>;
  close(): Promise<void>;
}

/** The platform with every adapter on, the published secrets and the fakes; `env` adds variables. */
export async function startHostilePlatform(env: Record<string, string> = {}): Promise<HostilePlatform> {
  const slackApi = await startFakeSlackApi();
  const github = await startFakeGithubApi();
  const discord = await new FakeDiscord('discord-bot-token').start();
  const stripe = await startFakeStripe();
  const db = await openTestDatabase('postgres');
  github.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', files: {}, permissions: { maint: 'admin' } });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: db.url!,
    PORT: String(port),
    PUBLIC_URL: base,
    CURRENCY: 'EUR',
    LOG_LEVEL: 'silent',
    UPKEEP_ADMIN_TOKEN: ADMIN_TOKEN,
    SLACK_SIGNING_SECRET: SLACK_VECTOR.secret,
    SLACK_BOT_TOKEN: 'xoxb-hostile',
    SLACK_API_URL: slackApi.apiUrl,
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: GITHUB_VECTOR.secret,
    GITHUB_API_URL: github.url,
    DISCORD_APPLICATION_ID: DISCORD_APP_ID,
    DISCORD_PUBLIC_KEY: DISCORD_VECTOR.publicKey,
    DISCORD_BOT_TOKEN: 'discord-bot-token',
    DISCORD_API_URL: discord.url,
    STRIPE_SECRET_KEY: 'sk_test_hostile',
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    ...env,
  });
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      errors.push(chunk.toString('utf8'));
      done();
    },
  });
  const services = createServices({ config, db, clock: systemClock, log: createLogger('error', sink) });
  let platform: Platform | null = null;
  let http: HttpApp | null = null;
  const close = async () => {
    await http?.close();
    for (const stop of [...(platform?.stops ?? [])].reverse()) await stop();
    await db.close();
    await slackApi.close();
    await github.close();
    await discord.stop();
    await stripe.stop();
  };
  try {
    platform = await assemblePlatform(services);
    http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
    await http.listen(port, '127.0.0.1');
  } catch (e) {
    await close();
    throw e;
  }
  const tables = (
    await db.prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
    )
  ).map((r) => r.table_name);

  return {
    db,
    services,
    base,
    slackApi,
    github,
    discord,
    stripe,
    errors,
    async post(path, body, headers) {
      const res = await fetch(`${base}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers, redirect: 'manual' });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: res.status, text, json };
    },
    async rowCounts() {
      const sql = tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}"`).join(' UNION ALL ');
      const rows = await db.prisma.$queryRawUnsafe<{ t: string; n: number }[]>(sql);
      return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
    },
    async uncleanText() {
      const found: [string, string][] = [];
      for (const t of tables) {
        const rows = await db.prisma.$queryRawUnsafe<{ j: string }[]>(`SELECT row_to_json(x)::text AS j FROM "${t}" x`);
        for (const { j } of rows) {
          // Every string of the row, decoded (jsonb columns included): none may hold what cleaning removes.
          const stack: unknown[] = [JSON.parse(j)];
          while (stack.length > 0) {
            const v = stack.pop();
            if (typeof v === 'string') {
              if (needsCleaning(v)) found.push([t, j.slice(0, 200)]);
              if (/^[[{]/.test(v)) stack.push(parsedOrNull(v));
            } else if (v !== null && typeof v === 'object') stack.push(...Object.keys(v), ...Object.values(v));
          }
        }
      }
      return found;
    },
    close,
  };
}

const parsedOrNull = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};
