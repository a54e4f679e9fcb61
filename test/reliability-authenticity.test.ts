// Authenticity (issue 14): the providers' published test vectors through the code that verifies
// them (Bolt's verifier for Slack, Upkeep's HMAC for GitHub, Upkeep's Ed25519 key import and
// check for Discord, the Stripe SDK beside Upkeep's own window), then the full matrix through
// the real HTTP routes of the whole platform: fresh, tampered, wrong secret, missing, short and
// garbage headers, timestamps just inside and just outside the five minutes in both directions.
// Every verdict must be the right one; a refused request gets its 401/400 with a clear error
// body and writes nothing (every application table counted before and after); never a 5xx.
import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { verifySlackRequest } from '@slack/bolt';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../bots/github/index.ts';
import { discordPublicKey, verifyInteraction } from '../bots/discord/verify.ts';
import {
  DISCORD_APP_ID,
  DISCORD_VECTOR,
  discordHeaders,
  GITHUB_VECTOR,
  githubHeaders,
  nowSeconds,
  RFC8032,
  rfc8032PrivateKey,
  SLACK_TEAM,
  SLACK_VECTOR,
  slackHeaders,
  startHostilePlatform,
  STRIPE_WEBHOOK_SECRET,
  stripeHeaders,
  stripeSignature,
  unclearError,
  type Answer,
  type HostilePlatform,
} from './hostile-support.ts';

/** Just inside and just outside the five-minute window (10 s of margin either side of the edge). */
const INSIDE = 5 * 60 - 10;
const OUTSIDE = 5 * 60 + 10;
const signer = new Stripe('sk_test_signer');

let p: HostilePlatform;
beforeAll(async () => {
  p = await startHostilePlatform();
}, 60_000);
afterAll(async () => {
  await p?.close();
});

/** POSTs and checks that a refusal changed no table and reads as a clear error. */
async function refused(path: string, body: string, headers: Record<string, string>, { emptyAllowed = false } = {}): Promise<Answer> {
  const before = await p.rowCounts();
  const answer = await p.post(path, body, headers);
  expect(await p.rowCounts(), `rows after ${answer.status} ${answer.text}`).toEqual(before);
  expect(unclearError(answer.text, { emptyAllowed })).toBeNull();
  return answer;
}

describe('published test vectors, through the verifier Upkeep relies on', () => {
  it('Slack: Bolt verifies the documentation example at its own time, refuses it tampered, and refuses it today as stale', () => {
    // The test signer is Slack's scheme: it reproduces the published signature.
    expect(slackHeaders(SLACK_VECTOR.body, { timestamp: SLACK_VECTOR.timestamp })['x-slack-signature']).toBe(SLACK_VECTOR.signature);
    const at = (body: string, nowMilliseconds?: number) => () =>
      verifySlackRequest({
        signingSecret: SLACK_VECTOR.secret,
        body,
        headers: { 'x-slack-signature': SLACK_VECTOR.signature, 'x-slack-request-timestamp': Number(SLACK_VECTOR.timestamp) },
        ...(nowMilliseconds !== undefined ? { nowMilliseconds } : {}),
      });
    expect(at(SLACK_VECTOR.body, Number(SLACK_VECTOR.timestamp) * 1000)).not.toThrow();
    expect(at(SLACK_VECTOR.body.replace('roadrunner', 'roadrunnex'), Number(SLACK_VECTOR.timestamp) * 1000)).toThrow(/signature mismatch/);
    expect(at(SLACK_VECTOR.body)).toThrow(/stale/);
  });

  it('Slack: the route refuses the example as stale (401 stale_timestamp) and writes nothing', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': SLACK_VECTOR.signature, 'x-slack-request-timestamp': SLACK_VECTOR.timestamp };
    const r = await refused('/slack/events', SLACK_VECTOR.body, headers);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('stale_timestamp');
  });

  it('GitHub: Upkeep\'s signer and Probot\'s verifier both give the published signature; one byte more or less does not', async () => {
    expect(signWebhook(GITHUB_VECTOR.secret, GITHUB_VECTOR.payload)).toBe(GITHUB_VECTOR.signature);
    expect(await verifyGithub(GITHUB_VECTOR.secret, GITHUB_VECTOR.payload, GITHUB_VECTOR.signature)).toBe(true);
    expect(signWebhook(GITHUB_VECTOR.secret, 'Hello, World?')).not.toBe(GITHUB_VECTOR.signature);
    expect(await verifyGithub(GITHUB_VECTOR.secret, 'Hello, World?', GITHUB_VECTOR.signature)).toBe(false);
  });

  it('GitHub: the route accepts the published signature (then refuses the body as not JSON, 400) and refuses it on another body (401)', async () => {
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': GITHUB_VECTOR.signature, 'x-github-event': 'ping', 'x-github-delivery': 'vector-delivery-1' };
    const past = await refused('/github/webhooks', GITHUB_VECTOR.payload, headers);
    expect(past.status).toBe(400);
    expect(past.json.error.code).toBe('invalid_json');
    const other = await refused('/github/webhooks', 'Hello, World?', { ...headers, 'x-github-delivery': 'vector-delivery-2' });
    expect(other.status).toBe(401);
    expect(other.json.error.code).toBe('invalid_signature');
  });

  it.each(RFC8032)('Discord: RFC 8032 $name verifies with the key imported as Upkeep imports the application key, and not once altered', (v) => {
    const key = discordPublicKey(v.publicKey);
    const message = Buffer.from(v.message, 'hex');
    const signature = Buffer.from(v.signature, 'hex');
    expect(verify(null, message, key, signature)).toBe(true);
    const flipped = Buffer.from(signature);
    flipped[0] = flipped[0]! ^ 1;
    expect(verify(null, message, key, flipped)).toBe(false);
    expect(verify(null, Buffer.concat([message, Buffer.from([0])]), key, signature)).toBe(false);
    // The signature is reproduced from the secret key: the vector is Ed25519 as Node computes it.
    expect(rfc8032PrivateKey(v).export({ format: 'jwk' }).x).toBe(Buffer.from(v.publicKey, 'hex').toString('base64url'));
  });

  it('Discord: TEST 2 ("r") through verifyInteraction as timestamp "r" and an empty body; the other vectors\' signatures do not verify under its key', () => {
    const key = discordPublicKey(DISCORD_VECTOR.publicKey);
    expect(verifyInteraction(key, DISCORD_VECTOR.signature, 'r', Buffer.alloc(0))).toBe(true);
    expect(verifyInteraction(key, DISCORD_VECTOR.signature.toUpperCase(), 'r', Buffer.alloc(0))).toBe(true); // hex is hex
    expect(verifyInteraction(key, DISCORD_VECTOR.signature, 's', Buffer.alloc(0))).toBe(false);
    expect(verifyInteraction(key, DISCORD_VECTOR.signature, 'r', Buffer.from(' '))).toBe(false);
    for (const other of [RFC8032[0], RFC8032[2]]) expect(verifyInteraction(key, other.signature, 'r', Buffer.alloc(0))).toBe(false);
  });

  it('Discord: the route verifies TEST 2\'s published signature, then refuses "r" as a timestamp (401 stale_timestamp); tampered, 401 invalid_signature', async () => {
    const headers = { 'content-type': 'application/json', 'x-signature-ed25519': DISCORD_VECTOR.signature, 'x-signature-timestamp': 'r' };
    const stale = await refused('/discord/interactions', '', headers);
    expect(stale.status).toBe(401);
    expect(stale.json.error.code).toBe('stale_timestamp');
    const tampered = await refused('/discord/interactions', '{}', headers);
    expect(tampered.status).toBe(401);
    expect(tampered.json.error.code).toBe('invalid_signature');
  });

  it('Stripe (no published vector): a header built by hand as the docs describe equals the SDK\'s, and the SDK alone accepts one dated an hour ahead', () => {
    const payload = JSON.stringify({ id: 'evt_vector', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } });
    const t = 1_700_000_000;
    expect(stripeHeaders(payload, { timestamp: t })['stripe-signature']).toBe(signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET, timestamp: t }));
    expect(signer.webhooks.constructEvent(payload, stripeHeaders(payload, { timestamp: t })['stripe-signature']!, STRIPE_WEBHOOK_SECRET, 0).id).toBe('evt_vector');
    expect(() => signer.webhooks.constructEvent(payload, stripeHeaders(payload, { timestamp: t })['stripe-signature']!, STRIPE_WEBHOOK_SECRET)).toThrow(/tolerance/);
    // Why the route checks the date itself: the SDK has no bound on the future.
    const ahead = nowSeconds() + 3600;
    expect(signer.webhooks.constructEvent(payload, stripeHeaders(payload, { timestamp: ahead })['stripe-signature']!, STRIPE_WEBHOOK_SECRET).id).toBe('evt_vector');
  });
});

// ---------------------------------------------------------------------------------------------
// The live matrix: one row per request, through the real routes.

interface Request {
  body: string;
  headers: Record<string, string>;
}

interface Row {
  name: string;
  build: () => Request;
  /** Accepted: the 2xx the route answers. Refused: its status and (when it says one) code. */
  expect: { accepted: true } | { status: number; code?: string; emptyAllowed?: boolean };
}

const without = (headers: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k)));
const other = () => generateKeyPairSync('ed25519').privateKey;
let seq = 0;
const unique = () => `${Date.now()}${++seq}`;

// Slack: `/upkeep help` in the bot token's workspace (answers help, writes nothing).
const slackBody = () =>
  new URLSearchParams({ team_id: SLACK_TEAM, team_domain: 'fake', channel_id: 'C1', user_id: 'UAUTH', user_name: 'auth', command: '/upkeep', text: 'help', trigger_id: `${unique()}.1.t`, response_url: 'http://127.0.0.1:9/respond' }).toString();
const slackForm = { 'content-type': 'application/x-www-form-urlencoded' };
const slackSigned = (mutate: (body: string, h: Record<string, string>) => Request = (body, h) => ({ body, headers: h }), opts: Parameters<typeof slackHeaders>[1] = {}) => () => {
  const body = slackBody();
  return mutate(body, { ...slackForm, ...slackHeaders(body, opts) });
};
const withSlackSig = (sig: (valid: string) => string) => slackSigned((body, h) => ({ body, headers: { ...h, 'x-slack-signature': sig(h['x-slack-signature']!) } }));
const slackAt = (offset: number) => slackSigned(undefined, { timestamp: String(nowSeconds() + offset) });
const slackRefused = { status: 401, emptyAllowed: true } as const; // Bolt's empty 401
const slackStale = { status: 401, code: 'stale_timestamp' } as const;

const SLACK: Row[] = [
  { name: 'signed now', build: slackSigned(), expect: { accepted: true } },
  { name: `dated ${INSIDE} s ago`, build: slackAt(-INSIDE), expect: { accepted: true } },
  { name: `dated ${INSIDE} s ahead`, build: slackAt(INSIDE), expect: { accepted: true } },
  { name: `dated ${OUTSIDE} s ago`, build: slackAt(-OUTSIDE), expect: slackStale },
  { name: `dated ${OUTSIDE} s ahead`, build: slackAt(OUTSIDE), expect: slackStale },
  { name: 'dated a day ago', build: slackAt(-86_400), expect: slackStale },
  { name: 'dated a day ahead', build: slackAt(86_400), expect: slackStale },
  { name: 'body tampered after signing', build: slackSigned((body, h) => ({ body: body.replace('text=help', 'text=setup+Evil'), headers: h })), expect: slackRefused },
  { name: 'one byte appended to the body', build: slackSigned((body, h) => ({ body: `${body}&`, headers: h })), expect: slackRefused },
  { name: 'signed with another secret', build: slackSigned(undefined, { secret: 'another-signing-secret-0000000000' }), expect: slackRefused },
  { name: 'timestamp changed after signing (1 s)', build: slackSigned((body, h) => ({ body, headers: { ...h, 'x-slack-request-timestamp': String(Number(h['x-slack-request-timestamp']) + 1) } })), expect: slackRefused },
  { name: 'no signature header', build: slackSigned((body, h) => ({ body, headers: without(h, 'x-slack-signature') })), expect: slackRefused },
  { name: 'no timestamp header', build: slackSigned((body, h) => ({ body, headers: without(h, 'x-slack-request-timestamp') })), expect: slackRefused },
  { name: 'neither header', build: slackSigned((body, h) => ({ body, headers: without(h, 'x-slack-signature', 'x-slack-request-timestamp') })), expect: slackRefused },
  { name: 'an empty signature', build: withSlackSig(() => ''), expect: slackRefused },
  { name: 'a short signature (v0=abc)', build: withSlackSig(() => 'v0=abc'), expect: slackRefused },
  { name: 'the signature less its last digit', build: withSlackSig((s) => s.slice(0, -1)), expect: slackRefused },
  { name: 'the signature in upper case', build: withSlackSig((s) => `v0=${s.slice(3).toUpperCase()}`), expect: slackRefused },
  { name: 'the right digest under v1=', build: withSlackSig((s) => `v1=${s.slice(3)}`), expect: slackRefused },
  { name: 'the right digest without v0=', build: withSlackSig((s) => s.slice(3)), expect: slackRefused },
  { name: 'garbage as the signature', build: withSlackSig(() => 'not a signature at all'), expect: slackRefused },
  { name: 'garbage timestamp "soon"', build: slackSigned(undefined, { timestamp: 'soon' }), expect: slackStale },
  { name: 'an empty timestamp', build: slackSigned(undefined, { timestamp: '' }), expect: { status: 401 } },
  { name: 'a negative timestamp', build: slackSigned(undefined, { timestamp: '-1' }), expect: slackStale },
  { name: 'a timestamp in exponent form', build: slackSigned(undefined, { timestamp: `${(nowSeconds() / 1e9).toFixed(9)}e9` }), expect: slackStale },
  { name: 'a fractional timestamp', build: slackSigned(undefined, { timestamp: `${nowSeconds()}.5` }), expect: slackStale },
  { name: 'a 13-digit timestamp (milliseconds)', build: slackSigned(undefined, { timestamp: String(Date.now()) }), expect: slackStale },
  { name: 'the documentation example\'s timestamp, signed', build: slackSigned(undefined, { timestamp: SLACK_VECTOR.timestamp }), expect: slackStale },
];

// Discord: a PING (answered PONG, writes nothing).
const ping = () => JSON.stringify({ type: 1, id: unique(), application_id: DISCORD_APP_ID, token: 't', version: 1 });
const discordJson = { 'content-type': 'application/json' };
const discordSigned = (mutate: (body: string, h: Record<string, string>) => Request = (body, h) => ({ body, headers: h }), opts: Parameters<typeof discordHeaders>[1] = {}) => () => {
  const body = ping();
  return mutate(body, { ...discordJson, ...discordHeaders(body, opts) });
};
const withDiscordSig = (sig: (valid: string) => string) => discordSigned((body, h) => ({ body, headers: { ...h, 'x-signature-ed25519': sig(h['x-signature-ed25519']!) } }));
const discordAt = (offset: number) => discordSigned(undefined, { timestamp: String(nowSeconds() + offset) });
const badSignature = { status: 401, code: 'invalid_signature' } as const;
const discordStale = { status: 401, code: 'stale_timestamp' } as const;

const DISCORD: Row[] = [
  { name: 'signed now', build: discordSigned(), expect: { accepted: true } },
  { name: `dated ${INSIDE} s ago`, build: discordAt(-INSIDE), expect: { accepted: true } },
  { name: `dated ${INSIDE} s ahead`, build: discordAt(INSIDE), expect: { accepted: true } },
  { name: `dated ${OUTSIDE} s ago`, build: discordAt(-OUTSIDE), expect: discordStale },
  { name: `dated ${OUTSIDE} s ahead`, build: discordAt(OUTSIDE), expect: discordStale },
  { name: 'dated a day ago', build: discordAt(-86_400), expect: discordStale },
  { name: 'dated a day ahead', build: discordAt(86_400), expect: discordStale },
  { name: 'body tampered after signing', build: discordSigned((body, h) => ({ body: body.replace('"type":1', '"type":2'), headers: h })), expect: badSignature },
  { name: 'one byte appended to the body', build: discordSigned((body, h) => ({ body: `${body} `, headers: h })), expect: badSignature },
  { name: 'signed with another key', build: discordSigned(undefined, { key: other() }), expect: badSignature },
  { name: 'timestamp changed after signing (1 s)', build: discordSigned((body, h) => ({ body, headers: { ...h, 'x-signature-timestamp': String(Number(h['x-signature-timestamp']) + 1) } })), expect: badSignature },
  { name: 'no signature header', build: discordSigned((body, h) => ({ body, headers: without(h, 'x-signature-ed25519') })), expect: badSignature },
  { name: 'no timestamp header', build: discordSigned((body, h) => ({ body, headers: without(h, 'x-signature-timestamp') })), expect: badSignature },
  { name: 'neither header', build: discordSigned((body, h) => ({ body, headers: without(h, 'x-signature-ed25519', 'x-signature-timestamp') })), expect: badSignature },
  { name: 'an empty signature', build: withDiscordSig(() => ''), expect: badSignature },
  { name: 'a short signature (32 bytes)', build: withDiscordSig((s) => s.slice(0, 64)), expect: badSignature },
  { name: 'the signature less its last digit', build: withDiscordSig((s) => s.slice(0, -1)), expect: badSignature },
  { name: 'the signature and one more byte', build: withDiscordSig((s) => `${s}00`), expect: badSignature },
  { name: '128 characters that are not hex', build: withDiscordSig(() => 'z'.repeat(128)), expect: badSignature },
  { name: 'an all-zero signature', build: withDiscordSig(() => '0'.repeat(128)), expect: badSignature },
  { name: 'the signature with one bit flipped', build: withDiscordSig((s) => (parseInt(s[0]!, 16) ^ 1).toString(16) + s.slice(1)), expect: badSignature },
  { name: 'the signature as base64', build: withDiscordSig((s) => Buffer.from(s, 'hex').toString('base64')), expect: badSignature },
  { name: 'garbage timestamp "soon", signed', build: discordSigned(undefined, { timestamp: 'soon' }), expect: discordStale },
  { name: 'a negative timestamp, signed', build: discordSigned(undefined, { timestamp: '-1' }), expect: discordStale },
  { name: 'a fractional timestamp, signed', build: discordSigned(undefined, { timestamp: `${nowSeconds()}.5` }), expect: discordStale },
  { name: 'a 13-digit timestamp (milliseconds), signed', build: discordSigned(undefined, { timestamp: String(Date.now()) }), expect: discordStale },
];

// GitHub: a ping delivery (acknowledged; its delivery id is recorded).
const githubPing = () => JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: Number(unique().slice(-9)), hook: { type: 'App', id: 1, events: ['issues'] } });
const githubJson = { 'content-type': 'application/json' };
const githubSigned = (mutate: (body: string, h: Record<string, string>) => Request = (body, h) => ({ body, headers: h }), secret: string = GITHUB_VECTOR.secret) => () => {
  const body = githubPing();
  return mutate(body, { ...githubJson, ...githubHeaders(body, 'ping', { secret }) });
};
const withGithubSig = (sig: (valid: string) => string) => githubSigned((body, h) => ({ body, headers: { ...h, 'x-hub-signature-256': sig(h['x-hub-signature-256']!) } }));

const GITHUB: Row[] = [
  { name: 'signed', build: githubSigned(), expect: { accepted: true } },
  { name: 'body tampered after signing', build: githubSigned((body, h) => ({ body: body.replace('awesome', 'awful'), headers: h })), expect: badSignature },
  { name: 'one byte appended to the body', build: githubSigned((body, h) => ({ body: `${body}\n`, headers: h })), expect: badSignature },
  { name: 'signed with another secret', build: githubSigned(undefined, 'another webhook secret'), expect: badSignature },
  { name: 'no signature header', build: githubSigned((body, h) => ({ body, headers: without(h, 'x-hub-signature-256') })), expect: badSignature },
  {
    name: 'only the legacy SHA-1 header (X-Hub-Signature), correct',
    build: githubSigned((body, h) => ({ body, headers: { ...without(h, 'x-hub-signature-256'), 'x-hub-signature': `sha1=${createHmac('sha1', GITHUB_VECTOR.secret).update(body).digest('hex')}` } })),
    expect: badSignature,
  },
  { name: 'an empty signature', build: withGithubSig(() => ''), expect: badSignature },
  { name: 'sha256= and nothing', build: withGithubSig(() => 'sha256='), expect: badSignature },
  { name: 'a short signature', build: withGithubSig((s) => s.slice(0, 20)), expect: badSignature },
  { name: 'the signature less its last digit', build: withGithubSig((s) => s.slice(0, -1)), expect: badSignature },
  { name: 'the signature in upper case', build: withGithubSig((s) => `sha256=${s.slice(7).toUpperCase()}`), expect: badSignature },
  { name: 'the right digest without sha256=', build: withGithubSig((s) => s.slice(7)), expect: badSignature },
  { name: 'the right digest under sha1=', build: withGithubSig((s) => `sha1=${s.slice(7)}`), expect: badSignature },
  { name: 'the signature of an empty body', build: withGithubSig(() => signWebhook(GITHUB_VECTOR.secret, '')), expect: badSignature },
  { name: 'garbage as the signature', build: withGithubSig(() => 'garbage'), expect: badSignature },
  { name: 'a multi-byte signature of the right length', build: withGithubSig((s) => `sha256=${'é'.repeat(32)}`.padEnd(s.length, 'x')), expect: badSignature },
  { name: 'signed, without X-GitHub-Event', build: githubSigned((body, h) => ({ body, headers: without(h, 'x-github-event') })), expect: { status: 400, code: 'missing_headers' } },
  { name: 'signed, without X-GitHub-Delivery', build: githubSigned((body, h) => ({ body, headers: without(h, 'x-github-delivery') })), expect: { status: 400, code: 'missing_headers' } },
];

// Stripe: an event Upkeep ignores (acknowledged and recorded by id).
const stripeEvent = () => JSON.stringify({ id: `evt_auth_${unique()}`, object: 'event', type: 'customer.created', created: nowSeconds(), data: { object: { id: `cus_${unique()}`, object: 'customer' } } });
const stripeJson = { 'content-type': 'application/json' };
const stripeWith = (header: (payload: string, t: number) => string | null, mutateBody: (payload: string) => string = (b) => b) => () => {
  const payload = stripeEvent();
  const h = header(payload, nowSeconds());
  return { body: mutateBody(payload), headers: { ...stripeJson, ...(h === null ? {} : { 'stripe-signature': h }) } };
};
const v1 = (payload: string, t: number, secret?: string) => stripeSignature(payload, t, secret);
const stripeAt = (offset: number) => stripeWith((b, t) => `t=${t + offset},v1=${v1(b, t + offset)}`);
const stripeBad = { status: 400, code: 'invalid_signature' } as const;

const STRIPE: Row[] = [
  { name: 'the SDK\'s test header', build: stripeWith((payload) => signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_WEBHOOK_SECRET })), expect: { accepted: true } },
  { name: 't=…,v1=… by hand', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t)}`), expect: { accepted: true } },
  { name: 'two v1, the right one second (secret rotation)', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t, 'whsec_old')},v1=${v1(b, t)}`), expect: { accepted: true } },
  { name: 'two v1, the right one first', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t)},v1=${'0'.repeat(64)}`), expect: { accepted: true } },
  { name: 'v1 and a v0 beside it', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t)},v0=${'1'.repeat(64)}`), expect: { accepted: true } },
  { name: `dated ${INSIDE} s ago`, build: stripeAt(-INSIDE), expect: { accepted: true } },
  { name: `dated ${INSIDE} s ahead`, build: stripeAt(INSIDE), expect: { accepted: true } },
  { name: `dated ${OUTSIDE} s ago`, build: stripeAt(-OUTSIDE), expect: stripeBad },
  { name: `dated ${OUTSIDE} s ahead`, build: stripeAt(OUTSIDE), expect: stripeBad },
  { name: 'dated a day ago', build: stripeAt(-86_400), expect: stripeBad },
  { name: 'dated a day ahead', build: stripeAt(86_400), expect: stripeBad },
  { name: 'a fresh t= put before a header signed an hour ahead', build: stripeWith((b, t) => `t=${t},t=${t + 3600},v1=${v1(b, t + 3600)}`), expect: stripeBad },
  { name: 'body tampered after signing', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t)}`, (b) => b.replace('customer.created', 'customer.deleted')), expect: stripeBad },
  { name: 'signed with another secret', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t, 'whsec_someone_else')}`), expect: stripeBad },
  { name: 'two v1, both wrong', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t, 'whsec_a')},v1=${v1(b, t, 'whsec_b')}`), expect: stripeBad },
  { name: 'the right digest under v0 only', build: stripeWith((b, t) => `t=${t},v0=${v1(b, t)}`), expect: stripeBad },
  { name: 'the right digest signed for another time', build: stripeWith((b, t) => `t=${t - 1},v1=${v1(b, t)}`), expect: stripeBad },
  { name: 'no t=', build: stripeWith((b, t) => `v1=${v1(b, t)}`), expect: stripeBad },
  { name: 'no v1=', build: stripeWith((_b, t) => `t=${t}`), expect: stripeBad },
  { name: 't= and v1= empty', build: stripeWith(() => 't=,v1='), expect: stripeBad },
  { name: 'a t= that is not a number', build: stripeWith((b, t) => `t=soon,v1=${v1(b, t)}`), expect: stripeBad },
  { name: 'a short v1', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t).slice(0, 10)}`), expect: stripeBad },
  { name: 'the digest in upper case', build: stripeWith((b, t) => `t=${t},v1=${v1(b, t).toUpperCase()}`), expect: stripeBad },
  { name: 'garbage', build: stripeWith(() => 'garbage'), expect: stripeBad },
  { name: 'Slack\'s scheme instead', build: stripeWith((b) => slackHeaders(b)['x-slack-signature']!), expect: stripeBad },
  { name: 'an empty header', build: stripeWith(() => ''), expect: { status: 400, code: 'missing_signature' } },
  { name: 'no header', build: stripeWith(() => null), expect: { status: 400, code: 'missing_signature' } },
];

const PROVIDERS = [
  ['Slack', '/slack/events', SLACK],
  ['Discord', '/discord/interactions', DISCORD],
  ['GitHub', '/github/webhooks', GITHUB],
  ['Stripe', '/stripe/webhooks', STRIPE],
] as const;

describe.each(PROVIDERS)('%s: the authenticity matrix through the route', (_provider, path, rows) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const { body, headers } = row.build();
    if ('accepted' in row.expect) {
      const r = await p.post(path, body, headers);
      expect(r.status, r.text).toBeGreaterThanOrEqual(200);
      expect(r.status, r.text).toBeLessThan(300);
      return;
    }
    const r = await refused(path, body, headers, { emptyAllowed: row.expect.emptyAllowed ?? false });
    expect(r.status, r.text).toBe(row.expect.status);
    if (row.expect.code) expect(r.json?.error?.code, r.text).toBe(row.expect.code);
  });
});

describe('what an accepted request does', () => {
  it('Slack help answers, Discord PING gets PONG, a GitHub delivery and a Stripe event are recorded once', async () => {
    const slack = slackSigned()();
    const s = await p.post('/slack/events', slack.body, slack.headers);
    expect(s.status).toBe(200);
    expect(s.text).toMatch(/upkeep/i);
    const d = discordSigned()();
    expect(await p.post('/discord/interactions', d.body, d.headers)).toMatchObject({ status: 200, json: { type: 1 } });
    const g = githubSigned()();
    const delivery = g.headers['x-github-delivery']!;
    expect((await p.post('/github/webhooks', g.body, g.headers)).status).toBe(200);
    expect(await p.db.prisma.inboundEvent.count({ where: { externalId: delivery } })).toBe(1);
    const e = stripeWith((b, t) => `t=${t},v1=${v1(b, t)}`)();
    const id = (JSON.parse(e.body) as { id: string }).id;
    expect((await p.post('/stripe/webhooks', e.body, e.headers)).json).toMatchObject({ received: true, duplicate: false });
    expect(await p.db.prisma.inboundEvent.count({ where: { externalId: id } })).toBe(1);
  });
});

describe('the log', () => {
  it('holds no error: every refusal above was an expected answer, not a failure', () => {
    expect(p.errors).toEqual([]);
  });
});
