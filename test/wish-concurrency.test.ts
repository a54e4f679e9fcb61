// 200 concurrent pledges and payments crossing a wish's quote on real PostgreSQL: the row lock
// of PrismaWishStore.update serialises them, so `funded` happens exactly once and no pledge is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balances } from '../core/ledger.ts';
import { money } from '../core/money.ts';
import { systemClock } from '../core/ports/clock.ts';
import { silentOutbox, type Notice, type NotificationOutbox } from '../core/ports/notifications.ts';
import type { PaymentGateway } from '../core/ports/payments.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { wishProgress, type WishId } from '../core/wishlist.ts';
import { PrismaLedgerStore, groupEntries } from '../prisma/ledger-store.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';

/** A test-only gateway: records checkouts, collects nothing (like offline mode). */
const offlineGateway = (): PaymentGateway & { calls: string[] } => {
  const calls: string[] = [];
  return { mode: 'offline', calls, startPledgeCheckout: async ({ idempotencyKey }) => (calls.push(idempotencyKey), { url: null, externalId: null }) };
};

const PLEDGES = 200;
const AMOUNT = 150;

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase('postgres');
});
afterAll(async () => {
  await db?.close();
});

async function setup(id: WishId, quoteAmount: number) {
  const wishes = new PrismaWishStore(db.prisma);
  const ledger = new PrismaLedgerStore(db.prisma);
  const notices: Notice[] = [];
  const outbox: NotificationOutbox = { enqueue: async (n) => void notices.push(...n) };
  await openWish({ wishes, outbox, gateway: offlineGateway(), clock: systemClock, currency: 'EUR', id, title: 'Dark mode', description: 'Please', requester: 'alice' });
  const repositories = new PrismaRepositoryStore(db.prisma);
  await optInToQuote(repositories, 'acme/ui');
  await quoteWish({ wishes, repositories, outbox, clock: systemClock, id, amount: money(quoteAmount, 'EUR'), delayDays: 21, by: 'maint', isMaintainer: true });
  return { wishes, ledger, notices, outbox };
}

async function fundedEvents(id: WishId): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>("SELECT count(*) AS n FROM wish_event WHERE wish_id = $1 AND type = 'funded'", id);
  return Number(rows[0]!.n);
}

async function wishBalance(id: WishId): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<Parameters<typeof groupEntries>[0][number][]>(
    `SELECT t.id, t.key, t.kind, t.period, t.memo, e.account_key, e.amount FROM ledger_transaction t
     JOIN ledger_entry e ON e.transaction_id = t.id ORDER BY t.id, e.id`,
  );
  return balances(groupEntries(rows)).get(`wish:${id}`) ?? 0;
}

describe('concurrent pledges on PostgreSQL', () => {
  it(`${PLEDGES} interleaved pledge+payment pairs: the last payment funds the wish once`, async () => {
    const id = 'acme/ui#1' as WishId;
    const { wishes, ledger, notices, outbox } = await setup(id, PLEDGES * AMOUNT);
    const payments = offlineGateway();
    await Promise.all(
      Array.from({ length: PLEDGES }, async (_, i) => {
        const { pledgeId } = await placePledge({
          wishes, gateway: payments, outbox, clock: systemClock, id,
          pledger: { source: 'github', id: `user${i}`, display: `user${i}` }, amount: money(AMOUNT, 'EUR'),
        });
        await confirmPledgePayment({ wishes, ledger, outbox, clock: systemClock, wishId: id, pledgeId, provider: 'offline' });
      }),
    );
    const wish = (await wishes.get(id))!;
    expect(wish.status).toBe('funded');
    expect(wish.pledges).toHaveLength(PLEDGES);
    expect(wishProgress(wish)).toMatchObject({ pledged: PLEDGES * AMOUNT, paid: PLEDGES * AMOUNT, pledgers: PLEDGES, percent: 100 });
    expect(await fundedEvents(id)).toBe(1);
    expect(notices.filter((n) => n.kind === 'wish_funded')).toHaveLength(1);
    // Each payment crosses at most one milestone; the one reaching 100 % funds the wish and says only that.
    expect(notices.filter((n) => n.kind === 'wish_progress').map((n) => n.key).sort()).toEqual(
      [25, 50, 75].map((m) => `wish:${id}:progress:${m}`).sort(),
    );
    expect(await wishBalance(id)).toBe(PLEDGES * AMOUNT);
    expect(new Set(payments.calls).size).toBe(PLEDGES);
  });

  it(`${PLEDGES} pledges then ${PLEDGES} concurrent payments crossing the quote halfway: one funded, total = sum`, async () => {
    const id = 'acme/ui#2' as WishId;
    const { wishes, ledger, outbox } = await setup(id, (PLEDGES * AMOUNT) / 2);
    const payments = offlineGateway();
    const ids = await Promise.all(
      Array.from({ length: PLEDGES }, (_, i) =>
        placePledge({
          wishes, gateway: payments, outbox: silentOutbox, clock: systemClock, id,
          pledger: { source: 'discord', id: `${1000 + i}`, display: `d${i}` }, amount: money(AMOUNT, 'EUR'),
        }).then((r) => r.pledgeId),
      ),
    );
    // Each payment is confirmed twice at once (a webhook and its retry): no double effect.
    await Promise.all(
      [...ids, ...ids].map((pledgeId) => confirmPledgePayment({ wishes, ledger, outbox, clock: systemClock, wishId: id, pledgeId, provider: 'stripe' })),
    );
    const wish = (await wishes.get(id))!;
    expect(wish.status).toBe('funded');
    expect(await fundedEvents(id)).toBe(1);
    expect(wishProgress(wish).pledged).toBe(PLEDGES * AMOUNT);
    expect(wish.pledges.every((p) => p.status === 'paid')).toBe(true);
    expect(await wishBalance(id)).toBe(PLEDGES * AMOUNT);
  });
});
