// Payments through the real stripe-node SDK against a recording fake Stripe API on 127.0.0.1,
// webhooks signed with stripe.webhooks.generateTestHeaderString, on real PostgreSQL.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Notice, NotificationOutbox } from '../core/ports/notifications.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetSetupLink } from '../core/use-cases/payments/budget-setup-link.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { maintainerOnboardingLink } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { refundWishPledges } from '../core/use-cases/payments/refund-wish-pledges.ts';
import { sendPayouts } from '../core/use-cases/payments/send-payouts.ts';
import { cancelWish } from '../core/use-cases/wishes/cancel-wish.ts';
import { expireWishes } from '../core/use-cases/wishes/expire-wishes.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { paymentRoutes } from '../app/web.ts';
import { createServices, type Services } from '../app/services.ts';
import { StripeGateway } from '../payments/stripe-gateway.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { reconcilePayments } from '../prisma/payment-store.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { seedCompany, seedRepository } from './seed.ts';
import { optInToQuote } from './opt-in-support.ts';

const SECRET = 'whsec_test_upkeep';
const signer = new Stripe('sk_test_signer');

let now = new Date('2026-11-02T10:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const notices: Notice[] = [];
// As the real outbox: a notice enqueued again under the same key records nothing new.
const outbox: NotificationOutbox = { enqueue: async (n) => void notices.push(...n.filter((x) => !notices.some((y) => y.key === x.key))) };

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

async function deliver(event: object, opts: { secret?: string; timestamp?: number; tamper?: (p: string) => string } = {}): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(event, null, 2);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) });
  const res = await fetch(`${base}/stripe/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: opts.tamper ? opts.tamper(payload) : payload,
  });
  return { status: res.status, body: await res.json() };
}

async function ledgerTx(key: string): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT COUNT(*) AS n FROM ledger_transaction WHERE key = $1', key);
  return Number(rows[0]!.n);
}

async function balance(account: string): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ b: bigint | null }[]>('SELECT SUM(amount)::bigint AS b FROM ledger_entry WHERE account_key = $1', account);
  return Number(rows[0]!.b ?? 0);
}

async function soundLedger(): Promise<void> {
  expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  expect(await reconcilePayments(db.prisma)).toEqual([]);
}

async function quotedWish(id: string, quote: number): Promise<WishId> {
  const wishId = id as WishId;
  await openWish({ wishes: s.wishes, outbox, gateway: s.gateway, clock, currency: 'EUR', id: wishId, title: `Feature ${id}`, description: 'Please', requester: 'requester' });
  await optInToQuote(s.repositories, id.split('#')[0]!);
  await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox, clock, id: wishId, amount: money(quote, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
  return wishId;
}

async function pledge(wishId: WishId, login: string, amount: number) {
  return placePledge({ wishes: s.wishes, gateway: s.gateway, outbox, clock, id: wishId, pledger: { source: 'github', id: login, display: login }, amount: money(amount, 'EUR') });
}

/** The pledger pays on Stripe's page; returns the checkout.session.completed event. */
function pay(checkoutUrl: string | null): object {
  const sessionId = checkoutUrl!.split('/').pop()!;
  return fake.event('checkout.session.completed', { ...fake.completeSession(sessionId) });
}

describe('pledges through Stripe Checkout', () => {
  let wishId: WishId;
  let events: object[];

  it('creates a Checkout Session per pledge with the amount, wish and pledger, keyed by the pledge', async () => {
    wishId = await quotedWish('acme/ui#1', 10_000);
    const a = await pledge(wishId, 'alice', 6_000);
    const b = await pledge(wishId, 'bob', 4_000);
    expect(a.offline).toBe(false);
    expect(a.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const calls = fake.callsTo('POST', '/v1/checkout/sessions');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.idempotencyKey).toBe(`pledge:${a.pledgeId}`);
    expect(calls[0]!.body).toMatchObject({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '6000' } }],
      metadata: { kind: 'pledge', wishId: 'acme/ui#1', pledgeId: a.pledgeId, pledger: 'github:alice' },
      payment_intent_data: { metadata: { pledgeId: a.pledgeId } },
    });
    // Asking again for the same pledge reuses the session.
    const again = await s.gateway!.startPledgeCheckout({ pledgeId: a.pledgeId, wishId, amount: money(6_000, 'EUR'), pledger: { source: 'github', id: 'alice', display: 'alice' }, idempotencyKey: `pledge:${a.pledgeId}` });
    expect(again.url).toBe(a.checkoutUrl);
    expect(fake.callsTo('POST', '/v1/checkout/sessions')).toHaveLength(2);
    events = [pay(a.checkoutUrl), pay(b.checkoutUrl)];
  });

  it('marks a pledge paid and credits the escrow when Stripe reports the payment; the quote funds the wish', async () => {
    const first = await deliver(events[0]!);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: true, duplicate: false, handled: true });
    let wish = await s.wishes.get(wishId);
    expect(wish!.status).toBe('quoted');
    expect(await balance(`wish:${wishId}`)).toBe(6_000);
    const second = await deliver(events[1]!);
    expect(second.body.result).toBe('pledge paid, wish funded');
    wish = await s.wishes.get(wishId);
    expect(wish!.status).toBe('funded');
    expect(wish!.pledges.every((p) => p.status === 'paid')).toBe(true);
    expect(await balance(`wish:${wishId}`)).toBe(10_000);
    expect(await balance('external:stripe')).toBe(-10_000);
    const rows = await s.payments.list({ kind: 'pledge', wishId });
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    await soundLedger();
  });

  it('counts an event delivered three times once (one after another and at the same time)', async () => {
    const wish2 = await quotedWish('acme/ui#2', 5_000);
    const p = await pledge(wish2, 'carol', 5_000);
    const event = pay(p.checkoutUrl);
    const replies = [await deliver(event), await deliver(event), await deliver(event)];
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.map((r) => r.body.duplicate)).toEqual([false, true, true]);
    // Another event id for the same payment (e.g. a second delivery path) is also harmless.
    const concurrent = await Promise.all([0, 1, 2].map(() => deliver(fake.event('checkout.session.completed', (event as any).data.object))));
    expect(concurrent.every((r) => r.status === 200)).toBe(true);
    expect(await ledgerTx(`pledge:${p.pledgeId}:paid`)).toBe(1);
    expect(await balance(`wish:${wish2}`)).toBe(5_000);
    const funded = await db.prisma.wishEvent.count({ where: { wishId: wish2, type: 'funded' } });
    expect(funded).toBe(1);
    const inbound = await db.prisma.inboundEvent.count({ where: { source: 'stripe', externalId: (event as any).id } });
    expect(inbound).toBe(1);
    // The event's object is kept with the record, for reconciliation.
    const recorded = await db.prisma.inboundEvent.findFirst({ where: { source: 'stripe', externalId: (event as any).id } });
    expect(recorded!.payload).toEqual((event as any).data.object);
    await soundLedger();
  });

  it('refuses tampered, stale, unsigned and wrongly signed events with a 4xx and no effect', async () => {
    const wish3 = await quotedWish('acme/ui#3', 9_000);
    const p = await pledge(wish3, 'dave', 3_000);
    const event = pay(p.checkoutUrl);
    const before = await db.prisma.inboundEvent.count();
    const tampered = await deliver(event, { tamper: (t) => t.replace('"amount_total": 3000', '"amount_total": 300000') });
    const stale = await deliver(event, { timestamp: Math.floor(now.getTime() / 1000) - 3600 });
    const ahead = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }); // signed 6 minutes ahead
    const wrongSecret = await deliver(event, { secret: 'whsec_someone_else' });
    const unsigned = await fetch(`${base}/stripe/webhooks`, { method: 'POST', body: JSON.stringify(event) });
    expect([tampered.status, stale.status, ahead.status, wrongSecret.status, unsigned.status]).toEqual([400, 400, 400, 400, 400]);
    expect(ahead.body.error.code).toBe('invalid_signature');
    expect(tampered.body.error.code).toBe('invalid_signature');
    expect(JSON.stringify(tampered.body)).not.toMatch(/at .*\.ts/); // no stack trace
    expect(await db.prisma.inboundEvent.count()).toBe(before);
    expect(await ledgerTx(`pledge:${p.pledgeId}:paid`)).toBe(0);
    expect((await s.wishes.get(wish3))!.pledges[0]!.status).toBe('committed');
    // The genuine delivery still works afterwards.
    expect((await deliver(event)).body.handled).toBe(true);
    expect(await ledgerTx(`pledge:${p.pledgeId}:paid`)).toBe(1);
  });
});

describe('refunds of a wish that expired or was cancelled', () => {
  it('refunds each paid pledge exactly once, even when the job runs twice and crashed halfway', async () => {
    now = new Date('2026-11-03T10:00:00Z');
    const wishId = await quotedWish('acme/ui#10', 100_000);
    const paid = [] as { pledgeId: string; amount: number }[];
    for (const [login, amount] of [['erin', 1_000], ['frank', 2_500], ['gina', 4_000]] as const) {
      const p = await pledge(wishId, login, amount);
      expect((await deliver(pay(p.checkoutUrl))).status).toBe(200);
      paid.push({ pledgeId: p.pledgeId, amount });
    }
    const committed = await pledge(wishId, 'hank', 500); // never paid
    expect(await balance(`wish:${wishId}`)).toBe(7_500);

    now = new Date('2027-01-05T10:00:00Z'); // past the 60-day deadline
    const { expired } = await expireWishes({ wishes: s.wishes, outbox, now: clock.now() });
    expect(expired.map((w) => w.id)).toContain(wishId);

    // Frank's refund happens at Stripe but the answer is lost (as if we crashed right after).
    fake.inject((m, p, b) => m === 'POST' && p === '/v1/refunds' && b.metadata?.pledgeId === paid[1]!.pledgeId, { kind: 'drop-after-effect' }, 2);
    const run = () => refundWishPledges({ wishes: s.wishes, payments: s.payments, gateway: s.gateway!, ledger: s.ledger, clock, wishId });
    const first = await run();
    expect(first.refunded.map((r) => r.pledgeId).sort()).toEqual([paid[0]!.pledgeId, paid[2]!.pledgeId].sort());
    expect(first.failed.map((r) => r.pledgeId)).toEqual([paid[1]!.pledgeId]);
    expect(first.released).toEqual([committed.pledgeId]);
    expect(await balance(`wish:${wishId}`)).toBe(2_500);

    const second = await run();
    expect(second.refunded).toEqual([{ pledgeId: paid[1]!.pledgeId, amount: 2_500 }]);
    expect(second.failed).toEqual([]);
    const third = await run();
    expect(third).toMatchObject({ refunded: [], failed: [], released: [], owed: [] });

    // Stripe holds exactly one refund per paid pledge, of its amount.
    const refunds = [...fake.refunds.values()].filter((r) => r.metadata.wishId === wishId);
    expect(refunds.map((r) => r.amount).sort((a, b) => a - b)).toEqual([1_000, 2_500, 4_000]);
    const keys = fake.callsTo('POST', '/v1/refunds').filter((c) => c.body.metadata?.wishId === wishId).map((c) => c.idempotencyKey);
    expect(new Set(keys)).toEqual(new Set(paid.map((p) => `refund:${p.pledgeId}`)));
    for (const p of paid) expect(await ledgerTx(`refund:${p.pledgeId}`)).toBe(1);
    expect(await balance(`wish:${wishId}`)).toBe(0);
    const wish = await s.wishes.get(wishId);
    expect(wish!.pledges.every((p) => p.status === 'refunded')).toBe(true);
    await soundLedger();
  });

  it('two refund jobs racing on a cancelled wish refund once; a later charge.refunded event changes nothing', async () => {
    const wishId = await quotedWish('acme/ui#11', 50_000);
    const p = await pledge(wishId, 'ivan', 7_000);
    await deliver(pay(p.checkoutUrl));
    await cancelWish({ wishes: s.wishes, outbox, clock, id: wishId, by: 'maint', isMaintainer: true });
    const run = () => refundWishPledges({ wishes: s.wishes, payments: s.payments, gateway: s.gateway!, ledger: s.ledger, clock, wishId });
    await Promise.all([run(), run()]);
    const refunds = [...fake.refunds.values()].filter((r) => r.metadata.pledgeId === p.pledgeId);
    expect(refunds).toHaveLength(1);
    const r = await deliver(fake.event('charge.refunded', { id: refunds[0]!.charge, object: 'charge', amount_refunded: 7_000, metadata: { kind: 'pledge', wishId, pledgeId: p.pledgeId } }));
    expect(r.body.result).toBe('refund confirmed');
    expect(await ledgerTx(`refund:${p.pledgeId}`)).toBe(1);
    expect(await balance(`wish:${wishId}`)).toBe(0);
    await soundLedger();
  });

  it('a payment arriving after the wish was cancelled and released is refunded at once, never kept', async () => {
    const wishId = await quotedWish('acme/ui#12', 50_000);
    const p = await pledge(wishId, 'judy', 1_500);
    await cancelWish({ wishes: s.wishes, outbox, clock, id: wishId, by: 'maint', isMaintainer: true });
    const report = await refundWishPledges({ wishes: s.wishes, payments: s.payments, gateway: s.gateway!, ledger: s.ledger, clock, wishId });
    expect(report.released).toEqual([p.pledgeId]);
    const late = await deliver(pay(p.checkoutUrl));
    expect(late.body.result).toBe('refunded_late');
    expect([...fake.refunds.values()].filter((r) => r.metadata.pledgeId === p.pledgeId)).toHaveLength(1);
    expect(await balance(`wish:${wishId}`)).toBe(0);
    await soundLedger();
  });
});

describe('company budgets and maintainer payouts', () => {
  const P = '2026-12' as Period;
  let ids: { paying: string; declined: string; nocard: string };

  beforeAll(async () => {
    now = new Date('2027-01-06T10:00:00Z');
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 });
    await seedRepository(db.prisma, 'psf/requests', ['pypi:requests'], { carol: 100 });
    await seedRepository(db.prisma, 'tiny/lib', ['npm:tiny'], { dave: 100 });
    ids = {
      paying: await seedCompany(db.prisma, { name: 'paying', budget: 100_000, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:tiny': 33 } }),
      declined: await seedCompany(db.prisma, { name: 'declined', budget: 50_000, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:tiny': 33 } }),
      nocard: await seedCompany(db.prisma, { name: 'nocard', budget: 20_000, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:tiny': 33 } }),
    };
  });

  it('saves a payment method through Checkout in setup mode', async () => {
    for (const id of [ids.paying, ids.declined]) {
      const link = await budgetSetupLink({ companies: s.companies, payments: s.payments, gateway: s.gateway!, companyId: id, now: clock.now() });
      expect(link.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
      const session = fake.completeSession(link.url!.split('/').pop()!);
      expect(session.mode).toBe('setup');
      expect((await deliver(fake.event('checkout.session.completed', { ...session }))).body.result).toBe('payment method saved');
    }
    const setups = fake.callsTo('POST', '/v1/checkout/sessions').filter((c) => c.body.mode === 'setup');
    expect(setups[0]!.body).toMatchObject({ allowed_payment_method_types: ['card'], customer: expect.stringMatching(/^cus_/), metadata: { kind: 'budget_setup', companyId: ids.paying } });
    const billing = await s.payments.billing(ids.paying);
    expect(billing?.customerId).toMatch(/^cus_/);
    expect(billing?.paymentMethodId).toMatch(/^pm_/);
    fake.decliningPaymentMethods.add((await s.payments.billing(ids.declined))!.paymentMethodId!);
  });

  it('charges budgets off-session at close; a failed charge leaves that allocation unfunded, recorded and reported', async () => {
    const budgets = budgetCollector({ gateway: s.gateway!, payments: s.payments, outbox, currency: 'EUR' });
    // Stripe is unreachable for the first charge: nothing is distributed, the close can be re-run.
    fake.inject((m, p) => m === 'POST' && p === '/v1/payment_intents', { kind: 'error', status: 500, error: { type: 'api_error', message: 'boom' } });
    await expect(closePeriod({ ledger: s.ledger, clock, period: P, budgets })).rejects.toMatchObject({ code: 'payment_failed' });
    expect(await db.prisma.ledgerTransaction.count({ where: { period: P } })).toBe(0);

    const report = await closePeriod({ ledger: s.ledger, clock, period: P, budgets });
    expect(report.closedNow).toBe(true);
    expect(report.unfunded.map((u) => u.companyId).sort()).toEqual([ids.declined, ids.nocard].sort());
    expect(await balance(`company:${ids.paying}`)).toBe(-100_000);
    expect(await balance(`company:${ids.declined}`)).toBe(0);
    expect(await balance(`company:${ids.nocard}`)).toBe(0);
    // One successful PaymentIntent for the paying company, under its key.
    const charges = fake.callsTo('POST', '/v1/payment_intents');
    expect(charges.every((c) => c.idempotencyKey === `budget:${c.body.metadata.companyId}:${P}`)).toBe(true);
    const succeeded = [...fake.paymentIntents.values()].filter((pi) => pi.metadata.kind === 'budget_charge' && pi.status === 'succeeded');
    expect(succeeded.map((pi) => [pi.metadata.companyId, pi.amount])).toEqual([[ids.paying, 100_000]]);
    expect(charges.find((c) => c.body.metadata.companyId === ids.paying)!.body).toMatchObject({ off_session: 'true', confirm: 'true', amount: '100000', currency: 'eur' });

    const rows = await s.payments.list({ kind: 'budget_charge', period: P });
    const status = Object.fromEntries(rows.map((r) => [r.companyId, r.status]));
    expect(status).toEqual({ [ids.paying]: 'succeeded', [ids.declined]: 'failed', [ids.nocard]: 'failed' });
    // The reasons receipts show; the failure's time (the clock's) opens the 7-day late retry window.
    const errors = Object.fromEntries(rows.map((r) => [r.companyId, r.error]));
    expect(errors).toEqual({ [ids.paying]: null, [ids.declined]: 'card declined: Your card has insufficient funds.', [ids.nocard]: 'no card saved' });
    const failedNotices = notices.filter((n) => n.data.type === 'budget_charge_failed');
    expect(failedNotices.map((n) => n.target).sort()).toEqual([`company:${ids.declined}`, `company:${ids.nocard}`].sort());
    expect(failedNotices.find((n) => n.target === `company:${ids.declined}`)!.text).toMatch(/insufficient funds.*not funded for 2026-12/);

    // Closing again charges nobody again.
    const before = fake.callsTo('POST', '/v1/payment_intents').length;
    const again = await closePeriod({ ledger: s.ledger, clock, period: P, budgets });
    expect(again.written).toBe(0);
    expect(fake.callsTo('POST', '/v1/payment_intents')).toHaveLength(before);
    await soundLedger();
  });

  it('pays each maintainer once per period, with the right amounts; small or unbanked balances carry over', async () => {
    // paying: 100 000 → react 34 000 (alice 60 % = 20 400, bob 13 600), requests 33 000 (carol), tiny 33 000 (dave)
    const alice = await maintainerOnboardingLink({ payments: s.payments, gateway: s.gateway!, login: 'Alice', publicUrl: 'http://upkeep.test' });
    expect(alice.url).toMatch(/^https:\/\/connect\.stripe\.test\//);
    const bob = await maintainerOnboardingLink({ payments: s.payments, gateway: s.gateway!, login: 'bob', publicUrl: 'http://upkeep.test' });
    const dave = await maintainerOnboardingLink({ payments: s.payments, gateway: s.gateway!, login: 'dave', publicUrl: 'http://upkeep.test' });
    for (const id of [alice.accountId!, dave.accountId!]) {
      const r = await deliver(fake.event('account.updated', { ...fake.enablePayouts(id) }));
      expect(r.body.result).toBe('payouts enabled');
    }
    expect((await s.payments.maintainerAccount('bob'))!.payoutsEnabled).toBe(false);
    expect(bob.accountId).toMatch(/^acct_/);

    // Dave's transfer is made but its answer is lost.
    fake.inject((m, p, b) => m === 'POST' && p === '/v1/transfers' && b.metadata?.login === 'dave', { kind: 'drop-after-effect' }, 2);
    const run = (minimum?: number) => sendPayouts({ payments: s.payments, gateway: s.gateway!, ledger: s.ledger, clock, period: P, currency: 'EUR', ...(minimum ? { minimum } : {}) });
    const first = await run();
    expect(first.sent).toEqual([{ login: 'alice', amount: 20_400, paymentId: expect.any(String) }]);
    expect(first.failed).toEqual([{ login: 'dave', amount: 33_000, error: expect.any(String), retried: true }]);
    expect(first.carried).toEqual(
      expect.arrayContaining([
        { login: 'bob', balance: 13_600, reason: 'account_not_ready' },
        { login: 'carol', balance: 33_000, reason: 'no_account' },
      ]),
    );
    const second = await run();
    expect(second.sent).toEqual([{ login: 'dave', amount: 33_000, paymentId: expect.any(String) }]);
    const third = await run();
    expect(third.sent).toEqual([]);
    expect(third.failed).toEqual([]);

    const transfers = [...fake.transfers.values()];
    expect(transfers.map((t) => [t.metadata.login, t.amount, t.destination]).sort()).toEqual(
      [
        ['alice', 20_400, alice.accountId],
        ['dave', 33_000, dave.accountId],
      ].sort(),
    );
    const keys = fake.callsTo('POST', '/v1/transfers').map((c) => c.idempotencyKey);
    expect(new Set(keys)).toEqual(new Set([`payout:alice:${P}`, `payout:dave:${P}`]));
    expect(await balance('maintainer:alice')).toBe(0);
    expect(await balance('maintainer:dave')).toBe(0);
    expect(await balance('maintainer:bob')).toBe(13_600); // carried over
    expect(await ledgerTx(`payout:alice:${P}`)).toBe(1);
    await soundLedger();
  });

  it('keeps a balance below the minimum for later', async () => {
    const r = await sendPayouts({ payments: s.payments, gateway: s.gateway!, ledger: s.ledger, clock, period: P, currency: 'EUR', minimum: 50_000 });
    expect(r.sent).toEqual([]);
    await expect(sendPayouts({ payments: s.payments, gateway: s.gateway!, ledger: s.ledger, clock, period: '2027-01' as Period, currency: 'EUR' })).rejects.toMatchObject({ code: 'period_not_closed' });
  });

  it('uses the real SDK with retries off against the fake', () => {
    expect(s.gateway).toBeInstanceOf(StripeGateway);
    expect(fake.calls.every((c) => c.path.startsWith('/v1/'))).toBe(true);
  });
});

describe('reconciliation and failed payments', () => {
  it('records a failed pledge payment attempt without marking anything paid', async () => {
    const wishId = await quotedWish('acme/ui#20', 8_000);
    const p = await pledge(wishId, 'kim', 2_000);
    const r = await deliver(fake.event('payment_intent.payment_failed', { id: 'pi_failed_1', object: 'payment_intent', status: 'requires_payment_method', last_payment_error: { message: 'Your card was declined.' }, metadata: { kind: 'pledge', wishId, pledgeId: p.pledgeId } }));
    expect(r.body).toMatchObject({ handled: true, result: 'pledge payment attempt failed' });
    const row = await s.payments.forPledge(p.pledgeId, 'pledge');
    expect(row).toMatchObject({ status: 'pending', error: 'Your card was declined.' });
    expect((await s.wishes.get(wishId))!.pledges[0]!.status).toBe('committed');
    expect(await ledgerTx(`pledge:${p.pledgeId}:paid`)).toBe(0);
    const unknown = await deliver(fake.event('invoice.paid', { id: 'in_1', object: 'invoice' }));
    expect(unknown).toMatchObject({ status: 200, body: { handled: false, result: 'ignored invoice.paid' } });
    await soundLedger();
  });

  it('books a refund made outside Upkeep (the dashboard) while the wish is not funded, and lists one it cannot book', async () => {
    const wishId = await quotedWish('acme/ui#21', 8_000);
    const p = await pledge(wishId, 'lee', 3_000);
    await deliver(pay(p.checkoutUrl));
    expect(await balance(`wish:${wishId}`)).toBe(3_000);
    const r = await deliver(fake.event('charge.refunded', { id: 'ch_outside', object: 'charge', amount: 3_000, amount_refunded: 3_000, refunded: true, metadata: { kind: 'pledge', wishId, pledgeId: p.pledgeId } }));
    expect(r.body).toMatchObject({ handled: true, result: 'refund confirmed' });
    // The money given back is no longer counted: the escrow returned it and the pledge is refunded.
    expect(await balance(`wish:${wishId}`)).toBe(0);
    expect(await ledgerTx(`refund:${p.pledgeId}`)).toBe(1);
    expect((await s.wishes.get(wishId))!.pledges.find((x) => x.id === p.pledgeId)!.status).toBe('refunded');
    await soundLedger();

    // Part of a charge refunded in the dashboard: nothing is booked, and the difference is named.
    const q = await pledge(wishId, 'mia', 2_000);
    await deliver(pay(q.checkoutUrl));
    const event = fake.event('charge.refunded', { id: 'ch_partial', object: 'charge', amount: 2_000, amount_refunded: 500, refunded: false, metadata: { kind: 'pledge', wishId, pledgeId: q.pledgeId } });
    const partial = await deliver(event);
    expect(partial.body).toMatchObject({ handled: false, result: 'partial refund of 500 of 2000; see upkeep check' });
    expect(await balance(`wish:${wishId}`)).toBe(2_000);
    const diffs = await reconcilePayments(db.prisma);
    expect(diffs).toEqual([
      {
        check: 'Stripe refunded a charge Upkeep did not refund',
        detail: `event ${(event as { id: string }).id}: charge ch_partial refunded 500 of 2000 for pledge ${q.pledgeId} of wish ${wishId}, but no refund of that pledge is recorded`,
      },
    ]);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]); // the ledger itself is sound
  });
});
