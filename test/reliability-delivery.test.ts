// Notification delivery effectively exactly-once (issue 14). A delivery can die after the
// platform accepted the message and before the row says delivered; the retry must find that
// message instead of posting a second. Every attempt is recorded before it posts, Slack
// messages carry the notification's key in their metadata (looked up in the channel's history
// on a retry), Discord messages a nonce with `enforce_nonce`, GitHub comments a marker.
//
// First through `deliverNotification` with the real deliverers (Slack's WebClient, Discord's
// REST client, Probot) against the recording fakes, the answer lost on the way; then with real
// `npm run worker` processes on PostgreSQL and Redis, SIGKILLed before the post reached the
// fake, after the fake stored it, and after the worker had the answer but before it could mark
// the row delivered. Each time: exactly one message, and the row delivered with its reference.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/services.ts';
import { deliverersFor, queueTarget, workerDeps } from '../app/worker.ts';
import { STATUS_MARKER } from '../bots/github/render.ts';
import { NOTICE_METADATA_EVENT } from '../bots/slack/deliverer.ts';
import { messageNonce } from '../bots/discord/deliverer.ts';
import { systemClock } from '../core/ports/clock.ts';
import type { Deliverers } from '../core/ports/deliverers.ts';
import type { Notice } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../dev/fakes/slack-api.ts';
import { createLogger } from '../edge/logger.ts';
import { openQueueBackend } from '../worker/backend.ts';
import { deliverNotification } from '../worker/notifications.ts';
import { createJobRuntime, type JobRuntime } from '../worker/runtime.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { DISCORD_BOT_TOKEN, eventually, testServices } from './worker-support.ts';

const SLACK_TOKEN = 'xoxb-delivery-test';
const log = createLogger('silent');

interface RowState {
  status: string;
  attempts: number;
  sending_since: Date | null;
  message_channel: string | null;
  message_id: string | null;
}

const rowOf = async (db: TestDatabase, id: string): Promise<RowState> => {
  const [row] = await db.prisma.$queryRawUnsafe<RowState[]>('SELECT status, attempts, sending_since, message_channel, message_id FROM notification WHERE id = $1', BigInt(id));
  return row!;
};

/** A funded notice for `target`'s followers: one row per subscribed channel. */
const funded = (name: string, target: string): Notice => ({ key: `test:${name}:funded`, target, kind: 'wish_funded', text: `${name} is funded`, data: {} });

/** Subscribes `channel` to a target of its own, records one notice for it, returns the row id. */
async function recordFor(s: Services, db: TestDatabase, platform: 'slack' | 'discord', channel: string, name: string): Promise<string> {
  const target = `repo:acme/${name}`;
  await s.subscriptions.add({ platform, channel, target, companyId: null, createdBy: 'test' });
  const notice = funded(name, target);
  await s.outbox.enqueue([notice]);
  const [row] = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>('SELECT id FROM notification WHERE key = $1', `${notice.key}|${platform}:${channel}`);
  return String(row!.id);
}

describe('a delivery whose answer was lost is found again, not repeated (deliverNotification)', () => {
  let db: TestDatabase;
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let github: FakeGithubApi;
  let s: Services;
  let deliverers: Deliverers;
  const deliver = (id: string, attempt: number) => deliverNotification({ notifications: s.notifications, id, deliverers, log, attempt });

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    slack = await startFakeSlackApi();
    discord = await new FakeDiscord(DISCORD_BOT_TOKEN).start();
    github = await startFakeGithubApi();
    github.addRepo('acme/ui', { installationId: 31, license: 'MIT' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    s = testServices(db, {
      PUBLIC_URL: 'http://upkeep.test',
      SLACK_SIGNING_SECRET: 'slack-signing-secret',
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_APPLICATION_ID: '1100000000000000001',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_BOT_TOKEN,
      DISCORD_API_URL: discord.url,
      GITHUB_APP_ID: '123',
      GITHUB_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: 'delivery-secret',
      GITHUB_API_URL: github.url,
    });
    deliverers = deliverersFor(s, { github: { retries: false } });
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await slack?.close();
    await discord?.stop();
    await github?.close();
  });

  it('a first attempt posts once with the key in its metadata, reads no history, and keeps the message on the row', async () => {
    const id = await recordFor(s, db, 'slack', 'T1/C100', 'plain');
    expect(await deliver(id, 1)).toEqual({ delivered: true });
    const [message] = slack.messagesIn('C100');
    expect(slack.messagesIn('C100')).toHaveLength(1);
    expect(message!.metadata).toEqual({ event_type: NOTICE_METADATA_EVENT, event_payload: { key: 'test:plain:funded|slack:T1/C100' } });
    expect(slack.of('conversations.history')).toHaveLength(0);
    expect(await rowOf(db, id)).toMatchObject({ status: 'delivered', attempts: 1, message_channel: 'C100', message_id: message!.ts });
  });

  it('Slack stored the message and the answer was lost: the retry finds it in the history and posts nothing', async () => {
    const id = await recordFor(s, db, 'slack', 'T1/C101', 'lost');
    const hold = slack.hold('chat.postMessage', 'after');
    void hold.reached.then(() => hold.drop());
    await expect(deliver(id, 1)).rejects.toThrow();
    expect(slack.messagesIn('C101')).toHaveLength(1);
    const afterFirst = await rowOf(db, id);
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, message_id: null });
    expect(afterFirst.sending_since).not.toBeNull();

    expect(await deliver(id, 2)).toEqual({ delivered: true });
    const messages = slack.messagesIn('C101');
    expect(messages).toHaveLength(1);
    expect(slack.of('chat.postMessage').filter((c) => c.params.channel === 'C101')).toHaveLength(1);
    expect(await rowOf(db, id)).toMatchObject({ status: 'delivered', message_channel: 'C101', message_id: messages[0]!.ts });
    // The history was read with every message's metadata, from before the first attempt began.
    const [lookup] = slack.of('conversations.history').filter((c) => c.params.channel === 'C101');
    expect(lookup!.params.include_all_metadata).toBe('true');
    expect(Number(lookup!.params.oldest) * 1000).toBeLessThan(afterFirst.sending_since!.getTime());
    // A third run of the job (delivered) sends nothing either.
    expect(await deliver(id, 3)).toEqual({ delivered: false, reason: 'already delivered' });
    expect(slack.messagesIn('C101')).toHaveLength(1);
  });

  it('the request never reached Slack: the retry finds nothing and posts once', async () => {
    const id = await recordFor(s, db, 'slack', 'T1/C102', 'unsent');
    const hold = slack.hold('chat.postMessage', 'before');
    void hold.reached.then(() => hold.drop());
    await expect(deliver(id, 1)).rejects.toThrow();
    expect(slack.messagesIn('C102')).toHaveLength(0);
    expect(await deliver(id, 2)).toEqual({ delivered: true });
    const messages = slack.messagesIn('C102');
    expect(messages).toHaveLength(1);
    expect(slack.of('conversations.history').filter((c) => c.params.channel === 'C102')).toHaveLength(1);
    expect(await rowOf(db, id)).toMatchObject({ status: 'delivered', message_id: messages[0]!.ts });
  });

  it('a direct message is found in the conversation with the person (conversations.open)', async () => {
    const notice: Notice = { key: 'test:dm:budget', target: 'direct:slack:T1/U777', kind: 'month_end_summary', text: 'Your budget was not charged', data: {} };
    await s.outbox.enqueue([notice]);
    const [row] = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>('SELECT id FROM notification WHERE key = $1', `${notice.key}|slack:T1/U777`);
    const id = String(row!.id);
    const hold = slack.hold('chat.postMessage', 'after');
    void hold.reached.then(() => hold.drop());
    await expect(deliver(id, 1)).rejects.toThrow();
    expect(await deliver(id, 2)).toEqual({ delivered: true });
    expect(slack.messagesIn('U777')).toHaveLength(1);
    expect(slack.of('conversations.open').map((c) => c.params.users)).toEqual(['U777']);
    expect(await rowOf(db, id)).toMatchObject({ status: 'delivered', message_channel: 'D777', message_id: slack.messagesIn('U777')[0]!.ts });
  });

  it('a found message of a notice that shows its subject as it is now is brought up to date (chat.update)', async () => {
    const target = 'repo:acme/current';
    await s.subscriptions.add({ platform: 'slack', channel: 'T1/C104', target, companyId: null, createdBy: 'test' });
    const notice: Notice = { key: 'test:current:status', target, kind: 'wish_status', text: 'acme/current#1 is quoted', data: {} };
    await s.outbox.enqueue([notice]);
    const [row] = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>('SELECT id FROM notification WHERE key = $1', `${notice.key}|slack:T1/C104`);
    const hold = slack.hold('chat.postMessage', 'after', (c) => c.params.channel === 'C104');
    void hold.reached.then(() => hold.drop());
    await expect(deliver(String(row!.id), 1)).rejects.toThrow();
    expect(await deliver(String(row!.id), 2)).toMatchObject({ delivered: true });
    const [message] = slack.messagesIn('C104');
    expect(slack.messagesIn('C104')).toHaveLength(1);
    expect(slack.of('chat.update').map((c) => [c.params.channel, c.params.ts])).toEqual([['C104', message!.ts]]);
    expect(message!.edited).toBeDefined();
    expect(await rowOf(db, String(row!.id))).toMatchObject({ status: 'delivered', message_id: message!.ts });
  });

  it('an installation that may not read the history still gets its notice (posted again: at least once, as before)', async () => {
    const id = await recordFor(s, db, 'slack', 'T1/C103', 'noscope');
    slack.on('conversations.history', () => ({ ok: false, error: 'missing_scope', needed: 'channels:history' }));
    try {
      const hold = slack.hold('chat.postMessage', 'after');
      void hold.reached.then(() => hold.drop());
      await expect(deliver(id, 1)).rejects.toThrow();
      expect(await deliver(id, 2)).toEqual({ delivered: true });
      expect(slack.messagesIn('C103')).toHaveLength(2);
      expect((await rowOf(db, id)).status).toBe('delivered');
    } finally {
      slack.on('conversations.history', () => undefined);
    }
  });

  it('Discord created the message and the answer was lost: the retry, with the same nonce, gets that message back', async () => {
    const id = await recordFor(s, db, 'discord', '4100', 'discord-lost');
    const hold = discord.hold((m, p) => m === 'POST' && p === '/channels/4100/messages', 'after');
    void hold.reached.then(() => hold.drop());
    await expect(deliver(id, 1)).rejects.toThrow();
    expect(discord.channelMessages.get('4100')).toHaveLength(1);
    expect(await deliver(id, 2)).toEqual({ delivered: true });
    const messages = discord.channelMessages.get('4100')!;
    expect(messages).toHaveLength(1);
    const posts = discord.callsTo(/^\/channels\/4100\/messages$/, 'POST');
    expect(posts).toHaveLength(2);
    const nonce = messageNonce('test:discord-lost:funded|discord:4100');
    expect(posts.map((c) => [c.body.nonce, c.body.enforce_nonce])).toEqual([
      [nonce, true],
      [nonce, true],
    ]);
    expect(nonce).toHaveLength(25);
    expect(await rowOf(db, id)).toMatchObject({ status: 'delivered', message_channel: '4100', message_id: messages[0]!.id });
  });

  it("GitHub: a status comment posted by a sync that died before remembering it is found by its marker and edited, not posted twice", async () => {
    const wish = 'acme/ui#5' as WishId;
    await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: systemClock, currency: 'EUR', id: wish, title: 'Print styles', description: '', requester: 'carol' });
    // What the dead attempt left on the issue: its comment, and no comment id on the wish.
    github.comments.set(990_001, { id: 990_001, repo: 'acme/ui', issue: 5, body: `${STATUS_MARKER}\n### Upkeep wish: (an older render)` });
    expect(await s.wishes.statusCommentId(wish)).toBeNull();
    const [row] = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>("SELECT id FROM notification WHERE platform = 'github' AND destination = $1 ORDER BY id DESC LIMIT 1", wish);
    expect(await deliver(String(row!.id), 2)).toMatchObject({ delivered: true });
    const status = [...github.comments.values()].filter((c) => c.repo === 'acme/ui' && c.issue === 5 && c.body.includes(STATUS_MARKER));
    expect(status.map((c) => c.id)).toEqual([990_001]);
    expect(status[0]!.body).not.toContain('an older render');
    expect(await s.wishes.statusCommentId(wish)).toBe(990_001);
    expect(await rowOf(db, String(row!.id))).toMatchObject({ status: 'delivered', message_channel: wish, message_id: '990001' });
  });
});

// ---------------------------------------------------------------------------------------------
// Real worker processes, SIGKILLed around the post

// A Redis database of its own: the worker processes use the default `upkeep` key prefix.
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/7`;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('a worker process killed around the post (PostgreSQL, Redis, SIGKILL)', () => {
  let db: TestDatabase;
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let services: Services;
  let producer: JobRuntime;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  let current: { child: ChildProcess; output: () => string } | null = null;

  /** `npm run worker` (`tsx app/worker-main.ts`), resolved once it says it runs. */
  async function startWorker(): Promise<{ child: ChildProcess; output: () => string }> {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/worker-main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('Upkeep worker running')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
    });
    return { child, output: () => output };
  }

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await redis.flushdb();
    await redis.quit();
    db = await openTestDatabase('postgres');
    slack = await startFakeSlackApi();
    discord = await new FakeDiscord(DISCORD_BOT_TOKEN).start();
    env = {
      DATABASE_URL: db.url!,
      REDIS_URL,
      PUBLIC_URL: 'http://upkeep.test',
      SLACK_SIGNING_SECRET: 'slack-signing-secret',
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DISCORD_APPLICATION_ID: '1100000000000000001',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_BOT_TOKEN,
      DISCORD_API_URL: discord.url,
      // A killed worker's job is taken over within a few seconds.
      UPKEEP_WORKER_LOCK_MS: '2000',
      LOG_LEVEL: 'info',
    };
    // This process only records and enqueues, like a web process.
    services = testServices(db, env, systemClock);
    producer = await createJobRuntime({ deps: workerDeps(services), backend: await openQueueBackend(queueTarget(services)) });
    current = await startWorker();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(children.map(exited));
    await producer?.stop();
    await db?.close();
    await slack?.close();
    await discord?.stop();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await redis.flushdb();
    await redis.quit();
  });

  type KillPoint = 'before' | 'stored' | 'answered';
  const POINTS: readonly KillPoint[] = ['before', 'stored', 'answered'];

  /** One Slack and one Discord delivery per kill point, each held by the fakes at its point. */
  async function inFlight(round: number) {
    return Promise.all(
      POINTS.map(async (at, i) => {
        const slackChannel = `C6${round}${i}`;
        const discordChannel = `6${round}${i}00`;
        const stage = at === 'before' ? 'before' : 'after';
        const slackHold = slack.hold('chat.postMessage', stage, (c) => c.params.channel === slackChannel);
        const discordHold = discord.hold((m, p) => m === 'POST' && p === `/channels/${discordChannel}/messages`, stage);
        const slackRow = await recordFor(services, db, 'slack', `T1/${slackChannel}`, `r${round}-${at}-s`);
        const discordRow = await recordFor(services, db, 'discord', discordChannel, `r${round}-${at}-d`);
        return { at, slackChannel, discordChannel, slackHold, discordHold, slackRow, discordRow };
      }),
    );
  }

  /**
   * A worker delivering six rows is SIGKILLed while each pair is at its point: before its posts
   * reached the fakes, after the fakes stored them (answers held), and after the worker had the
   * answers while it waits to mark the rows delivered (this test holds the rows' locks). The next
   * worker completes them all.
   */
  async function killRound(round: number) {
    const first = current!;
    const flights = await inFlight(round);
    await Promise.all(flights.flatMap((f) => [f.slackHold.reached, f.discordHold.reached]));

    const answered = flights.find((f) => f.at === 'answered')!;
    const lock = new pg.Client({ connectionString: db.url! });
    lock.on('error', () => {});
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM notification WHERE id = ANY($1::bigint[]) FOR UPDATE', [[answered.slackRow, answered.discordRow]]);
      answered.slackHold.release();
      answered.discordHold.release();
      const waiting = await eventually(
        async () => {
          // Asked outside the locking transaction: inside one, pg_stat_activity is a snapshot taken once.
          const r = await db.prisma.$queryRawUnsafe<{ pid: number }[]>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE notification SET status = ''delivered''%'");
          return r.length === 2 ? r.map((x) => x.pid) : null;
        },
        20_000,
        `the worker to wait on marking two rows delivered (worker: ${first.output().slice(-800)})`,
      );
      first.child.kill('SIGKILL');
      await exited(first.child);
      // The dead worker's sessions end with it (PostgreSQL would otherwise still run their queued updates).
      for (const pid of waiting) await lock.query('SELECT pg_terminate_backend($1)', [pid]);
      await lock.query('ROLLBACK');
    } finally {
      await lock.end().catch(() => {});
    }
    expect(first.child.signalCode).toBe('SIGKILL');
    for (const f of flights.filter((f) => f.at !== 'answered')) {
      await Promise.all([f.slackHold.dropped, f.discordHold.dropped]);
      f.slackHold.release();
      f.discordHold.release();
    }
    // Killed mid-delivery: every row still pending, its attempt recorded.
    for (const f of flights) {
      for (const id of [f.slackRow, f.discordRow]) {
        const row = await rowOf(db, id);
        expect([f.at, row.status, row.sending_since !== null]).toEqual([f.at, 'pending', true]);
      }
    }

    current = await startWorker();
    const next = current;
    const rows = flights.flatMap((f) => [f.slackRow, f.discordRow]);
    await eventually(async () => (await Promise.all(rows.map((id) => rowOf(db, id)))).every((r) => r.status === 'delivered'), 30_000, `every row delivered by the next worker (worker: ${next.output().slice(-800)})`);
    return Promise.all(
      flights.map(async (f) => ({
        at: f.at,
        slackMessages: slack.messagesIn(f.slackChannel),
        slackPosts: slack.of('chat.postMessage').filter((c) => c.params.channel === f.slackChannel).length,
        discordMessages: discord.channelMessages.get(f.discordChannel) ?? [],
        discordPosts: discord.callsTo(new RegExp(`^/channels/${f.discordChannel}/messages$`), 'POST').length,
        slackRow: await rowOf(db, f.slackRow),
        discordRow: await rowOf(db, f.discordRow),
        slackChannel: f.slackChannel,
        discordChannel: f.discordChannel,
      })),
    );
  }

  it.each([1, 2])('round %i: killed before the posts arrived, after they were stored, after the answers: one message per channel, rows delivered with it', async (round) => {
    const results = await killRound(round);
    for (const r of results) {
      expect([r.at, r.slackMessages.length, r.discordMessages.length]).toEqual([r.at, 1, 1]);
      expect(r.slackRow).toMatchObject({ status: 'delivered', message_channel: r.slackChannel, message_id: r.slackMessages[0]!.ts });
      expect(r.discordRow).toMatchObject({ status: 'delivered', message_channel: r.discordChannel, message_id: r.discordMessages[0]!.id });
      // Both attempts reached the fakes (the first one's requests died with it). Slack's retry
      // posts only when the history has no message with the key; Discord's posts again with the
      // same nonce and gets the stored message back.
      expect([r.at, r.slackPosts, r.discordPosts]).toEqual([r.at, r.at === 'before' ? 2 : 1, 2]);
    }
  }, 90_000);
});
