// The outbox's delivery bookkeeping (prisma/notification-outbox.ts behind the NotificationLog
// port) and worker/notifications.ts on the embedded database: every wish change records one
// status-comment row in the change's own transaction; delivering one renders the wish as it
// is now, so it settles the rows pending for the same issue, and never a follower's message.
// Every attempt is recorded before it posts, so a retry knows an earlier one may have posted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../core/errors.ts';
import { money } from '../core/money.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { PermanentDeliveryError, type Deliverers, type DeliveryAttempt, type MessageRef } from '../core/ports/deliverers.ts';
import type { Notice } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { parseWishId, type WishId } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { deliverNotification } from '../worker/notifications.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';

const clock = fixedClock('2026-11-02T10:00:00Z');
const log = createLogger('silent');

describe('notification rows and their delivery', () => {
  let db: TestDatabase;
  let outbox: PrismaNotificationOutbox;
  let wishes: PrismaWishStore;
  const handedOff: string[][] = [];
  const sent: { platform: string; destination: string; notice: Notice }[] = [];
  const attempts: DeliveryAttempt[] = [];
  let failNext: Error | null = null;
  let posted: MessageRef | undefined;
  const recorder =
    (platform: string) =>
    async (destination: string, notice: Notice, attempt: DeliveryAttempt): Promise<MessageRef | void> => {
      attempts.push(attempt);
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      sent.push({ platform, destination, notice });
      return posted;
    };
  const deliverers: Deliverers = { github: recorder('github'), discord: recorder('discord') };
  const rows = (where: Record<string, unknown> = {}) => db.prisma.notification.findMany({ where, orderBy: { id: 'asc' } });
  const deliver = (id: bigint | string, attempt = 1) => deliverNotification({ notifications: outbox, id: String(id), deliverers, log, attempt });

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    outbox = new PrismaNotificationOutbox(db.prisma);
    wishes = new PrismaWishStore(db.prisma, outbox);
    outbox.onRecorded(async (ids) => void handedOff.push([...ids]));
  });
  afterAll(async () => {
    await db?.close();
  });

  async function quotedWish(text: string): Promise<WishId> {
    const id = unwrap(parseWishId(text));
    const gateway = new OfflineGateway(new PrismaPaymentStore(db.prisma));
    await openWish({ wishes, outbox, gateway, clock, currency: 'EUR', id, title: 'Dark mode', description: '', requester: 'carol' });
    const repositories = new PrismaRepositoryStore(db.prisma);
    await optInToQuote(repositories, 'acme/ui');
    await quoteWish({ wishes, repositories, outbox, clock, id, amount: money(50_000, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
    return id;
  }

  it('records one status row per saved change, keyed by the wish version, and hands it to the worker', async () => {
    const id = await quotedWish('acme/ui#1');
    const status = await rows({ platform: 'github', destination: id });
    expect(status.map((r) => r.key)).toEqual([`wish:${id}:status:0|github:${id}`, `wish:${id}:status:1|github:${id}`]);
    expect(status.map((r) => (r.payload as { kind: string }).kind)).toEqual(['wish_status', 'wish_status']);
    // Each committed change handed its row to this process's worker, once.
    expect(handedOff.flat()).toEqual(status.map((r) => String(r.id)));
    // A transition that changes nothing saves nothing and records nothing.
    await wishes.update(id, (w) => ({ ok: true, value: { wish: w, events: [] } }));
    expect(await rows({ platform: 'github', destination: id })).toHaveLength(2);
  });

  it('records nothing when the change is refused (the row is part of its transaction)', async () => {
    const id = unwrap(parseWishId('acme/ui#1'));
    await expect(quoteWish({ wishes, repositories: new PrismaRepositoryStore(db.prisma), outbox, clock, id, amount: money(1, 'EUR'), delayDays: 1, by: 'reader', isMaintainer: false })).rejects.toMatchObject({ code: 'not_maintainer' });
    expect(await rows({ platform: 'github', destination: id })).toHaveLength(2);
  });

  it('delivers a status row once and settles the rows pending for the same issue with it', async () => {
    const id = unwrap(parseWishId('acme/ui#1'));
    const other = await quotedWish('acme/ui#2');
    // A follower's message about the same repository is a separate delivery, never covered.
    await db.prisma.subscription.create({ data: { platform: 'discord', channel: '1200', target: 'repo:acme/ui', createdBy: 'discord:1' } });
    await outbox.enqueue([{ key: 'wish:acme/ui#1:funded', target: 'repo:acme/ui', kind: 'wish_funded', text: 'funded', data: {} }]);
    const [first, second] = await rows({ platform: 'github', destination: id });

    expect(await deliver(second!.id)).toEqual({ delivered: true, covered: 1 });
    expect(sent).toEqual([{ platform: 'github', destination: id, notice: expect.objectContaining({ kind: 'wish_status', key: `wish:${id}:status:1` }) }]);
    expect((await rows({ platform: 'github', destination: id })).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    // The covered row's own job finds nothing to do; the other issue's rows are untouched.
    expect(await deliver(first!.id)).toEqual({ delivered: false, reason: 'already delivered' });
    expect((await rows({ platform: 'github', destination: other })).map((r) => r.status)).toEqual(['pending', 'pending']);
    const [discord] = await rows({ platform: 'discord' });
    expect(discord!.status).toBe('pending');
    expect(await deliver(discord!.id)).toEqual({ delivered: true });
    expect(sent).toHaveLength(2);
  });

  it('counts a failed attempt and keeps the row pending; a permanent refusal marks it failed', async () => {
    const other = unwrap(parseWishId('acme/ui#2'));
    const [a, b] = await rows({ platform: 'github', destination: other });
    failNext = new Error('GitHub answered 502');
    await expect(deliver(a!.id)).rejects.toThrow('GitHub answered 502');
    expect(await db.prisma.notification.findUniqueOrThrow({ where: { id: a!.id } })).toMatchObject({ status: 'pending', attempts: 1, lastError: 'GitHub answered 502' });
    // Nothing was covered by the failed attempt.
    expect((await db.prisma.notification.findUniqueOrThrow({ where: { id: b!.id } })).status).toBe('pending');

    failNext = new PermanentDeliveryError('GitHub refused the status comment: 404');
    await expect(deliver(a!.id, 2)).rejects.toMatchObject({ name: 'UnrecoverableError' });
    expect(await db.prisma.notification.findUniqueOrThrow({ where: { id: a!.id } })).toMatchObject({ status: 'failed', attempts: 2, lastError: 'GitHub refused the status comment: 404' });
  });

  it('fails a row for good when its platform is not configured here', async () => {
    await db.prisma.subscription.create({ data: { platform: 'slack', channel: 'T1/C1', target: 'repo:acme/ui', createdBy: 'slack:U1' } });
    await outbox.enqueue([{ key: 'wish:acme/ui#2:funded', target: 'repo:acme/ui', kind: 'wish_funded', text: 'funded', data: {} }]);
    const [slack] = await rows({ platform: 'slack' });
    await expect(deliver(slack!.id)).rejects.toThrow(/slack is not configured/);
    expect((await db.prisma.notification.findUniqueOrThrow({ where: { id: slack!.id } })).status).toBe('failed');
  });

  it('records when the first attempt began, tells every later attempt, and keeps the message the delivery returns', async () => {
    await outbox.enqueue([{ key: 'wish:acme/ui#3:funded', target: 'repo:acme/ui', kind: 'wish_funded', text: 'funded', data: {} }]);
    const [row] = await rows({ platform: 'discord', key: 'wish:acme/ui#3:funded|discord:1200' });
    const id = String(row!.id);
    expect((await outbox.get(id))!.sendingSince).toBeNull();
    attempts.length = 0;

    failNext = new Error('Discord answered 502');
    await expect(deliver(id, 1)).rejects.toThrow('Discord answered 502');
    const began = (await outbox.get(id))!.sendingSince;
    expect(began).toBeInstanceOf(Date);
    expect(attempts).toEqual([{ key: 'wish:acme/ui#3:funded|discord:1200', earlierSince: null }]);

    // The retry is told when the first attempt began (it may have posted): the same instant, kept.
    posted = { channel: '1200', id: '900000000000000001' };
    expect(await deliver(id, 2)).toEqual({ delivered: true });
    posted = undefined;
    expect(attempts[1]).toEqual({ key: 'wish:acme/ui#3:funded|discord:1200', earlierSince: began });
    const delivered = (await outbox.get(id))!;
    expect(delivered).toMatchObject({ status: 'delivered', sendingSince: began, message: { channel: '1200', id: '900000000000000001' } });
    expect(await db.prisma.notification.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({ attempts: 2, messageChannel: '1200', messageId: '900000000000000001' });
  });

  it('sweeps pending rows recorded before a moment', async () => {
    const pending = (await rows({ status: 'pending' })).map((r) => String(r.id));
    expect(pending.length).toBeGreaterThan(0);
    expect(await outbox.pendingBefore(new Date(Date.now() + 60_000), 1_000)).toEqual(pending);
    expect(await outbox.pendingBefore(new Date(0), 1_000)).toEqual([]);
  });
});
