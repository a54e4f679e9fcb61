// GitHub hears about the events that matter in new comments that mention the people concerned
// (GitHub does not notify edits of the status comment), and the issue carries the wish's state
// label. Use-cases record the notices; the worker delivers them through the real Probot client to
// the recording fake GitHub API; assertions are on what that fake received.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/services.ts';
import { startWorker } from '../app/worker.ts';
import { commentMarker, STATUS_MARKER } from '../bots/github/render.ts';
import { money } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import { cancelWish } from '../core/use-cases/wishes/cancel-wish.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { deliverWish } from '../core/use-cases/wishes/deliver-wish.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { startWish } from '../core/use-cases/wishes/start-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { deliverNotification } from '../worker/notifications.ts';
import type { JobRuntime } from '../worker/index.ts';
import { createLogger } from '../edge/logger.ts';
import { deliverersFor } from '../app/worker.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { eventually, testServices } from './worker-support.ts';

const REPO = 'acme/widgets';
const DAY = 86_400_000;
let now = new Date('2026-11-01T10:00:00Z');
const clock: Clock = { now: () => new Date(now) };

let db: TestDatabase;
let fake: FakeGithubApi;
let s: Services;
let jobs: JobRuntime;

const settled = () => eventually(async () => (await db.prisma.notification.count({ where: { status: 'pending' } })) === 0, 20_000, 'every notice delivered');
const commentsOn = (issue: number) => [...fake.comments.values()].filter((c) => c.repo === REPO && c.issue === issue);
const announcements = (issue: number, event: string) => commentsOn(issue).filter((c) => c.body.startsWith(commentMarker(event)));
const base = () => ({ wishes: s.wishes, outbox: s.outbox, clock });

async function quotedWish(n: number, quote: number): Promise<WishId> {
  const id = `${REPO}#${n}` as WishId;
  await openWish({ ...base(), gateway: s.gateway, id, currency: 'EUR', title: `Feature ${n}`, description: 'Please.', requester: 'Carol' });
  await quoteWish({ ...base(), repositories: s.repositories, id, amount: money(quote, 'EUR'), delayDays: 14, by: 'Maint', isMaintainer: true });
  return id;
}

async function pledge(id: WishId, amount: number, pledger: { source: 'github' | 'discord' | 'slack'; id: string; display: string }, paid = true): Promise<void> {
  const { pledgeId } = await placePledge({ ...base(), gateway: s.gateway, id, pledger, amount: money(amount, 'EUR') });
  if (paid) await confirmPledgePayment({ ...base(), ledger: s.ledger, wishId: id, pledgeId, provider: 'offline' });
}

beforeAll(async () => {
  fake = await startFakeGithubApi();
  fake.addRepo(REPO, { installationId: 77, license: 'MIT' });
  db = await openTestDatabase('postgres');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  s = testServices(db, { CURRENCY: 'EUR', PUBLIC_URL: 'http://upkeep.test', GITHUB_APP_ID: '123', GITHUB_PRIVATE_KEY: privateKey, GITHUB_WEBHOOK_SECRET: 'secret', GITHUB_API_URL: fake.url }, clock);
  await optInToQuote(s.repositories, REPO, [{ login: 'maint', share: 60 }, { login: 'dora', share: 40 }]);
  jobs = await startWorker(s, { workers: true, github: { retries: false } });
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  await db?.close();
  await fake?.close();
});

describe('announcement comments on GitHub', () => {
  it('funded → one new comment mentioning the maintainers ("you can start"); delivered → one mentioning the requester and the pledgers', async () => {
    const id = await quotedWish(1, 30_000);
    await pledge(id, 10_000, { source: 'github', id: 'alice', display: 'Alice' });
    await pledge(id, 5_000, { source: 'discord', id: '42', display: 'Ada (Discord)' }); // no GitHub identity: named, not mentioned
    await pledge(id, 15_000, { source: 'github', id: 'bob', display: 'bob' }); // funds it
    await settled();
    const funded = announcements(1, 'funded');
    expect(funded).toHaveLength(1);
    expect(funded[0]!.body.split('\n')[1]).toBe(
      '@Maint @dora 🎉 This wish is funded: €300.00 raised of the €300.00 quote, nothing left to go. You can start: comment `/start` when work begins; the quote promises delivery 14 days later, then `/deliver` (or merge a pull request that fixes this issue).',
    );
    // The status comment: banner linking to the wish page, pledgers, and the state label.
    const status = commentsOn(1).filter((c) => c.body.includes(STATUS_MARKER));
    expect(status).toHaveLength(1);
    expect(status[0]!.body).toContain(`[![Funding of ${id}](http://upkeep.test/widget/wishes/acme/widgets/1.svg)](http://upkeep.test/wishes/acme/widgets/1)`);
    expect(status[0]!.body).toContain('**Pledgers:** 3 — Alice, Ada (Discord), bob');
    expect(fake.issueLabels.get(`${REPO}#1`)).toEqual(['upkeep: funded']);
    // Labels are created as states are shown; a burst of changes may be shown as its last state only.
    const labels = [...fake.labels.get(REPO)!.keys()];
    expect(labels).toContain('upkeep: funded');
    expect(labels.every((l) => ['upkeep: open', 'upkeep: quoted', 'upkeep: funded'].includes(l))).toBe(true);

    await startWish({ ...base(), id, by: 'Maint', isMaintainer: true });
    await deliverWish({ ...base(), repositories: s.repositories, ledger: s.ledger, id, by: 'Maint', pr: 12, isMaintainer: true });
    await settled();
    const delivered = announcements(1, 'delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.body.split('\n')[1]).toBe('@Carol @Alice @bob ✅ This wish was delivered in #12. Thank you for funding it! €300.00 goes to the maintainers.');
    expect(announcements(1, 'funded')).toHaveLength(1);
    expect(fake.issueLabels.get(`${REPO}#1`)).toEqual(['upkeep: delivered']);

    // Delivering every row again (a replayed job) and a row whose delivery died after posting: still one each.
    const rows = await db.prisma.notification.findMany({ where: { platform: 'github', key: { contains: ':comment:' } } });
    expect(rows.map((r) => r.key.split('|')[0]).sort()).toEqual([`wish:${id}:comment:delivered`, `wish:${id}:comment:funded`]);
    const deliverers = deliverersFor(s, { github: { retries: false } });
    for (const r of rows) await deliverNotification({ notifications: s.notifications, id: String(r.id), deliverers, log: createLogger('silent'), attempt: 2 });
    await db.prisma.notification.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: 'pending' } });
    for (const r of rows) await deliverNotification({ notifications: s.notifications, id: String(r.id), deliverers, log: createLogger('silent'), attempt: 3 });
    expect(announcements(1, 'funded')).toHaveLength(1);
    expect(announcements(1, 'delivered')).toHaveLength(1);
  });

  it('expired → one new comment mentioning the pledgers with a GitHub identity', async () => {
    const quotedAt = now;
    const id = await quotedWish(2, 50_000);
    await pledge(id, 10_000, { source: 'github', id: 'erin', display: 'erin' });
    await pledge(id, 2_000, { source: 'slack', id: 'slack:U9', display: 'sam' });
    await pledge(id, 3_000, { source: 'github', id: 'fay', display: 'fay' }, false); // committed, never paid: released
    await settled();
    now = new Date(quotedAt.getTime() + 61 * DAY);
    await jobs.enqueue('expire-wishes', {});
    await jobs.enqueue('expire-wishes', {});
    await eventually(async () => announcements(2, 'expired').length > 0, 20_000, 'the expiry comment');
    await eventually(async () => ((await jobs.queues.maintenance.getJobCounts('completed')).completed ?? 0) >= 2, 20_000, 'both expiry runs');
    await settled();
    const expired = announcements(2, 'expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]!.body.split('\n')[1]).toBe(
      '@erin @fay ⌛ This wish was not funded before its deadline and has expired. Every pledge is refunded (€120.00 paid back); commitments not yet paid are released. Thank you for pledging.',
    );
    expect(fake.issueLabels.get(`${REPO}#2`)).toEqual(['upkeep: expired']);
  });

  it('cancelled → one new comment mentioning the pledgers; no comment for changes nobody must hear about', async () => {
    const id = await quotedWish(3, 10_000);
    await pledge(id, 1_000, { source: 'github', id: 'gus', display: 'gus' });
    await settled();
    expect(commentsOn(3).filter((c) => !c.body.includes(STATUS_MARKER))).toHaveLength(0);
    await cancelWish({ ...base(), id, by: 'Maint', isMaintainer: true });
    await settled();
    expect(announcements(3, 'cancelled').map((c) => c.body.split('\n')[1])).toEqual([
      '@gus ⚪ This wish was cancelled by its maintainers. Every pledge is refunded (€10.00 paid back); commitments not yet paid are released. Thank you for pledging.',
    ]);
  });
});
