// Notices in subscribed Slack and Discord channels, end to end: use-cases record them, the
// worker (a real job runtime on PostgreSQL) delivers them through the real Slack Web API client
// and the real Discord REST client to the recording fakes; assertions are on what the fakes got.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../app/worker.ts';
import type { Services } from '../app/services.ts';
import { money } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { remindDeadlines } from '../core/use-cases/wishes/remind-deadlines.ts';
import type { WishId } from '../core/wishlist.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { APP_ID, BOT_TOKEN, CHANNEL_ID, ed25519 } from '../dev/fakes/discord-interactions.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../dev/fakes/slack-api.ts';
import type { JobRuntime } from '../worker/index.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { eventually, testServices } from './worker-support.ts';

const DAY = 86_400_000;
const SLACK_CHANNEL = 'T1/C1';
let now = new Date('2026-11-01T10:00:00Z');
const clock: Clock = { now: () => new Date(now) };

let db: TestDatabase;
let slack: FakeSlackApi;
let discord: FakeDiscord;
let s: Services;
let jobs: JobRuntime;

const slackPosts = () => slack.of('chat.postMessage').filter((c) => c.params.channel === 'C1');
const discordPosts = () => discord.channelMessages.get(CHANNEL_ID) ?? [];
const pending = async () => db.prisma.notification.count({ where: { status: 'pending' } });
const settled = () => eventually(async () => (await pending()) === 0, 20_000, 'every notice delivered');

async function quotedWish(n: number, quote: number, title = `Feature ${n}`): Promise<WishId> {
  const id = `acme/ui#${n}` as WishId;
  const base = { wishes: s.wishes, outbox: s.outbox, clock };
  await openWish({ ...base, gateway: s.gateway, id, currency: 'EUR', title, description: 'Please.', requester: 'carol' });
  await quoteWish({ ...base, repositories: s.repositories, id, amount: money(quote, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
  return id;
}

async function pay(id: WishId, amount: number, who: string): Promise<void> {
  const base = { wishes: s.wishes, outbox: s.outbox, clock };
  const { pledgeId } = await placePledge({ ...base, gateway: s.gateway, id, pledger: { source: 'github', id: who, display: who }, amount: money(amount, 'EUR') });
  await confirmPledgePayment({ ...base, ledger: s.ledger, wishId: id, pledgeId, provider: 'offline' });
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  slack = await startFakeSlackApi();
  discord = await new FakeDiscord(BOT_TOKEN).start();
  s = testServices(
    db,
    {
      CURRENCY: 'EUR',
      PUBLIC_URL: 'http://upkeep.test',
      SLACK_SIGNING_SECRET: 'test-signing-secret',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: slack.apiUrl,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_PUBLIC_KEY: ed25519().publicKeyHex,
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_API_URL: discord.url,
    },
    clock,
  );
  await optInToQuote(s.repositories, 'acme/ui');
  await s.subscriptions.add({ platform: 'slack', channel: SLACK_CHANNEL, target: 'repo:acme/ui', companyId: null, createdBy: 'slack:U1' });
  await s.subscriptions.add({ platform: 'discord', channel: CHANNEL_ID, target: 'repo:acme/ui', companyId: null, createdBy: 'discord:1' });
  jobs = await startWorker(s, { workers: true });
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  await db?.close();
  await slack?.close();
  await discord?.stop();
});

describe('one honest notice per change', () => {
  it('a payment that crosses 25, 50 and 75 % posts one notice per channel: the highest, with the amount to go and the days left', async () => {
    const id = await quotedWish(1, 40_000, 'Dark mode');
    await settled();
    slack.reset();
    discord.calls.length = 0;
    discord.channelMessages.clear();
    now = new Date(now.getTime() + 10 * DAY);
    await pay(id, 30_000, 'alice');
    await settled();
    expect(slackPosts().map((c) => c.params.text)).toEqual(['acme/ui#1 “Dark mode” is 75% funded: €300.00 of €400.00 raised, €100.00 to go, 50 days left.']);
    expect(JSON.stringify(slackPosts()[0]!.params.blocks)).toContain('*€100.00 to go*');
    expect(JSON.stringify(slackPosts()[0]!.params.blocks)).toContain('"action_id":"notice_pledge"');
    expect(discordPosts()).toHaveLength(1);
    expect(discordPosts()[0]!.content).toBe('**Wish progress** · acme/ui#1 “Dark mode” is 75% funded: €300.00 of €400.00 raised, €100.00 to go, 50 days left.');
    // The Discord notice carries the pledge buttons ("Fund the rest" is what is still to go).
    expect(discordPosts()[0]!.components[0].components.map((b: any) => b.custom_id)).toContain('u1:p:10000:acme/ui#1');
  });

  it('the payment that funds a wish says "funded" once per channel, no 100 % beside it; the earlier Discord card is edited, not reposted', async () => {
    const id = 'acme/ui#1' as WishId;
    const [card] = discordPosts();
    slack.reset();
    discord.calls.length = 0;
    await pay(id, 10_000, 'bob');
    await settled();
    expect(slackPosts().map((c) => c.params.text)).toEqual([
      'acme/ui#1 “Dark mode” is funded: €400.00 of €400.00 raised, €0.00 to go, with 50 days to spare. @maint can now start the work.',
    ]);
    const posts = discord.callsTo(new RegExp(`^/channels/${CHANNEL_ID}/messages$`), 'POST');
    expect(posts.map((c) => c.body.content)).toEqual([expect.stringContaining('is funded')]);
    // The 75 % card posted before is brought up to date in place.
    const edits = discord.callsTo(new RegExp(`^/channels/${CHANNEL_ID}/messages/${card!.id}$`), 'PATCH');
    expect(edits.length).toBeGreaterThan(0);
    expect(card!.embeds[0].fields[0].value).toBe('Funded — waiting for the maintainers to start');
    expect(card!.components.map((r: any) => r.components.map((b: any) => b.label))).toEqual([['Issue on GitHub', 'Share page']]);
    expect(await db.prisma.notification.count({ where: { key: { contains: ':progress:100' } } })).toBe(0);
  });

  it('a Discord card is edited after a pledge is paid (PATCH on the card, no new message)', async () => {
    const id = await quotedWish(2, 100_000, 'Export');
    await pay(id, 30_000, 'carol'); // 30 %: one notice, the card
    await settled();
    const card = discordPosts()[discordPosts().length - 1]!;
    expect(card.content).toContain('acme/ui#2 “Export” is 25% funded');
    discord.calls.length = 0;
    await pay(id, 5_000, 'dave'); // 35 %: no milestone, no notice; the card follows
    await settled();
    expect(discord.callsTo(/^\/channels\/\d+\/messages$/, 'POST')).toHaveLength(0);
    expect(discord.callsTo(new RegExp(`^/channels/${CHANNEL_ID}/messages/${card.id}$`), 'PATCH').length).toBeGreaterThan(0);
    expect(card.embeds[0].fields.find((f: any) => f.name === 'Progress').value).toContain('€350.00 paid of €1,000.00 · **€650.00 to go**');
    expect(card.components[0].components.map((b: any) => b.label)).toContain('Fund the rest: €650');
  });
});

describe('the deadline reminder', () => {
  it('goes once, 7 days before the deadline of an unfunded quoted wish, however often the daily job runs', async () => {
    const quotedAt = now;
    const id = await quotedWish(3, 50_000, 'Print styles');
    await pay(id, 20_000, 'erin'); // 40 %
    await settled();
    slack.reset();
    discord.calls.length = 0;
    // 52 days after the quote: 8 days left, not yet.
    now = new Date(quotedAt.getTime() + 52 * DAY);
    expect((await remindDeadlines({ wishes: s.wishes, outbox: s.outbox, now })).reminded).not.toContain(id);
    // 53 days: 7 days left. The daily job runs twice (and once more the next day).
    now = new Date(quotedAt.getTime() + 53 * DAY);
    await jobs.enqueue('remind-deadlines', {});
    await jobs.enqueue('remind-deadlines', {});
    await eventually(async () => slackPosts().some((c) => String(c.params.text).includes('Print styles')), 20_000, 'the reminder in Slack');
    now = new Date(quotedAt.getTime() + 54 * DAY);
    await jobs.enqueue('remind-deadlines', {});
    await eventually(async () => ((await jobs.queues.maintenance.getJobCounts('completed')).completed ?? 0) >= 3, 20_000, 'three reminder runs');
    await settled();
    const reminders = slackPosts().filter((c) => String(c.params.text).includes('Print styles'));
    expect(reminders.map((c) => c.params.text)).toEqual([
      `acme/ui#3 “Print styles” has 7 days left: €200.00 of €500.00 raised, €300.00 to go. If it is not funded by ${new Date(quotedAt.getTime() + 60 * DAY).toISOString().slice(0, 10)}, every pledge is refunded.`,
    ]);
    expect(discord.callsTo(/^\/channels\/\d+\/messages$/, 'POST').filter((c) => String(c.body.content).includes('Print styles'))).toHaveLength(1);
    expect(await db.prisma.notification.count({ where: { key: { startsWith: `wish:${id}:reminder|` } } })).toBe(2);
    // A funded wish is not reminded.
    const funded = await quotedWish(4, 1_000);
    await pay(funded, 1_000, 'fay');
    now = new Date(now.getTime() + 53 * DAY);
    expect((await remindDeadlines({ wishes: s.wishes, outbox: s.outbox, now })).reminded).not.toContain(funded);
  });
});

describe('month-end summaries', () => {
  it('reach the channels following the repository of a funded package, once per channel', async () => {
    await s.subscriptions.add({ platform: 'slack', channel: SLACK_CHANNEL, target: 'package:npm:acme-ui', companyId: null, createdBy: 'slack:U1' });
    await settled();
    slack.reset();
    discord.calls.length = 0;
    const notice = {
      key: 'close:2026-10:summary:package:npm:acme-ui',
      target: 'package:npm:acme-ui',
      also: ['repo:acme/ui'],
      kind: 'month_end_summary' as const,
      text: 'npm:acme-ui received €374.00 from 2 companies for 2026-10.',
      data: { period: '2026-10', package: 'npm:acme-ui', repository: 'acme/ui' },
    };
    await s.outbox.enqueue([notice]);
    await s.outbox.enqueue([notice]);
    await settled();
    // The Slack channel follows both the package and the repository: it hears it once.
    expect(slackPosts().map((c) => c.params.text)).toEqual([notice.text]);
    expect(discord.callsTo(/^\/channels\/\d+\/messages$/, 'POST').map((c) => c.body.content)).toEqual([notice.text]);
  });
});
