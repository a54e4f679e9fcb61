// Companies pay from Slack (issue 11), end to end through the real adapters: signed `/upkeep`
// commands to the real Bolt app (recording fake Slack API), the real stripe-node SDK against the
// recording fake Stripe API, signed Stripe events on our webhook, the month-end close with
// budget collection, the notices delivered by the worker's code through the Slack deliverer,
// and the company receipts API — on real PostgreSQL.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { retryUnfundedBudgets } from '../core/use-cases/payments/retry-unfunded-budgets.ts';
import { billingBlocks, renderBilling } from '../bots/slack/billing.ts';
import { slackDeliverer } from '../bots/slack/deliverer.ts';
import { paymentRoutes } from '../app/web.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { reconcilePayments } from '../prisma/payment-store.ts';
import { apiRoutes } from '../web/api.ts';
import { deliverNotification } from '../worker/notifications.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeSlackApi, startSlackTestApp, textOf, type FakeSlackApi, type SlackTestApp } from './fakes/slack-api.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { seedRepository } from './seed.ts';

const SECRET = 'whsec_test_billing';
const signer = new Stripe('sk_test_signer');
const P = '2026-11' as Period;
const DAY = 86_400_000;

// Commands run at the machine's time (allocations are stamped by the database); the close and
// the card savings move the clock explicitly.
let now = new Date();
const clock: Clock = { now: () => new Date(now) };

let db: TestDatabase;
let slack: FakeSlackApi;
let stripe: FakeStripe;
let t: SlackTestApp;
let web: HttpApp;
let base: string;
let failedAt: Date;
const ids: Record<'acme' | 'beta' | 'late' | 'poor', string> = { acme: '', beta: '', late: '', poor: '' };
const tokens: Record<string, string> = {};

const cmd = (team: string, user: string, text: string) => t.driver.command(team, user, text);

async function deliver(event: object): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(event);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  const res = await fetch(`${base}/stripe/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return { status: res.status, body: await res.json() };
}

/** The Checkout URL of a `billing` reply's button. */
function checkoutUrlOf(r: { json: Record<string, unknown> | null }): string {
  const url = /"url":"(https:\/\/checkout\.stripe\.test\/[^"]+)"/.exec(JSON.stringify(r.json?.blocks ?? []))?.[1];
  expect(url).toBeDefined();
  return url!;
}

/** The admin pays nothing but saves a card on Stripe's page; returns the completed event. */
function saveCard(url: string, card?: Parameters<FakeStripe['completeSession']>[1]): object {
  return stripe.event('checkout.session.completed', { ...stripe.completeSession(url.split('/').pop()!, card) });
}

async function balance(account: string): Promise<number> {
  const rows = await db.prisma.$queryRawUnsafe<{ b: bigint | null }[]>('SELECT SUM(amount)::bigint AS b FROM ledger_entry WHERE account_key = $1', account);
  return Number(rows[0]!.b ?? 0);
}

async function keysLike(pattern: string): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ key: string }[]>('SELECT key FROM ledger_transaction WHERE key LIKE $1 ORDER BY key', pattern);
  return rows.map((r) => r.key);
}

async function receipt(company: keyof typeof ids, csv = false): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/api/v1/company/receipts?period=${P}`, { headers: { authorization: `Bearer ${tokens[company]}`, ...(csv ? { accept: 'text/csv' } : {}) } });
  return { status: res.status, body: csv ? await res.text() : await res.json() };
}

/** Delivers every pending notification as the worker does, through the Slack deliverer. */
async function runDeliveries(): Promise<void> {
  const deliverers = { slack: slackDeliverer({ settings: t.deps.settings, installations: null }) };
  const pending = await t.services.notifications.pendingBefore(new Date(Date.now() + 60_000), 1_000);
  for (const id of pending) await deliverNotification({ notifications: t.services.notifications, id, deliverers, log: t.services.log, attempt: 1 });
}

const directMessagesTo = (user: string) => slack.of('chat.postMessage').filter((c) => c.params.channel === user);

async function soundLedger(): Promise<void> {
  expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  expect(await reconcilePayments(db.prisma)).toEqual([]);
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  slack = await startFakeSlackApi();
  stripe = await startFakeStripe();
  t = await startSlackTestApp({ db, fake: slack, clock, env: { STRIPE_SECRET_KEY: 'sk_test_upkeep', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: stripe.url } });
  const s = t.services;
  web = createHttpApp({
    log: s.log,
    routes: [
      ...paymentRoutes(s),
      apiRoutes({ fundingStats: s.fundingStats, packages: s.packages, clock, companies: s.companies, ledger: s.ledger, hashToken: s.hashToken, payments: s.payments, currency: 'EUR' }),
    ],
  });
  base = await web.listen(0, '127.0.0.1');
  await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 });
  await seedRepository(db.prisma, 'psf/requests', ['pypi:requests'], { carol: 100 });
  // Four companies, one workspace each, the same allocation: npm:nomaint has no maintainer (escrow).
  const companies = [
    ['acme', 'T1', 'UADMIN', 100_000],
    ['beta', 'T2', 'UBETA', 50_000],
    ['late', 'T3', 'ULATE', 20_000],
    ['poor', 'T4', 'UPOOR', 30_000],
  ] as const;
  for (const [name, team, admin, budget] of companies) {
    expect(textOf(await cmd(team, admin, `setup ${name}`))).toContain(name);
    await cmd(team, admin, 'deps add npm:react pypi:requests npm:nomaint');
    const b = await cmd(team, admin, `budget ${budget / 100}`);
    // With Stripe on and no card saved, `budget` says so and what to run.
    expect(textOf(b)).toContain('No card is saved yet');
    expect(textOf(b)).toContain('/upkeep billing');
    expect(textOf(await cmd(team, admin, 'allocate npm:react=34 pypi:requests=33 npm:nomaint=33'))).toContain('Allocation saved');
    const company = await db.prisma.company.findUniqueOrThrow({ where: { workspace: `slack:${team}` } });
    ids[name] = company.id;
    tokens[name] = /upk_[A-Za-z0-9_-]{43}/.exec(textOf(await cmd(team, admin, 'token')))![0];
  }
  // acme has a second admin; UMEMBER is a plain member of acme.
  expect(textOf(await cmd('T1', 'UADMIN', 'admin grant <@UADMIN2>'))).toContain('UADMIN2');
}, 60_000);

afterAll(async () => {
  await web?.close();
  await t?.close();
  await stripe?.stop();
  await slack?.close();
  await db?.close();
});

describe('/upkeep billing', () => {
  it('is refused to members, with nothing started at Stripe', async () => {
    const before = stripe.callsTo('POST', '/v1/checkout/sessions').length;
    const r = await cmd('T1', 'UMEMBER', 'billing');
    expect(r.json?.response_type).toBe('ephemeral');
    expect(textOf(r)).toContain('Not allowed');
    expect(textOf(r)).not.toContain('checkout.stripe.test');
    expect(stripe.callsTo('POST', '/v1/checkout/sessions')).toHaveLength(before);
  });

  it('status says no card is saved and what to run', async () => {
    const text = textOf(await cmd('T1', 'UADMIN', 'status'));
    expect(text).toContain('No card saved');
    expect(text).toContain('/upkeep billing');
  });

  it('gives an admin a Checkout link in setup mode as a button; the completed event saves the card; billing then shows it', async () => {
    const r = await cmd('T2', 'UBETA', 'billing');
    expect(textOf(r)).toContain('No card saved yet');
    const url = checkoutUrlOf(r);
    const button = (r.json!.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    expect(button).toMatchObject({ type: 'button', url, text: { text: 'Save a card' } });
    const call = stripe.callsTo('POST', '/v1/checkout/sessions').at(-1)!;
    expect(call.body).toMatchObject({
      mode: 'setup',
      allowed_payment_method_types: ['card'],
      metadata: { kind: 'budget_setup', companyId: ids.beta },
      success_url: `${t.services.config.publicUrl}/billing/done`,
      cancel_url: `${t.services.config.publicUrl}/company?billing=cancelled`,
    });
    const event = saveCard(url, { brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2031 });
    const saved = await deliver(event);
    expect(saved).toMatchObject({ status: 200, body: { handled: true, result: 'payment method saved' } });
    const billing = await t.services.payments.billing(ids.beta);
    expect(billing).toMatchObject({ customerId: expect.stringMatching(/^cus_/), paymentMethodId: expect.stringMatching(/^pm_/), card: { brand: 'mastercard', last4: '4444', expMonth: 3, expYear: 2031 } });
    const again = textOf(await cmd('T2', 'UBETA', 'billing'));
    expect(again).toContain('Card on file:* Mastercard ending 4444, expires 03/2031');
    expect(again).toContain('Replace the card');
    expect(textOf(await cmd('T2', 'UBETA', 'status'))).toContain('Mastercard ending 4444, expires 03/2031');
    expect(textOf(await cmd('T2', 'UBETA', 'budget 500'))).not.toContain('No card is saved yet');
  });
});

describe('a month-end close with no card saved', () => {
  beforeAll(async () => {
    // poor saves a card whose off-session charges are declined (used by the retry below).
    // The close runs now (after the allocations were saved), as the worker's job runs it.
    now = new Date(Date.now() + 1_000);
    failedAt = new Date(now);
    const s = t.services;
    const budgets = budgetCollector({ gateway: s.gateway, payments: s.payments, outbox: s.outbox, currency: 'EUR', companies: s.companies, clock });
    const report = await closePeriod({ ledger: s.ledger, clock, period: P, budgets, announce: { outbox: s.outbox, currency: 'EUR' } });
    expect(report.closedNow).toBe(true);
    expect(Object.fromEntries(report.unfunded.map((u) => [u.companyId, u.reason]))).toEqual({ [ids.acme]: 'no card saved', [ids.late]: 'no card saved', [ids.poor]: 'no card saved' });
  });

  it('leaves the month unfunded with its reason, in JSON, CSV and Slack receipt and export; nothing is debited', async () => {
    const json = await receipt('acme');
    expect(json).toEqual({ status: 200, body: { period: P, company: 'acme', status: 'unfunded', reason: 'no card saved', total: { amount: 0, currency: 'EUR' }, lines: [] } });
    const csv = await receipt('acme', true);
    expect(csv.body.trim().split('\n')).toEqual(['period,package,maintainer,amount,escrow,currency', '2026-11,unfunded: no card saved,,0,0,EUR']);
    const slackReceipt = textOf(await cmd('T1', 'UMEMBER', `receipt ${P}`));
    expect(slackReceipt).toContain('*Unfunded:* no card saved');
    const link = /<(http:\/\/127\.0\.0\.1:\d+\/slack-downloads\/[^|>]+)\|Download the CSV>/.exec(textOf(await cmd('T1', 'UMEMBER', 'export')))?.[1];
    expect((await (await fetch(link!)).text()).trim().split('\n')).toEqual(['period,package,maintainer,amount,escrow,currency', '2026-11,unfunded: no card saved,,0,0,EUR']);
    expect(await balance(`company:${ids.acme}`)).toBe(0);
    // beta was charged and distributed at the close.
    expect((await receipt('beta')).body).toMatchObject({ status: 'funded', total: { amount: 50_000 } });
    await soundLedger();
  });

  it('tells each admin directly (a Slack DM to the user id), with the reason and how to fix it; members are not told', async () => {
    await runDeliveries();
    for (const admin of ['UADMIN', 'UADMIN2']) {
      const dms = directMessagesTo(admin);
      expect(dms).toHaveLength(1);
      expect(dms[0]!.token).toBe('xoxb-single-workspace');
      expect(String(dms[0]!.params.text)).toContain('€1,000.00 for 2026-11 could not be charged: no card saved');
      expect(JSON.stringify(dms[0]!.params.blocks)).toContain('Run `/upkeep billing`');
    }
    expect(directMessagesTo('UMEMBER')).toEqual([]);
    expect(directMessagesTo('ULATE')).toHaveLength(1);
    expect(directMessagesTo('UBETA')).toEqual([]);
    // Delivering again sends nothing new.
    const sent = slack.of('chat.postMessage').length;
    await runDeliveries();
    expect(slack.of('chat.postMessage')).toHaveLength(sent);
  });

  it('shows the failure on App Home with the reason and how to fix it', async () => {
    slack.reset();
    expect((await t.driver.event('T1', { type: 'app_home_opened', user: 'UADMIN', tab: 'home', channel: 'D1' })).status).toBe(200);
    const publish = await slack.waitFor((c) => c.method === 'views.publish');
    const home = JSON.stringify(publish.params.view);
    expect(home).toContain('Unfunded months');
    expect(home).toContain('*2026-11* €1,000.00 not charged: no card saved');
    expect(home).toContain('No card saved');
    expect(home).toContain('/upkeep billing');
  });
});

describe('a card saved after the failed charge', () => {
  it('within 7 days: retries that month once and distributes it once, whatever the event deliveries', async () => {
    now = new Date(failedAt.getTime() + 2 * DAY);
    const url = checkoutUrlOf(await cmd('T1', 'UADMIN', 'billing'));
    const event = saveCard(url);
    // Stripe delivers the same event twice at once, then again later.
    const concurrent = await Promise.all([deliver(event), deliver(event)]);
    expect(concurrent.map((r) => r.status)).toEqual([200, 200]);
    expect(concurrent.map((r) => r.body.result).filter(Boolean)).toContain('payment method saved; 2026-11 funded late');
    expect((await deliver(event)).body).toMatchObject({ duplicate: true });
    // ...and a second event id for the same session.
    expect((await deliver(stripe.event('checkout.session.completed', (event as any).data.object))).status).toBe(200);
    // The retry itself run twice more, at once.
    const runs = await Promise.all(
      [0, 1].map(() =>
        retryUnfundedBudgets({ payments: t.services.payments, gateway: t.services.gateway, ledger: t.services.ledger, unfundedMonths: t.services.unfundedMonths, companies: t.services.companies, outbox: t.services.outbox, clock, companyId: ids.acme }),
      ),
    );
    expect(runs.flat().map((r) => [r.outcome, r.period, r.outcome === 'funded' ? r.written : null])).toEqual([
      ['funded', P, 0],
      ['funded', P, 0],
    ]);

    // One charge at Stripe, under the retry's own key.
    const charges = stripe.callsTo('POST', '/v1/payment_intents').filter((c) => c.body.metadata?.companyId === ids.acme);
    expect(new Set(charges.map((c) => c.idempotencyKey))).toEqual(new Set([`budget:${ids.acme}:${P}:retry`]));
    expect([...stripe.paymentIntents.values()].filter((pi) => pi.metadata.companyId === ids.acme).map((pi) => [pi.amount, pi.status, pi.customer])).toEqual([[100_000, 'succeeded', expect.stringMatching(/^cus_/)]]);
    expect(await t.services.payments.byKey(`budget:${ids.acme}:${P}:retry`)).toMatchObject({ status: 'succeeded', amount: 100_000 });

    // Its own transactions in 2026-11, once, by the frozen allocation and shares of 2026-11.
    expect(await keysLike(`close:${P}:late:${ids.acme}:%`)).toEqual([
      `close:${P}:late:${ids.acme}:contribution`,
      `close:${P}:late:${ids.acme}:distribution:npm:react`,
      `close:${P}:late:${ids.acme}:distribution:pypi:requests`,
      `close:${P}:late:${ids.acme}:escrow-hold:npm:nomaint`,
    ]);
    expect(await balance(`company:${ids.acme}`)).toBe(-100_000);
    // beta 50,000 at the close + acme 100,000 late: react 34 % (alice 60 %, bob 40 %), requests 33 %, nomaint 33 % in escrow.
    expect(await balance('maintainer:alice')).toBe(10_200 + 20_400);
    expect(await balance('maintainer:bob')).toBe(6_800 + 13_600);
    expect(await balance('maintainer:carol')).toBe(16_500 + 33_000);
    expect(await balance(`escrow:npm:nomaint|${ids.acme}|${P}`)).toBe(33_000);
    expect(await balance('package:npm:react')).toBe(0);
    await soundLedger();
  });

  it('updates the receipts: the month is funded (late) for that company and unchanged for the others', async () => {
    const acme = await receipt('acme');
    expect(acme.body).toEqual({
      period: P,
      company: 'acme',
      status: 'funded',
      fundedLate: true,
      total: { amount: 100_000, currency: 'EUR' },
      lines: [
        { package: 'npm:nomaint', amount: 33_000, maintainers: [], escrow: 33_000 },
        { package: 'npm:react', amount: 34_000, maintainers: [{ login: 'alice', amount: 20_400 }, { login: 'bob', amount: 13_600 }], escrow: 0 },
        { package: 'pypi:requests', amount: 33_000, maintainers: [{ login: 'carol', amount: 33_000 }], escrow: 0 },
      ].sort((a, b) => (a.package < b.package ? -1 : 1)),
    });
    const csv = (await receipt('acme', true)).body.trim().split('\n');
    expect(csv).toContain('2026-11,npm:react,alice,20400,0,EUR');
    expect(csv).toContain('2026-11,npm:nomaint,,33000,33000,EUR');
    expect(textOf(await cmd('T1', 'UMEMBER', `receipt ${P}`))).toContain('charged after the month closed');
    const beta = await receipt('beta');
    expect(beta.body.lines.find((l: any) => l.package === 'npm:react')).toEqual({ package: 'npm:react', amount: 17_000, maintainers: [{ login: 'alice', amount: 10_200 }, { login: 'bob', amount: 6_800 }], escrow: 0 });
    expect(beta.body.status).toBe('funded');
    expect(beta.body.fundedLate).toBeUndefined();
  });

  it('within 7 days but declined: the month stays unfunded, says so, and is not retried again', async () => {
    now = new Date(failedAt.getTime() + 3 * DAY);
    const url = checkoutUrlOf(await cmd('T4', 'UPOOR', 'billing'));
    const event = saveCard(url);
    const pm = stripe.setupIntents.get((event as any).data.object.setup_intent)!.payment_method as string;
    stripe.decliningPaymentMethods.add(pm);
    expect((await deliver(event)).body.result).toBe('payment method saved; 2026-11 retry declined');
    expect((await receipt('poor')).body).toMatchObject({ status: 'unfunded', reason: 'retry declined: Your card has insufficient funds.', lines: [] });
    const before = stripe.callsTo('POST', '/v1/payment_intents').length;
    const again = await retryUnfundedBudgets({ payments: t.services.payments, gateway: t.services.gateway, ledger: t.services.ledger, unfundedMonths: t.services.unfundedMonths, companies: t.services.companies, outbox: t.services.outbox, clock, companyId: ids.poor });
    expect(again).toEqual([{ period: P, outcome: 'declined', reason: 'retry declined: Your card has insufficient funds.' }]);
    expect(stripe.callsTo('POST', '/v1/payment_intents')).toHaveLength(before);
    expect(await keysLike(`close:${P}:late:${ids.poor}:%`)).toEqual([]);
    await runDeliveries();
    expect(String(directMessagesTo('UPOOR').at(-1)!.params.text)).toContain('could not be charged on retry: retry declined: Your card has insufficient funds.');
    await soundLedger();
  });

  it('after 7 days: no retry; the month stays unfunded as "card saved too late"', async () => {
    now = new Date(failedAt.getTime() + 7 * DAY + 60_000);
    const url = checkoutUrlOf(await cmd('T3', 'ULATE', 'billing'));
    const before = stripe.callsTo('POST', '/v1/payment_intents').length;
    expect((await deliver(saveCard(url))).body.result).toBe('payment method saved; 2026-11 card saved too late');
    expect(stripe.callsTo('POST', '/v1/payment_intents')).toHaveLength(before);
    expect((await receipt('late')).body).toMatchObject({ status: 'unfunded', reason: 'card saved too late', total: { amount: 0 }, lines: [] });
    expect((await receipt('late', true)).body.trim().split('\n')[1]).toBe('2026-11,unfunded: card saved too late,,0,0,EUR');
    expect(await balance(`company:${ids.late}`)).toBe(0);
    expect(await t.services.payments.billing(ids.late)).toMatchObject({ card: { brand: 'visa', last4: '4242' } });
    await soundLedger();
  });
});

describe('billing offline', () => {
  it('says payments are offline and budgets are settled by the operator, with no link', () => {
    const r = renderBilling({ url: null, offline: true, companyName: 'Acme', billing: { mode: 'offline', card: null, needsCard: false, unfunded: [] } });
    expect(r.text).toBe('Payments are offline: budgets are settled by the operator; no card is needed.');
    expect(JSON.stringify(r.blocks)).not.toContain('"actions"');
    expect(JSON.stringify(billingBlocks({ mode: 'offline', card: null, needsCard: false, unfunded: [] }, { admin: true }))).toContain('settled by the operator');
  });
});
