// Stripe under replays, reordering and hostile text: events signed with the real SDK
// (stripe.webhooks.generateTestHeaderString) against the real route, a recording fake Stripe
// API on 127.0.0.1, real PostgreSQL. Stripe does not order its events and redelivers them;
// whatever the order, money given back is never counted as paid, each effect happens once and
// `upkeep check` stays clean. Others' refunds on a shared account are "not ours", not failures.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { paymentRoutes } from '../app/web.ts';
import { money } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Notice, NotificationOutbox } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { paidTotal, type WishId } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { foreignPayments, reconcilePayments } from '../prisma/payment-store.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { optInToQuote } from './opt-in-support.ts';

const SECRET = 'whsec_test_reliability';
const signer = new Stripe('sk_test_signer');
const clock: Clock = { now: () => new Date('2026-11-02T10:00:00Z') };
const notices: Notice[] = [];
const outbox: NotificationOutbox = { enqueue: async (n) => void notices.push(...n) };

let fake: FakeStripe;
let db: TestDatabase;
let s: Services;
let app: HttpApp;
let base: string;

beforeAll(async () => {
  fake = await startFakeStripe();
  db = await openTestDatabase('postgres');
  const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_upkeep', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: fake.url, PUBLIC_URL: 'http://upkeep.test', CURRENCY: 'EUR' });
  s = { ...createServices({ config, db, clock, log: createLogger('silent') }), outbox };
  app = createHttpApp({ log: s.log, routes: paymentRoutes(s) });
  base = await app.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await fake?.stop();
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function deliver(event: Obj): Promise<{ status: number; body: Obj }> {
  const payload = JSON.stringify(event, null, 2);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  const res = await fetch(`${base}/stripe/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return { status: res.status, body: (await res.json()) as Obj };
}

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(sql, ...params);
  return Number(rows[0]!.n);
}
const ledgerTx = (key: string) => count('SELECT COUNT(*) AS n FROM ledger_transaction WHERE key = $1', key);
async function balance(account: string): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ b: bigint | null }[]>('SELECT SUM(amount)::bigint AS b FROM ledger_entry WHERE account_key = $1', account);
  return Number(rows[0]!.b ?? 0);
}

async function soundLedger(): Promise<void> {
  expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  expect(await reconcilePayments(db.prisma)).toEqual([]);
}

let seq = 0;
async function quotedWish(quote: number): Promise<WishId> {
  const wishId = `rel/orders#${++seq}` as WishId;
  await openWish({ wishes: s.wishes, outbox, gateway: s.gateway, clock, currency: 'EUR', id: wishId, title: `Feature ${seq}`, description: 'Please', requester: 'requester' });
  await optInToQuote(s.repositories, 'rel/orders');
  await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox, clock, id: wishId, amount: money(quote, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
  return wishId;
}

/** A pledge paid on Stripe's page, and the three events Stripe may send about it, in no order. */
async function paidPledge(wishId: WishId, login: string, amount: number) {
  const p = await placePledge({ wishes: s.wishes, gateway: s.gateway, outbox, clock, id: wishId, pledger: { source: 'github', id: login, display: login }, amount: money(amount, 'EUR') });
  const session = fake.completeSession(p.checkoutUrl!.split('/').pop()!);
  const pi = fake.paymentIntents.get(session.payment_intent)!;
  const events: Record<'completed' | 'refunded' | 'failed', Obj> = {
    completed: fake.event('checkout.session.completed', { ...session }),
    // Refunded from Stripe's dashboard: the charge carries the PaymentIntent's metadata.
    refunded: fake.event('charge.refunded', { id: pi.latest_charge, object: 'charge', amount, amount_refunded: amount, refunded: true, currency: 'eur', payment_intent: pi.id, metadata: pi.metadata }),
    // An earlier attempt with another card was declined.
    failed: fake.event('payment_intent.payment_failed', { id: pi.id, object: 'payment_intent', status: 'requires_payment_method', last_payment_error: { message: 'Your card was declined.' }, metadata: pi.metadata }),
  };
  return { pledgeId: p.pledgeId, events };
}

const ORDERS = [
  ['completed', 'refunded', 'failed'],
  ['completed', 'failed', 'refunded'],
  ['refunded', 'completed', 'failed'],
  ['refunded', 'failed', 'completed'],
  ['failed', 'completed', 'refunded'],
  ['failed', 'refunded', 'completed'],
] as const;

/** What must hold once a pledge's charge was completed and refunded, whatever the order. */
async function refundedForGood(wishId: WishId, pledgeId: string, amount: number): Promise<void> {
  const wish = (await s.wishes.get(wishId))!;
  expect(wish.status).toBe('quoted');
  expect(wish.pledges.find((p) => p.id === pledgeId)!.status).toBe('refunded');
  expect(paidTotal(wish)).toBe(0);
  expect(await balance(`wish:${wishId}`)).toBe(0);
  // The money came in and went out once each, under their keys.
  expect(await ledgerTx(`pledge:${pledgeId}:paid`)).toBe(1);
  expect(await ledgerTx(`refund:${pledgeId}`)).toBe(1);
  const refundRow = await s.payments.byKey(`refund:${pledgeId}`);
  expect(refundRow).toMatchObject({ status: 'succeeded', amount });
  // Stripe refunded it already: Upkeep asked for no second refund.
  expect(fake.callsTo('POST', '/v1/refunds').filter((c) => c.body.metadata?.pledgeId === pledgeId)).toEqual([]);
  expect(await count("SELECT COUNT(*) AS n FROM wish_event WHERE wish_id = $1 AND type = 'funded'", wishId)).toBe(0);
}

describe('every order of completed / refunded / failed, each delivered 5 times', () => {
  for (const order of ORDERS) {
    it(`${order.join(' → ')}: the refunded money is never counted as paid, each effect once`, async () => {
      const amount = 4_000;
      const wishId = await quotedWish(10_000);
      const { pledgeId, events } = await paidPledge(wishId, `p${seq}`, amount);
      for (const name of order) {
        // Five deliveries of the same event at the same time (Stripe retries and races).
        const replies = await Promise.all([0, 1, 2, 3, 4].map(() => deliver(events[name])));
        expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
        expect(replies.filter((r) => r.body.duplicate === false).length).toBeGreaterThanOrEqual(1);
      }
      await refundedForGood(wishId, pledgeId, amount);
      for (const name of order) expect(await count("SELECT COUNT(*) AS n FROM inbound_event WHERE source = 'stripe' AND external_id = $1", events[name].id)).toBe(1);
      await soundLedger();
    });
  }

  it('all 15 deliveries of the three events at once, on three pledges: the same outcome', async () => {
    const wishId = await quotedWish(50_000);
    const pledges = await Promise.all([3_000, 5_000, 7_000].map(async (amount, i) => ({ amount, ...(await paidPledge(wishId, `conc${seq}x${i}`, amount)) })));
    const deliveries = pledges.flatMap((p) => (['completed', 'refunded', 'failed'] as const).flatMap((name) => [0, 1, 2, 3, 4].map(() => p.events[name])));
    // A fixed shuffle: the deliveries race in an order that is not Stripe's.
    const shuffled = deliveries.map((e, i) => ({ e, k: (i * 7919) % deliveries.length })).sort((a, b) => a.k - b.k).map((x) => x.e);
    const replies = await Promise.all(shuffled.map((e) => deliver(e)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    for (const p of pledges) await refundedForGood(wishId, p.pledgeId, p.amount);
    await soundLedger();
  });

  it('a refund that overtakes the completion of the pledge that reaches the quote never funds the wish', async () => {
    const wishId = await quotedWish(6_000);
    const { pledgeId, events } = await paidPledge(wishId, `funder${seq}`, 6_000);
    const refunded = await deliver(events.refunded);
    expect(refunded.body).toMatchObject({ handled: true, result: 'refund recorded; the pledge is released' });
    const completed = await deliver(events.completed);
    expect(completed.body).toMatchObject({ handled: true, result: 'refunded_late' });
    await refundedForGood(wishId, pledgeId, 6_000);
    await soundLedger();
  });

  it('a refund after the completion gives the escrow back while the wish is not funded', async () => {
    const wishId = await quotedWish(9_000);
    const { pledgeId, events } = await paidPledge(wishId, `late${seq}`, 2_500);
    expect((await deliver(events.completed)).body.result).toBe('pledge paid');
    expect(await balance(`wish:${wishId}`)).toBe(2_500);
    expect((await deliver(events.refunded)).body).toMatchObject({ handled: true, result: 'refund confirmed' });
    await refundedForGood(wishId, pledgeId, 2_500);
    await soundLedger();
  });
});

describe('Stripe text with NUL and lone surrogates', () => {
  const hostile = [
    { what: 'NUL', name: 'Ada\u0000 Lovelace', stored: 'Ada Lovelace' },
    { what: 'a lone high surrogate', name: 'Ada \uD83D Lovelace', stored: 'Ada \uFFFD Lovelace' },
    { what: 'a lone low surrogate', name: '\uDE00Ada', stored: '\uFFFDAda' },
  ];
  for (const h of hostile) {
    it(`a completed session whose text holds ${h.what} is handled and recorded; the retry is a duplicate`, async () => {
      const wishId = await quotedWish(10_000);
      const { pledgeId, events } = await paidPledge(wishId, `text${seq}`, 1_000);
      const event = structuredClone(events.completed);
      event.data.object.customer_details = { name: h.name, email: 'ada@example.org', address: { line1: `Street ${h.name}` } };
      event.data.object.metadata = { ...event.data.object.metadata, [`note${h.name}`]: h.name };
      const first = await deliver(event);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ duplicate: false, handled: true, result: 'pledge paid' });
      const stored = await db.prisma.inboundEvent.findFirst({ where: { source: 'stripe', externalId: event.id } });
      expect(stored).not.toBeNull();
      const payload = stored!.payload as Obj;
      expect(payload.customer_details.name).toBe(h.stored);
      expect(payload.customer_details.address.line1).toBe(`Street ${h.stored}`);
      expect(payload.metadata[`note${h.stored}`]).toBe(h.stored);
      const retry = await deliver(event);
      expect(retry).toMatchObject({ status: 200, body: { duplicate: true } });
      expect(await ledgerTx(`pledge:${pledgeId}:paid`)).toBe(1);
      expect((await s.wishes.get(wishId))!.pledges.find((p) => p.id === pledgeId)!.status).toBe('paid');
      await soundLedger();
    });
  }
});

const run = promisify(execFile);
async function upkeepCheck(): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'check'], { env: { ...process.env, DATABASE_URL: db.url!, REDIS_URL: '', LOG_LEVEL: 'silent' } });
    return { code: 0, stdout };
  } catch (e) {
    const x = e as { code: number; stdout: string };
    return { code: x.code, stdout: x.stdout };
  }
}

describe('upkeep check on a shared Stripe account', () => {
  it("refunds of charges that are not Upkeep's are told as not ours and do not fail the check", async () => {
    const foreign = await deliver(fake.event('charge.refunded', { id: 'ch_shop_1', object: 'charge', amount: 1_999, amount_refunded: 1_999, refunded: true, currency: 'eur', metadata: {} }));
    expect(foreign).toMatchObject({ status: 200, body: { handled: false, result: 'not an Upkeep pledge' } });
    // Upkeep-looking metadata naming a pledge Upkeep never saw: not ours either.
    const unknown = await deliver(fake.event('charge.refunded', { id: 'ch_shop_2', object: 'charge', amount: 500, amount_refunded: 500, currency: 'eur', metadata: { kind: 'pledge', wishId: 'someone/else#1', pledgeId: 'someone/else#1/1' } }));
    expect(unknown.status).toBe(200);
    // No metadata at all, not even an amount.
    expect((await deliver(fake.event('charge.refunded', { id: 'ch_shop_3', object: 'charge' }))).status).toBe(200);
    await soundLedger();
    const notOurs = await foreignPayments(db.prisma);
    expect(notOurs.map((f) => f.detail)).toEqual([
      expect.stringMatching(/charge ch_shop_1 refunded 1999 EUR is not an Upkeep payment \(no Upkeep metadata\)/),
      expect.stringMatching(/charge ch_shop_2 refunded 500 EUR is not an Upkeep payment \(unknown pledge\)/),
      expect.stringMatching(/charge ch_shop_3 refunded - - is not an Upkeep payment/),
    ]);
    const r = await upkeepCheck();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NOT OURS event evt_\w+: charge ch_shop_1 refunded 1999 EUR/);
    expect(r.stdout).toMatch(/Ledger OK: every invariant holds; 3 Stripe refund\(s\) of charges that are not Upkeep's were ignored\./);
    expect(r.stdout).not.toMatch(/null/);
  });

  it('a real difference still fails the check, with a line naming the payment, pledge and wish', async () => {
    // A pledge that funded its wish, then refunded in Stripe's dashboard: the escrow still counts it.
    const wishId = await quotedWish(3_000);
    const { pledgeId, events } = await paidPledge(wishId, `dash${seq}`, 3_000);
    expect((await deliver(events.completed)).body.result).toBe('pledge paid, wish funded');
    const refunded = await deliver(events.refunded);
    expect(refunded.body).toMatchObject({ handled: false, result: 'the wish is funded; see upkeep check' });
    expect(await balance(`wish:${wishId}`)).toBe(3_000);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    const diffs = await reconcilePayments(db.prisma);
    expect(diffs).toEqual([
      {
        check: 'succeeded payment missing from the ledger',
        detail: `refund refund:${pledgeId} (stripe, 3000 EUR, pledge ${pledgeId} of wish ${wishId}) succeeded, but the ledger has no transaction refund:${pledgeId}: the money is still counted in wish:${wishId}`,
      },
    ]);
    const r = await upkeepCheck();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`DIFFERENCE [succeeded payment missing from the ledger] refund refund:${pledgeId} (stripe, 3000 EUR, pledge ${pledgeId} of wish ${wishId})`);
    expect(r.stdout).toMatch(/NOT OURS .*ch_shop_1/); // still told, still not a failure
    expect(r.stdout).toMatch(/0 violation\(s\), 1 difference\(s\) with Stripe\./);
    expect(r.stdout).not.toMatch(/null/);
  });

  it('a company budget refunded in the dashboard is a difference naming the company and month', async () => {
    const companyId = '00000000-0000-4000-8000-00000000c0de';
    await s.payments.ensure({ kind: 'budget_charge', provider: 'stripe', amount: 20_000, currency: 'EUR', idempotencyKey: `budget:${companyId}:2026-10`, companyId, period: '2026-10' as never });
    const event = fake.event('charge.refunded', { id: 'ch_budget', object: 'charge', amount: 20_000, amount_refunded: 20_000, refunded: true, currency: 'eur', metadata: { kind: 'budget_charge', companyId, period: '2026-10' } });
    expect((await deliver(event)).body).toMatchObject({ handled: false, result: 'budget charge refunded outside Upkeep; see upkeep check' });
    const diffs = await reconcilePayments(db.prisma);
    expect(diffs).toContainEqual({
      check: 'Stripe refunded a budget charge the ledger still counts',
      detail: `event ${event.id}: charge ch_budget refunded 20000 of the budget of company ${companyId} for 2026-10, which the ledger counts as contributed`,
    });
    expect((await foreignPayments(db.prisma)).map((f) => f.detail).join('\n')).not.toContain('ch_budget');
  });
});
