// Discussion threads (CONTRACT §6), end to end: signed GitHub webhooks through the real Probot
// middleware, a real worker delivering through the real Discord REST client and the real
// Probot client to the recording fakes, and a real @discordjs/ws Gateway connection to the local
// fake Gateway. Assertions are on what the fakes received and on the outbox rows.
import { createRequire } from 'node:module';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { githubDeps } from '../app/github.ts';
import type { Services } from '../app/services.ts';
import { startWorker } from '../app/worker.ts';
import { startThreadGateway, type ThreadGateway, type ThreadGatewayDeps } from '../bots/discord/gateway/client.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { LeaseStore } from '../core/ports/leases.ts';
import { relayMarker } from '../core/use-cases/wishes/relay-rules.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { FakeDiscordGateway, GATEWAY_BOT_USER_ID } from '../dev/fakes/discord-gateway.ts';
import { APP_ID, BOT_TOKEN, CHANNEL_ID, ed25519 } from '../dev/fakes/discord-interactions.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import type { JobRuntime } from '../worker/index.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { eventually, testServices } from './worker-support.ts';

type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];
const SECRET = 'threads-webhook-secret';
const REPO = 'acme/widgets';
const WISH = 'acme/widgets#7' as WishId;
const GUILD = '700000000000000001';
const ADA = '800000000000000001'; // linked to GitHub as ada-gh
const BOB = '800000000000000002'; // not linked
const clock: Clock = { now: () => new Date('2026-11-05T09:00:00Z') };

let db: TestDatabase;
let github: FakeGithubApi;
let discord: FakeDiscord;
let gateway: FakeDiscordGateway;
let s: Services;
let jobs: JobRuntime;
let server: Server;
let base: string;
let thread: ThreadGateway | null = null;

const settled = () => eventually(async () => (await db.prisma.notification.count({ where: { status: 'pending' } })) === 0, 20_000, 'every notice delivered');
const threadId = () => [...discord.threads.values()].find((t) => t.parent_id === CHANNEL_ID)?.id as string | undefined;
const threadPosts = () => discord.channelMessages.get(threadId() ?? '-') ?? [];
const issueComments = () => [...github.comments.values()].filter((c) => c.repo === REPO && c.issue === 7);
// In the order of the Discord messages they show (deliveries to one issue may overtake each other).
const relayedComments = () => issueComments().filter((c) => c.body.startsWith('<!-- upkeep:discord-message:')).sort((a, b) => a.body.localeCompare(b.body));

function payload(action: 'created' | 'edited' | 'deleted', o: { id: number; body?: string; login?: string; type?: string; updated?: string }): Example {
  const group = EXAMPLES.find((d) => d.name === 'issue_comment')!;
  const p = structuredClone(group.examples.find((e) => e.action === action) ?? group.examples[0]!);
  p.action = action;
  p.installation = { id: 77, node_id: 'x' };
  Object.assign(p.repository, { full_name: REPO, name: 'widgets', default_branch: 'main' });
  p.repository.owner.login = 'acme';
  p.issue.number = 7;
  p.issue.title = 'Dark mode';
  delete p.issue.pull_request;
  Object.assign(p.comment, {
    id: o.id,
    body: o.body ?? 'text',
    created_at: '2026-11-05T08:00:00Z',
    updated_at: o.updated ?? '2026-11-05T08:00:00Z',
    html_url: `https://github.com/${REPO}/issues/7#issuecomment-${o.id}`,
  });
  p.comment.user.login = o.login ?? 'alice';
  p.comment.user.type = o.type ?? 'User';
  p.sender.login = o.login ?? 'alice';
  p.sender.type = o.type ?? 'User';
  return p;
}

async function deliver(p: Example, deliveryId: string = randomUUID()): Promise<number> {
  const body = JSON.stringify(p);
  const res = await fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': deliveryId, 'x-hub-signature-256': signWebhook(SECRET, body), 'user-agent': 'GitHub-Hookshot/test' },
    body,
  });
  await res.text();
  return res.status;
}

function messageCreate(id: string, author: { id: string; username: string; bot?: boolean }, content: string, channel = threadId()!): Record<string, unknown> {
  return {
    id,
    channel_id: channel,
    guild_id: GUILD,
    author: { id: author.id, username: author.username, global_name: null, discriminator: '0', avatar: null, ...(author.bot ? { bot: true } : {}) },
    content,
    timestamp: '2026-11-05T09:00:00.000000+00:00',
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
  };
}

function gatewayDeps(overrides: Partial<ThreadGatewayDeps> = {}): ThreadGatewayDeps {
  return {
    threads: s.threads,
    identityLinks: s.identityLinks,
    outbox: s.outbox,
    inbound: s.inbound,
    leases: s.leases,
    log: s.log,
    settings: { apiUrl: discord.url, botToken: BOT_TOKEN },
    leaseMs: 3_000,
    retryMs: 50,
    ...overrides,
  };
}

beforeAll(async () => {
  github = await startFakeGithubApi();
  github.addRepo(REPO, { installationId: 77, license: 'MIT' });
  discord = await new FakeDiscord(BOT_TOKEN).start();
  gateway = await new FakeDiscordGateway({ heartbeatMs: 250 }).start();
  discord.gatewayUrl = gateway.url;
  db = await openTestDatabase('postgres');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  s = testServices(
    db,
    {
      CURRENCY: 'EUR',
      PUBLIC_URL: 'http://upkeep.test',
      GITHUB_APP_ID: '123',
      GITHUB_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: github.url,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_PUBLIC_KEY: ed25519().publicKeyHex,
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_API_URL: discord.url,
    },
    clock,
  );
  const app = await githubContribution(githubDeps(s, s.config.github!), { retries: false });
  const mount = app.mounts![0]!;
  server = createServer((req, res) => void mount.listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  jobs = await startWorker(s, { workers: true, github: { retries: false } });
  await optInToQuote(s.repositories, REPO);
  await openWish({ ...s, clock, id: WISH, currency: 'EUR', title: 'Dark mode', description: 'Please.', requester: 'zoe' });
  await s.subscriptions.add({ platform: 'discord', channel: CHANNEL_ID, target: `repo:${REPO}`, companyId: null, createdBy: 'discord:1' });
  await s.identityLinks.savePending({ userRef: `discord:${ADA}`, pendingLogin: 'ada-gh', codeHash: 'h-ada', expiresAt: new Date('2026-12-01T00:00:00Z') });
  expect(await s.identityLinks.confirm({ userRef: `discord:${ADA}`, codeHash: 'h-ada', githubLogin: 'ada-gh', at: clock.now() })).toBe(true);
  await settled();
}, 60_000);

afterAll(async () => {
  await thread?.stop();
  await jobs?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await db?.close();
  await gateway?.stop();
  await discord?.stop();
  await github?.close();
});

describe('GitHub → Discord: issue comments in the wish thread', () => {
  it('relays a new comment once into a thread started for the wish (a redelivered webhook changes nothing)', async () => {
    const comment = payload('created', { id: 501, body: 'Could the dark mode follow the system setting?\n\n<!-- a note for nobody -->' });
    const delivery = randomUUID();
    expect(await deliver(comment, delivery)).toBe(200);
    expect(await deliver(comment, delivery)).toBe(200); // GitHub's redelivery: same delivery id
    expect(await deliver(comment)).toBe(200); // a manual redelivery gets a new id
    await settled();
    const threads = [...discord.threads.values()];
    expect(threads.map((t) => [t.parent_id, t.name])).toEqual([[CHANNEL_ID, 'acme/widgets#7 Dark mode']]);
    expect(threadPosts().map((m) => m.content)).toEqual([
      '**alice** commented on GitHub:\nCould the dark mode follow the system setting?\n-# [View the comment on GitHub](<https://github.com/acme/widgets/issues/7#issuecomment-501>)',
    ]);
    expect(discord.callsTo(new RegExp(`^/channels/${threadId()}/messages$`), 'POST')[0]!.body.allowed_mentions).toEqual({ parse: [] });
    // Nothing went to the channel itself: the thread holds the conversation.
    expect(discord.channelMessages.get(CHANNEL_ID) ?? []).toEqual([]);
    expect(await db.prisma.notification.count({ where: { key: { startsWith: 'thread:github:501:' } } })).toBe(1);
  });

  it('a second comment goes to the same thread; an edit updates its message; a deletion deletes it; bots are not relayed', async () => {
    await deliver(payload('created', { id: 502, body: 'Second thought', login: 'carol' }));
    await deliver(payload('created', { id: 503, body: 'status', login: 'upkeep[bot]', type: 'Bot' }));
    await settled();
    expect(discord.threads.size).toBe(1);
    expect(threadPosts().map((m) => m.content.split('\n')[1])).toEqual(['Could the dark mode follow the system setting?', 'Second thought']);
    const second = threadPosts()[1]!;
    discord.calls.length = 0;
    const edit = payload('edited', { id: 502, body: 'Second thought, revised', login: 'carol', updated: '2026-11-05T08:30:00Z' });
    await deliver(edit);
    await deliver(edit);
    await settled();
    expect(discord.callsTo(/\/messages$/, 'POST')).toHaveLength(0);
    expect(discord.callsTo(new RegExp(`/messages/${second.id}$`), 'PATCH')).toHaveLength(1);
    expect(second.content).toContain('**carol** commented on GitHub (edited):\nSecond thought, revised');
    await deliver(payload('deleted', { id: 502, login: 'carol' }));
    await deliver(payload('deleted', { id: 502, login: 'carol' }));
    await settled();
    expect(discord.callsTo(new RegExp(`/messages/${second.id}$`), 'DELETE')).toHaveLength(1);
    expect(threadPosts().map((m) => m.content.split('\n')[1])).toEqual(['Could the dark mode follow the system setting?']);
  });

  it('a long comment is shortened at a word, with an ellipsis and the link', async () => {
    const long = `${'word '.repeat(600)}END`;
    await deliver(payload('created', { id: 504, body: long, login: 'dora' }));
    await settled();
    const last = threadPosts().at(-1)!;
    expect(last.content.length).toBeLessThanOrEqual(2000);
    expect(last.content).not.toContain('END');
    expect(last.content).toMatch(/word…\n-# \[View the comment on GitHub\]/);
  });
});

describe('Discord → GitHub: thread messages on the issue, through the Gateway', () => {
  it('posts a thread message on the issue once, attributed (linked login or Discord name); bots and other channels are ignored; no echo', async () => {
    thread = startThreadGateway(gatewayDeps());
    await eventually(async () => gateway.sessions === 1 && thread!.connected(), 20_000, 'the Gateway session');
    expect(gateway.identifies.map((i) => i.token)).toEqual([BOT_TOKEN]);
    expect(gateway.identifies[0]!.intents & (1 << 9)).toBe(1 << 9); // GUILD_MESSAGES
    expect(gateway.identifies[0]!.intents & (1 << 15)).toBe(1 << 15); // MESSAGE_CONTENT
    const discordBefore = threadPosts().length;
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000001', { id: ADA, username: 'ada' }, 'I can review the spec tonight.'));
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000001', { id: ADA, username: 'ada' }, 'I can review the spec tonight.')); // the same dispatch twice
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000002', { id: BOB, username: 'bob' }, 'Does it cover **high contrast**?'));
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000003', { id: '800000000000000009', username: 'somebot', bot: true }, 'beep'));
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000004', { id: GATEWAY_BOT_USER_ID, username: 'upkeep' }, 'mine'));
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000005', { id: BOB, username: 'bob' }, 'elsewhere', CHANNEL_ID));
    await eventually(async () => relayedComments().length >= 2 && (await db.prisma.notification.count({ where: { status: 'pending' } })) === 0, 20_000, 'the relayed comments');
    await settled();
    const bodies = relayedComments().map((c) => c.body);
    expect(bodies).toEqual([
      `${relayMarker('910000000000000001')}\n@ada-gh wrote on Discord:\n\n> I can review the spec tonight.\n\n[View on Discord](https://discord.com/channels/${GUILD}/${threadId()}/910000000000000001)`,
      `${relayMarker('910000000000000002')}\n**bob** (Discord) wrote:\n\n> Does it cover **high contrast**?\n\n[View on Discord](https://discord.com/channels/${GUILD}/${threadId()}/910000000000000002)`,
    ]);
    expect(await db.prisma.notification.count({ where: { key: { startsWith: 'thread:discord:' } } })).toBe(2);

    // GitHub sends the webhooks of those comments back: neither reaches Discord (the App's own
    // comments are a bot's; a comment carrying the marker is never relayed either).
    for (const c of relayedComments()) {
      await deliver(payload('created', { id: c.id, body: c.body, login: 'upkeep-test[bot]', type: 'Bot' }));
      await deliver(payload('created', { id: c.id, body: c.body, login: 'someone', type: 'User' }));
    }
    await settled();
    expect(threadPosts()).toHaveLength(discordBefore);
    expect(await db.prisma.notification.count({ where: { platform: 'discord', key: { startsWith: `thread:github:${relayedComments()[0]!.id}:` } } })).toBe(0);
  });

  it('after a restart of the Gateway client (a new session), the same dispatch replayed changes nothing', async () => {
    await thread!.stop();
    expect(thread!.connected()).toBe(false);
    await eventually(async () => gateway.sessions === 0, 10_000, 'the old session closed');
    thread = startThreadGateway(gatewayDeps());
    await eventually(async () => gateway.sessions === 1 && thread!.connected(), 20_000, 'a new Gateway session');
    expect(gateway.identifies).toHaveLength(2);
    expect(gateway.resumes).toHaveLength(0);
    const rows = await db.prisma.notification.count();
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000001', { id: ADA, username: 'ada' }, 'I can review the spec tonight.'));
    // A fresh message after the replay, to know the replay was handled before it.
    gateway.dispatch('MESSAGE_CREATE', messageCreate('910000000000000006', { id: BOB, username: 'bob' }, 'Thanks!'));
    await eventually(async () => relayedComments().length === 3, 20_000, 'the fresh message on the issue');
    await settled();
    expect(relayedComments().map((c) => c.body.split('\n')[1])).toEqual(['@ada-gh wrote on Discord:', '**bob** (Discord) wrote:', '**bob** (Discord) wrote:']);
    expect(await db.prisma.notification.count()).toBe(rows + 1);
    // The replayed dispatch met the inbound log: one record per message event, however often it came.
    const inbound = await db.prisma.$queryRawUnsafe<{ external_id: string }[]>(`SELECT external_id FROM inbound_event WHERE source = 'discord-gateway' ORDER BY external_id`);
    expect(inbound.map((r) => r.external_id)).toEqual(['created:910000000000000001', 'created:910000000000000002', 'created:910000000000000006']);
  });

  it('a message edited in the thread updates its issue comment; a deleted one is marked deleted', async () => {
    const edited = { ...messageCreate('910000000000000006', { id: BOB, username: 'bob' }, 'Thanks a lot!'), edited_timestamp: '2026-11-05T09:05:00.000000+00:00' };
    gateway.dispatch('MESSAGE_UPDATE', edited);
    gateway.dispatch('MESSAGE_UPDATE', edited);
    await eventually(async () => relayedComments().some((c) => c.body.includes('> Thanks a lot!')), 20_000, 'the edit on the issue');
    gateway.dispatch('MESSAGE_DELETE', { id: '910000000000000002', channel_id: threadId(), guild_id: GUILD });
    await eventually(async () => relayedComments().some((c) => c.body.includes('_This message was deleted on Discord._')), 20_000, 'the deletion on the issue');
    await settled();
    expect(relayedComments()).toHaveLength(3);
    expect(relayedComments()[1]!.body).toBe(`${relayMarker('910000000000000002')}\n_This message was deleted on Discord._`);
  });
});

describe('exactly one process holds the Gateway connection', () => {
  it('a second holder does not connect while the first holds the lease, and takes over when it stops', async () => {
    await thread?.stop();
    thread = null;
    await eventually(async () => gateway.sessions === 0, 10_000, 'no session');
    const identifies = gateway.identifies.length;
    let secondTries = 0;
    const counted: LeaseStore = {
      acquire: async (...a) => {
        secondTries++;
        return s.leases.acquire(...a);
      },
      release: (...a) => s.leases.release(...a),
    };
    const first = startThreadGateway(gatewayDeps({ holder: 'first' }));
    await eventually(async () => first.connected() && gateway.sessions === 1, 20_000, 'the first holder connected');
    const second = startThreadGateway(gatewayDeps({ holder: 'second', leases: counted }));
    try {
      // The second tries again and again (every 50 ms) and is refused each time.
      await eventually(async () => secondTries >= 5, 20_000, 'the second holder retrying');
      expect(second.connected()).toBe(false);
      expect(gateway.sessions).toBe(1);
      expect(gateway.identifies.length).toBe(identifies + 1);
      expect((await db.prisma.$queryRawUnsafe<{ holder: string }[]>(`SELECT holder FROM lease WHERE name = 'discord-gateway'`)).map((r) => r.holder)).toEqual(['first']);
      await first.stop();
      await eventually(async () => second.connected() && gateway.sessions === 1, 20_000, 'the second holder took over');
      expect(gateway.identifies.length).toBe(identifies + 2);
    } finally {
      await first.stop();
      await second.stop();
    }
    expect(await db.prisma.$queryRawUnsafe<unknown[]>(`SELECT holder FROM lease`)).toEqual([]);
  });
});

describe('configuration', () => {
  it('DISCORD_GATEWAY is on or off, and on needs the Discord bot', () => {
    expect(loadConfig({}).discordGateway).toBe(false);
    expect(() => loadConfig({ DISCORD_GATEWAY: 'yes' })).toThrow(/DISCORD_GATEWAY: must be on or off/);
    expect(() => loadConfig({ DISCORD_GATEWAY: 'on' })).toThrow(/DISCORD_GATEWAY=on needs the Discord bot: set DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN too/);
    const on = loadConfig({ DISCORD_GATEWAY: 'on', DISCORD_APPLICATION_ID: APP_ID, DISCORD_PUBLIC_KEY: ed25519().publicKeyHex, DISCORD_BOT_TOKEN: BOT_TOKEN });
    expect(on.discordGateway).toBe(true);
  });
});
