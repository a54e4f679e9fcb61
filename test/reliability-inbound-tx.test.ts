// A Stripe event's record and its effect commit in one database transaction (issue 14): events
// signed with the real SDK against the real route, a recording fake Stripe API, on PostgreSQL
// and PGlite. Faults are injected by the database itself (a trigger this test creates raises, or
// terminates its own connection, on a later write of the effect; a deferred trigger refuses the
// record at commit): each time neither the effect nor the record is left, Stripe's redelivery
// then applies it once and records it once, and `upkeep check` stays clean.
import pg from 'pg';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { paymentRoutes } from '../app/web.ts';
import { applyOnce } from '../core/inbound.ts';
import { money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetSetupLink } from '../core/use-cases/payments/budget-setup-link.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { openDatabase, type Database } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { foreignPayments, reconcilePayments } from '../prisma/payment-store.ts';
import { BACKENDS, createPostgresDatabase, openTestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { optInToQuote } from './opt-in-support.ts';
import { seedCompany } from './seed.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECRET = 'whsec_test_inbound_tx';
const signer = new Stripe('sk_test_signer');
const clock: Clock = { now: () => new Date('2026-11-02T10:00:00Z') };
const REPO = 'tx/effects';

// The fault switch: a row (table, mode) arms the trigger on that table. `raise` fails the
// statement; `terminate` kills the transaction's own connection (PostgreSQL only).
const FAULTS = `
  CREATE TABLE test_fault (tbl text PRIMARY KEY, mode text NOT NULL);
  CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE m text;
  BEGIN
    SELECT mode INTO m FROM test_fault WHERE tbl = TG_TABLE_NAME;
    IF m = 'raise' THEN RAISE EXCEPTION 'injected fault on %', TG_TABLE_NAME; END IF;
    IF m = 'terminate' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER test_fault BEFORE INSERT ON ledger_transaction FOR EACH ROW EXECUTE FUNCTION test_fault();
  CREATE TRIGGER test_fault BEFORE UPDATE ON maintainer_account FOR EACH ROW EXECUTE FUNCTION test_fault();
  CREATE TRIGGER test_fault_record AFTER INSERT ON inbound_event FOR EACH ROW EXECUTE FUNCTION test_fault();
  -- Checked at COMMIT, after every statement of the effect ran: the recording fails last.
  CREATE FUNCTION test_fault_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF EXISTS (SELECT 1 FROM test_fault WHERE tbl = 'commit') THEN RAISE EXCEPTION 'injected fault at commit'; END IF;
    RETURN NEW;
  END $$;
  CREATE CONSTRAINT TRIGGER test_fault_commit AFTER INSERT ON inbound_event DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION test_fault_at_commit();
`;

describe.each(BACKENDS)('a Stripe event and its effect in one transaction (%s)', (backend) => {
  let fake: FakeStripe;
  let db: Database & { url: string | null };
  let dropDb: (() => Promise<void>) | null = null;
  let s: Services;
  let app: HttpApp;
  let base: string;
  // A second instance on its own connection pool (PostgreSQL): concurrent deliveries race across pools.
  let other: { db: Database; app: HttpApp; base: string } | null = null;
  /** Notification ids handed to the worker, with how many of them were committed at that moment. */
  const handedOver: { ids: string[]; visible: number }[] = [];
  let seq = 0;

  const sql = <T = Obj>(text: string, ...params: unknown[]) => db.prisma.$queryRawUnsafe<T[]>(text, ...params);
  const count = async (text: string, ...params: unknown[]) => Number((await sql<{ n: bigint }>(text, ...params))[0]!.n);
  const arm = (tbl: string, mode: 'raise' | 'terminate') => db.prisma.$executeRawUnsafe('INSERT INTO test_fault (tbl, mode) VALUES ($1, $2)', tbl, mode);
  const disarm = () => db.prisma.$executeRawUnsafe('DELETE FROM test_fault');
  const recorded = (eventId: string) => count("SELECT COUNT(*) AS n FROM inbound_event WHERE source = 'stripe' AND external_id = $1", eventId);
  const ledgerTx = (key: string) => count('SELECT COUNT(*) AS n FROM ledger_transaction WHERE key = $1', key);

  beforeAll(async () => {
    fake = await startFakeStripe();
    if (backend === 'postgres') {
      const created = await createPostgresDatabase();
      dropDb = created.drop;
      db = { ...(await openDatabase({ kind: 'postgres', url: created.url })), url: created.url };
    } else db = await openTestDatabase('pglite');
    // Several statements at once: the simple query protocol (pg) or PGlite's exec.
    if (db.pglite) await db.pglite.exec(FAULTS);
    else {
      const c = new pg.Client({ connectionString: db.url! });
      await c.connect();
      await c.query(FAULTS).finally(() => c.end());
    }
    const env = { STRIPE_SECRET_KEY: 'sk_test_upkeep', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: fake.url, PUBLIC_URL: 'http://upkeep.test', CURRENCY: 'EUR' };
    s = createServices({ config: loadConfig(env), db, clock, log: createLogger('silent') });
    s.notifications.onRecorded(async (ids) => {
      handedOver.push({ ids: [...ids], visible: await count('SELECT COUNT(*) AS n FROM notification WHERE id = ANY($1::bigint[])', ids) });
    });
    app = createHttpApp({ log: s.log, routes: paymentRoutes(s) });
    base = await app.listen(0, '127.0.0.1');
    if (db.url) {
      const second = await openDatabase({ kind: 'postgres', url: db.url });
      const s2 = createServices({ config: loadConfig(env), db: second, clock, log: createLogger('silent') });
      const app2 = createHttpApp({ log: s2.log, routes: paymentRoutes(s2) });
      other = { db: second, app: app2, base: await app2.listen(0, '127.0.0.1') };
    }
    await optInToQuote(s.repositories, REPO);
    // A channel follows the repository: a paid pledge records notices in the event's transaction.
    await s.subscriptions.add({ platform: 'slack', channel: 'T1/C1', target: `repo:${REPO}`, companyId: null, createdBy: 'test' });
  });

  // A test that fails half-way leaves no fault armed for the next one.
  afterEach(async () => {
    await disarm();
  });

  afterAll(async () => {
    await other?.app.close();
    await app?.close();
    // The pool of a connection killed inside a transaction may never see it returned (the
    // driver adapter's, not ours): closing waits a moment at most, then the database is dropped.
    const closing = (d: Database | null | undefined) => d && Promise.race([d.close(), new Promise((r) => setTimeout(r, 2_000))]);
    await closing(other?.db);
    await closing(db);
    await dropDb?.();
    await fake?.stop();
  });

  async function deliver(event: Obj, to = base): Promise<{ status: number; body: Obj }> {
    const payload = JSON.stringify(event);
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const res = await fetch(`${to}/stripe/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
    return { status: res.status, body: (await res.json()) as Obj };
  }

  async function checkClean(): Promise<void> {
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
    expect(await reconcilePayments(db.prisma)).toEqual([]);
    expect(await foreignPayments(db.prisma)).toEqual([]);
  }

  /** A quoted wish of 10 000 and a pledge of `amount` paid on Stripe's page; its completion event. */
  async function paidOnStripe(amount: number) {
    const wishId = `${REPO}#${++seq}` as WishId;
    await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock, currency: 'EUR', id: wishId, title: `Feature ${seq}`, description: '', requester: 'req' });
    await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock, id: wishId, amount: money(10_000, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
    const p = await placePledge({ wishes: s.wishes, gateway: s.gateway, outbox: s.outbox, clock, id: wishId, pledger: { source: 'github', id: `p${seq}`, display: `p${seq}` }, amount: money(amount, 'EUR') });
    const session = fake.completeSession(p.checkoutUrl!.split('/').pop()!);
    const pi = fake.paymentIntents.get(session.payment_intent)!;
    return {
      wishId,
      pledgeId: p.pledgeId,
      completed: fake.event('checkout.session.completed', { ...session }),
      refunded: fake.event('charge.refunded', { id: pi.latest_charge, object: 'charge', amount, amount_refunded: amount, refunded: true, currency: 'eur', payment_intent: pi.id, metadata: pi.metadata }),
    };
  }

  async function pledgeState(wishId: WishId, pledgeId: string) {
    const wish = (await s.wishes.get(wishId))!;
    return {
      pledge: wish.pledges.find((p) => p.id === pledgeId)!.status,
      events: await count('SELECT COUNT(*) AS n FROM wish_event WHERE wish_id = $1', wishId),
      paidTx: await ledgerTx(`pledge:${pledgeId}:paid`),
      refundTx: await ledgerTx(`refund:${pledgeId}`),
      checkout: (await s.payments.forPledge(pledgeId, 'pledge'))!.status,
      refundRow: (await s.payments.byKey(`refund:${pledgeId}`))?.status ?? null,
      notices: await count("SELECT COUNT(*) AS n FROM notification WHERE payload->'data'->>'wishId' = $1", wishId),
    };
  }

  const untouched = { pledge: 'committed', paidTx: 0, refundTx: 0, checkout: 'pending', refundRow: null };
  const paid = { pledge: 'paid', paidTx: 1, refundTx: 0, checkout: 'succeeded', refundRow: null };

  it('a fault on a later write of the payment leaves neither the effect nor the record; the redelivery applies it once', async () => {
    const { wishId, pledgeId, completed } = await paidOnStripe(5_000);
    const before = await pledgeState(wishId, pledgeId);
    expect(before).toMatchObject(untouched);
    const handed = handedOver.length;
    await arm('ledger_transaction', 'raise');
    // The wish row, its event and the notices were written before the ledger refused.
    expect((await deliver(completed)).status).toBe(500);
    expect(await pledgeState(wishId, pledgeId)).toEqual(before);
    expect(await recorded(completed.id)).toBe(0);
    expect(handedOver.length).toBe(handed); // nothing handed to the worker for rolled-back rows
    await disarm();

    const again = await deliver(completed);
    expect(again).toMatchObject({ status: 200, body: { duplicate: false, handled: true, result: 'pledge paid' } });
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { duplicate: true } });
    const now = await pledgeState(wishId, pledgeId);
    expect(now).toMatchObject(paid);
    expect(now.notices).toBeGreaterThan(before.notices);
    expect(await recorded(completed.id)).toBe(1);
    // The notices of the payment reached the worker only once committed.
    const after = handedOver.slice(handed);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((h) => h.visible === h.ids.length)).toBe(true);
    await checkClean();
  });

  it('a refund whose ledger write fails leaves no refund row and no record; the redelivery books it once', async () => {
    const { wishId, pledgeId, completed, refunded } = await paidOnStripe(3_000);
    expect((await deliver(completed)).status).toBe(200);
    await arm('ledger_transaction', 'raise');
    // recordProviderRefund writes the refund row and the wish before the ledger.
    expect((await deliver(refunded)).status).toBe(500);
    expect(await pledgeState(wishId, pledgeId)).toMatchObject({ ...paid, refundRow: null });
    expect(await recorded(refunded.id)).toBe(0);
    await disarm();
    expect(await deliver(refunded)).toMatchObject({ status: 200, body: { duplicate: false, result: 'refund confirmed' } });
    expect(await deliver(refunded)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await pledgeState(wishId, pledgeId)).toMatchObject({ pledge: 'refunded', paidTx: 1, refundTx: 1, refundRow: 'succeeded' });
    expect(await recorded(refunded.id)).toBe(1);
    await checkClean();
  });

  it('account.updated whose write fails is not recorded; the redelivery enables payouts', async () => {
    await s.payments.saveMaintainerAccount(`m${++seq}`, { accountId: `acct_tx_${seq}`, payoutsEnabled: false });
    const event = fake.event('account.updated', { id: `acct_tx_${seq}`, object: 'account', payouts_enabled: true });
    await arm('maintainer_account', 'raise');
    expect((await deliver(event)).status).toBe(500);
    expect(await recorded(event.id)).toBe(0);
    expect((await s.payments.maintainerAccount(`m${seq}`))!.payoutsEnabled).toBe(false);
    await disarm();
    expect(await deliver(event)).toMatchObject({ status: 200, body: { duplicate: false, result: 'payouts enabled' } });
    expect((await s.payments.maintainerAccount(`m${seq}`))!.payoutsEnabled).toBe(true);
    expect(await recorded(event.id)).toBe(1);
  });

  it('a record that fails to be inserted (it is the first write) leaves no effect', async () => {
    const { wishId, pledgeId, completed } = await paidOnStripe(2_500);
    const before = await pledgeState(wishId, pledgeId);
    await arm('inbound_event', 'raise');
    expect((await deliver(completed)).status).toBe(500);
    expect(await pledgeState(wishId, pledgeId)).toEqual(before);
    await disarm();
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { duplicate: false, result: 'pledge paid' } });
    expect(await pledgeState(wishId, pledgeId)).toMatchObject(paid);
    expect(await recorded(completed.id)).toBe(1);
    await checkClean();
  });

  // PGlite's Prisma adapter (pglite-prisma-adapter 0.6.1) reports a COMMIT that failed as a
  // success, so a refusal at commit cannot be observed there.
  it.skipIf(backend === 'pglite')('a record refused at COMMIT, after every statement of the effect ran, leaves no effect', async () => {
    const { wishId, pledgeId, completed } = await paidOnStripe(2_000);
    const before = await pledgeState(wishId, pledgeId);
    const handed = handedOver.length;
    await arm('commit', 'raise');
    expect((await deliver(completed)).status).toBe(500);
    expect(await pledgeState(wishId, pledgeId)).toEqual(before);
    expect(await recorded(completed.id)).toBe(0);
    expect(handedOver.length).toBe(handed);
    await disarm();
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { duplicate: false, result: 'pledge paid' } });
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await pledgeState(wishId, pledgeId)).toMatchObject(paid);
    expect(await recorded(completed.id)).toBe(1);
    await checkClean();
  });

  it('10 concurrent deliveries of one event, over separate connections: one effect, one record', async () => {
    const { wishId, pledgeId, completed } = await paidOnStripe(10_000);
    const targets = Array.from({ length: 10 }, (_, i) => (other && i % 2 === 1 ? other.base : base));
    const replies = await Promise.all(targets.map((to) => deliver(completed, to)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(replies.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(replies.find((r) => r.body.duplicate === false)!.body.result).toBe('pledge paid, wish funded');
    expect(await pledgeState(wishId, pledgeId)).toMatchObject(paid);
    expect(await count("SELECT COUNT(*) AS n FROM wish_event WHERE wish_id = $1 AND type = 'funded'", wishId)).toBe(1);
    expect(await recorded(completed.id)).toBe(1);
    await checkClean();
  });

  it.skipIf(backend === 'pglite')('the connection terminated mid-transaction leaves nothing; the redelivery applies it once', async () => {
    const { wishId, pledgeId, completed } = await paidOnStripe(1_500);
    const before = await pledgeState(wishId, pledgeId);
    await arm('ledger_transaction', 'terminate');
    // 503 (the edge's answer to a lost database) or 500: either way Stripe redelivers.
    expect((await deliver(completed)).status).toBeGreaterThanOrEqual(500);
    await disarm();
    expect(await pledgeState(wishId, pledgeId)).toEqual(before);
    expect(await recorded(completed.id)).toBe(0);
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { duplicate: false, result: 'pledge paid' } });
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await pledgeState(wishId, pledgeId)).toMatchObject(paid);
    expect(await recorded(completed.id)).toBe(1);
    await checkClean();
  });

  it.skipIf(backend === 'pglite')('two transactions that deadlock: the one PostgreSQL aborts runs again from the start, and both apply once', async () => {
    const a = await s.payments.ensure({ kind: 'setup', provider: 'stripe', amount: 0, currency: 'EUR', idempotencyKey: `deadlock:a:${++seq}` });
    const b = await s.payments.ensure({ kind: 'setup', provider: 'stripe', amount: 0, currency: 'EUR', idempotencyKey: `deadlock:b:${seq}` });
    let runs = 0;
    let arrived = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    // Each locks its first row, waits until the other holds its own, then asks for the other's.
    const crossing = (first: string, second: string, by: string) =>
      applyOnce(s.inboundEffects, { source: 'test-deadlock', externalId: `${by}:${seq}` }, async ({ payments }) => {
        const run = ++runs;
        await payments.update(first, { error: by });
        if (run <= 2) {
          if (++arrived === 2) bothLocked();
          await barrier;
        }
        await payments.update(second, { error: by, attempt: true });
        return run;
      });
    const done = await Promise.all([crossing(a.id, b.id, 'left'), crossing(b.id, a.id, 'right')]);
    expect(runs).toBe(3);
    expect(done.every((d) => !d.duplicate)).toBe(true);
    // Each row was counted once by each transaction that committed: two in all, no lost run.
    expect((await s.payments.byId(a.id))!.attempts + (await s.payments.byId(b.id))!.attempts).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM inbound_event WHERE source = 'test-deadlock' AND external_id LIKE $1", `%:${seq}`)).toBe(2);
  });

  describe('a card saved after a failed month-end charge (the late retry charges Stripe inside the transaction)', () => {
    const P = '2026-10' as Period;
    const ids: Record<'crash' | 'slow', string> = { crash: '', slow: '' };
    const budgetCharges = (companyId: string) => [...fake.paymentIntents.values()].filter((pi) => pi.metadata.kind === 'budget_charge' && pi.metadata.companyId === companyId);
    async function savedCard(companyId: string) {
      const link = await budgetSetupLink({ companies: s.companies, payments: s.payments, gateway: s.gateway, companyId, now: clock.now() });
      return fake.event('checkout.session.completed', { ...fake.completeSession(link.url!.split('/').pop()!) });
    }

    beforeAll(async () => {
      for (const name of ['crash', 'slow'] as const) ids[name] = await seedCompany(db.prisma, { name: `${name}-${backend}`, budget: 30_000, allocation: { 'npm:tx-a': 34, 'npm:tx-b': 33, 'npm:tx-c': 33 } });
      const budgets = budgetCollector({ gateway: s.gateway, payments: s.payments, outbox: s.outbox, currency: 'EUR', companies: s.companies, clock });
      const report = await closePeriod({ ledger: s.ledger, clock, period: P, budgets });
      expect(report.unfunded.map((u) => u.companyId).sort()).toEqual([ids.crash, ids.slow].sort());
    });

    it('a fault after Stripe charged leaves no card, no retry and no record; the redelivery is answered the same by Stripe and books it once', async () => {
      const event = await savedCard(ids.crash);
      await arm('ledger_transaction', 'raise');
      expect((await deliver(event)).status).toBe(500);
      // Stripe did charge; nothing of it is in the database.
      expect(budgetCharges(ids.crash).map((pi) => pi.status)).toEqual(['succeeded']);
      expect((await s.payments.billing(ids.crash))?.paymentMethodId ?? null).toBeNull();
      expect(await s.payments.byKey(`budget:${ids.crash}:${P}:retry`)).toBeNull();
      expect(await recorded(event.id)).toBe(0);
      await disarm();
      expect(await deliver(event)).toMatchObject({ status: 200, body: { duplicate: false, result: `payment method saved; ${P} funded late` } });
      expect(await deliver(event)).toMatchObject({ status: 200, body: { duplicate: true } });
      // The same key twice: Stripe replayed its answer, one charge.
      const calls = fake.callsTo('POST', '/v1/payment_intents').filter((c) => c.idempotencyKey === `budget:${ids.crash}:${P}:retry`);
      expect(calls.map((c) => c.replayed)).toEqual([false, true]);
      expect(budgetCharges(ids.crash)).toHaveLength(1);
      expect(await s.payments.byKey(`budget:${ids.crash}:${P}:retry`)).toMatchObject({ status: 'succeeded', amount: 30_000 });
      expect(await ledgerTx(`close:${P}:late:${ids.crash}:contribution`)).toBe(1);
      expect(await recorded(event.id)).toBe(1);
      await checkClean();
    });

    it('no answer from Stripe: the card and the attempt are kept, the event is not recorded; the redelivery finishes it', async () => {
      const event = await savedCard(ids.slow);
      fake.inject((m, path) => m === 'POST' && path === '/v1/payment_intents', { kind: 'error', status: 500, error: { type: 'api_error', message: 'Stripe is down' } });
      expect((await deliver(event)).status).toBe(500);
      expect((await s.payments.billing(ids.slow))?.paymentMethodId).toMatch(/^pm_/);
      expect(await s.payments.byKey(`budget:${ids.slow}:${P}:retry`)).toMatchObject({ status: 'pending', attempts: 1 });
      expect(await recorded(event.id)).toBe(0);
      expect(await deliver(event)).toMatchObject({ status: 200, body: { duplicate: false, result: `payment method saved; ${P} funded late` } });
      expect(await s.payments.byKey(`budget:${ids.slow}:${P}:retry`)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(budgetCharges(ids.slow).map((pi) => pi.status)).toEqual(['succeeded']);
      expect(await ledgerTx(`close:${P}:late:${ids.slow}:contribution`)).toBe(1);
      expect(await recorded(event.id)).toBe(1);
      await checkClean();
    });
  });
});
