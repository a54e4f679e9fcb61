// Fault injection (issue 14): Stripe performs the charge (or the transfer) and then answers too
// late, so the SDK gives up with a timeout although the money moved. The real stripe-node SDK
// (timeout 300 ms, retries off) talks to the recording fake (test/fakes/stripe-api.ts), which
// stores the result under the request's Idempotency-Key and sends its answer only after 1.5 s.
// Upkeep must take the outcome as unknown, leave the month undistributed, and on the next run
// ask again with the same key: Stripe (the fake) replays the first result and creates nothing,
// so there is exactly one charge, the company's month is funded once, and the ledger is clean.
// Covered: the month-end budget charge (collect-budgets, in the close), the late retry of an
// unfunded month when a card is saved (retry-unfunded-budgets), and a payout transfer
// (send-payouts). Real PostgreSQL.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Notice, NotificationOutbox } from '../core/ports/notifications.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetSetupLink, completeBudgetSetup } from '../core/use-cases/payments/budget-setup-link.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { maintainerOnboardingLink, updatePayoutAccount } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { retryUnfundedBudgets } from '../core/use-cases/payments/retry-unfunded-budgets.ts';
import { sendPayouts } from '../core/use-cases/payments/send-payouts.ts';
import { createLogger } from '../edge/logger.ts';
import { StripeGateway } from '../payments/stripe-gateway.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { reconcilePayments } from '../prisma/payment-store.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { seedCompany, seedRepository } from './seed.ts';

const P = '2026-11' as Period;
const SDK_TIMEOUT_MS = 300;
const LATE_ANSWER_MS = 1_500;

let now = new Date('2026-12-01T00:10:00Z');
const clock: Clock = { now: () => new Date(now) };
const notices: Notice[] = [];
const outbox: NotificationOutbox = { enqueue: async (n) => void notices.push(...n) };

let fake: FakeStripe;
let db: TestDatabase;
let s: Services;
let gateway: StripeGateway;
let ids: { acme: string; late: string };

const tooLate = { kind: 'delay-after-effect', ms: LATE_ANSWER_MS } as const;
const isCharge = (companyId: string) => (m: string, p: string, b: Record<string, any>) => m === 'POST' && p === '/v1/payment_intents' && b.metadata?.companyId === companyId; // eslint-disable-line @typescript-eslint/no-explicit-any

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ n: bigint | null }[]>(sql, ...params);
  return Number(rows[0]!.n ?? 0);
}
const ledgerTx = (key: string) => count('SELECT COUNT(*) AS n FROM ledger_transaction WHERE key = $1', key);
const balance = (account: string) => count('SELECT SUM(amount)::bigint AS n FROM ledger_entry WHERE account_key = $1', account);

async function soundLedger(): Promise<void> {
  expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  expect(await reconcilePayments(db.prisma)).toEqual([]);
}

/** The company saves a card through the setup Checkout (what the webhook does with the completed session). */
async function saveCard(companyId: string): Promise<void> {
  const link = await budgetSetupLink({ companies: s.companies, payments: s.payments, gateway, companyId, now: clock.now() });
  const session = fake.completeSession(link.url!.split('/').pop()!);
  const r = await completeBudgetSetup({ payments: s.payments, gateway, companyId, customerId: session.customer, setupIntentId: session.setup_intent });
  expect(r.saved).toBe(true);
}

beforeAll(async () => {
  fake = await startFakeStripe();
  db = await openTestDatabase('postgres');
  const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_timeout', STRIPE_WEBHOOK_SECRET: 'whsec_timeout', STRIPE_API_URL: fake.url, PUBLIC_URL: 'http://upkeep.test', CURRENCY: 'EUR' });
  s = { ...createServices({ config, db, clock, log: createLogger('silent') }), outbox };
  // The gateway the platform builds, with a timeout the fake's late answer exceeds.
  gateway = new StripeGateway({ secretKey: 'sk_test_timeout', apiUrl: fake.url, publicUrl: 'http://upkeep.test', store: s.payments, maxNetworkRetries: 0, timeoutMs: SDK_TIMEOUT_MS });
  await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 });
  await seedRepository(db.prisma, 'psf/requests', ['pypi:requests'], { carol: 100 });
  await seedRepository(db.prisma, 'tiny/lib', ['npm:tiny'], { dave: 100 });
  const allocation = { 'npm:react': 34, 'pypi:requests': 33, 'npm:tiny': 33 };
  ids = { acme: await seedCompany(db.prisma, { name: 'acme', budget: 100_000, allocation }), late: await seedCompany(db.prisma, { name: 'late', budget: 30_000, allocation }) };
  await saveCard(ids.acme); // `late` has no card at the close
}, 60_000);

afterAll(async () => {
  await db?.close();
  await fake?.stop();
});

describe('the fake Stripe honours Idempotency-Key like Stripe', () => {
  it('replays the first answer for a repeated key, creates nothing more, and refuses the key with other parameters', async () => {
    const stripe = new Stripe('sk_test_timeout', { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0 });
    const before = fake.paymentIntents.size;
    const params = { amount: 1_234, currency: 'eur', metadata: { kind: 'probe' } };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'probe:1' });
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: 'probe:1' });
    expect(again.id).toBe(first.id);
    expect(fake.paymentIntents.size).toBe(before + 1);
    expect(fake.callsTo('POST', '/v1/payment_intents').filter((c) => c.idempotencyKey === 'probe:1').map((c) => c.replayed)).toEqual([false, true]);
    await expect(stripe.paymentIntents.create({ ...params, amount: 9_999 }, { idempotencyKey: 'probe:1' })).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
    expect(fake.paymentIntents.size).toBe(before + 1);
  });

  it('a late answer makes the SDK time out although the object was created', async () => {
    const stripe = new Stripe('sk_test_timeout', { host: '127.0.0.1', port: fake.port, protocol: 'http', maxNetworkRetries: 0, timeout: SDK_TIMEOUT_MS });
    fake.inject((m, p, b) => m === 'POST' && p === '/v1/payment_intents' && b.metadata?.kind === 'probe-late', tooLate);
    const before = fake.paymentIntents.size;
    await expect(stripe.paymentIntents.create({ amount: 500, currency: 'eur', metadata: { kind: 'probe-late' } }, { idempotencyKey: 'probe:late' })).rejects.toMatchObject({ type: 'StripeConnectionError' });
    expect(fake.paymentIntents.size).toBe(before + 1);
    const replay = await stripe.paymentIntents.create({ amount: 500, currency: 'eur', metadata: { kind: 'probe-late' } }, { idempotencyKey: 'probe:late' });
    expect(fake.created('paymentIntents', { kind: 'probe-late' }).map((pi) => pi.id)).toEqual([replay.id]);
  });
});

describe('a Stripe timeout after the charge succeeded', () => {
  it('month-end budget charge: the close stops undistributed, the re-run asks with the same key, one charge, funded once', async () => {
    const budgets = budgetCollector({ gateway, payments: s.payments, outbox, currency: 'EUR', companies: s.companies, clock });
    fake.inject(isCharge(ids.acme), tooLate);
    await expect(closePeriod({ ledger: s.ledger, clock, period: P, budgets })).rejects.toMatchObject({ code: 'payment_failed' });
    // Stripe charged, Upkeep does not know it yet: nothing distributed, the row waits with its key.
    expect(fake.created('paymentIntents', { kind: 'budget_charge', companyId: ids.acme }).map((pi) => [pi.amount, pi.status])).toEqual([[100_000, 'succeeded']]);
    expect(await db.prisma.ledgerTransaction.count({ where: { period: P } })).toBe(0);
    const pending = await s.payments.byKey(`budget:${ids.acme}:${P}`);
    expect(pending).toMatchObject({ status: 'pending', externalId: null });
    expect(pending!.error).toMatch(/timed out|timeout|ETIMEDOUT|connection/i);

    // The late answer reaches a closed socket meanwhile; the next run (the job's retry) asks again.
    await new Promise((r) => setTimeout(r, LATE_ANSWER_MS));
    const report = await closePeriod({ ledger: s.ledger, clock, period: P, budgets });
    expect(report.closedNow).toBe(true);
    expect(report.unfunded.map((u) => [u.companyId, u.reason])).toEqual([[ids.late, 'no card saved']]);
    const charges = fake.callsTo('POST', '/v1/payment_intents').filter((c) => c.body.metadata?.companyId === ids.acme);
    expect(charges.map((c) => [c.idempotencyKey, c.replayed])).toEqual([
      [`budget:${ids.acme}:${P}`, false],
      [`budget:${ids.acme}:${P}`, true],
    ]);
    const pis = fake.created('paymentIntents', { kind: 'budget_charge', companyId: ids.acme });
    expect(pis).toHaveLength(1);
    expect(await s.payments.byKey(`budget:${ids.acme}:${P}`)).toMatchObject({ status: 'succeeded', externalId: pis[0]!.id, error: null });
    expect(await ledgerTx(`close:${P}:contribution:${ids.acme}`)).toBe(1);
    expect(await balance(`company:${ids.acme}`)).toBe(-100_000);

    // A third run changes nothing and asks Stripe nothing.
    const again = await closePeriod({ ledger: s.ledger, clock, period: P, budgets });
    expect(again.written).toBe(0);
    expect(fake.callsTo('POST', '/v1/payment_intents').filter((c) => c.body.metadata?.companyId === ids.acme)).toHaveLength(2);
    await soundLedger();
  });

  it('late retry of an unfunded month (a card saved within 7 days): pending after the timeout, funded late once on the redelivery', async () => {
    now = new Date('2026-12-03T09:00:00Z');
    await saveCard(ids.late);
    fake.inject(isCharge(ids.late), tooLate);
    const retry = () => retryUnfundedBudgets({ payments: s.payments, gateway, ledger: s.ledger, unfundedMonths: s.unfundedMonths, companies: s.companies, outbox, clock, companyId: ids.late });
    const first = await retry();
    expect(first).toEqual([{ period: P, outcome: 'pending', reason: expect.stringMatching(/timed out|timeout|ETIMEDOUT|connection/i) }]);
    expect(fake.created('paymentIntents', { kind: 'budget_charge', companyId: ids.late }).map((pi) => [pi.amount, pi.status])).toEqual([[30_000, 'succeeded']]);
    expect(await ledgerTx(`close:${P}:late:${ids.late}:contribution`)).toBe(0);

    // Stripe redelivers the checkout.session.completed event (the webhook failed): the same key is asked again.
    const second = await retry();
    expect(second).toEqual([{ period: P, outcome: 'funded', amount: 30_000, written: expect.any(Number) }]);
    const third = await retry();
    expect(third.every((r) => r.outcome === 'funded' && r.written === 0)).toBe(true);
    expect(fake.created('paymentIntents', { kind: 'budget_charge', companyId: ids.late })).toHaveLength(1);
    const keys = fake.callsTo('POST', '/v1/payment_intents').filter((c) => c.body.metadata?.companyId === ids.late).map((c) => c.idempotencyKey);
    expect(new Set(keys)).toEqual(new Set([`budget:${ids.late}:${P}:retry`]));
    expect(await ledgerTx(`close:${P}:late:${ids.late}:contribution`)).toBe(1);
    expect(await balance(`company:${ids.late}`)).toBe(-30_000);
    expect(notices.filter((n) => n.key.startsWith(`budget:${ids.late}:${P}:retry:funded`))).not.toHaveLength(0);
    await soundLedger();
  });

  it('payout transfer: a transfer made but answered too late is retried with the same key; one transfer, paid out once', async () => {
    now = new Date('2026-12-04T09:00:00Z');
    for (const login of ['alice', 'carol']) {
      const link = await maintainerOnboardingLink({ payments: s.payments, gateway, login, publicUrl: 'http://upkeep.test' });
      fake.enablePayouts(link.accountId!);
      expect(await updatePayoutAccount({ payments: s.payments, accountId: link.accountId!, payoutsEnabled: true })).toBe(true);
    }
    const owedToCarol = await balance('maintainer:carol');
    expect(owedToCarol).toBeGreaterThan(0);
    fake.inject((m, p, b) => m === 'POST' && p === '/v1/transfers' && b.metadata?.login === 'carol', tooLate);
    const run = () => sendPayouts({ payments: s.payments, gateway, ledger: s.ledger, clock, period: P, currency: 'EUR' });
    const first = await run();
    expect(first.sent.map((x) => x.login)).toEqual(['alice']);
    expect(first.failed).toEqual([{ login: 'carol', amount: owedToCarol, error: expect.stringMatching(/timed out|timeout|ETIMEDOUT|connection/i), retried: true }]);
    expect(fake.created('transfers', { login: 'carol' })).toHaveLength(1);
    expect(await balance('maintainer:carol')).toBe(owedToCarol);

    const second = await run();
    expect(second.sent).toEqual([{ login: 'carol', amount: owedToCarol, paymentId: expect.any(String) }]);
    expect((await run()).sent).toEqual([]);
    expect(fake.created('transfers', { login: 'carol' }).map((t) => t.amount)).toEqual([owedToCarol]);
    expect(fake.callsTo('POST', '/v1/transfers').filter((c) => c.body.metadata?.login === 'carol').map((c) => [c.idempotencyKey, c.replayed])).toEqual([
      [`payout:carol:${P}`, false],
      [`payout:carol:${P}`, true],
    ]);
    expect(await ledgerTx(`payout:carol:${P}`)).toBe(1);
    expect(await balance('maintainer:carol')).toBe(0);
    await soundLedger();
  });
});
