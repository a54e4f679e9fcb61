// Offline mode (no STRIPE_SECRET_KEY) end to end on the embedded default (PGlite): pledges are
// commitments the operator settles, refunds and payouts are owed and marked paid by hand, and
// budgets are recorded as owed by the company at close. The operator's commands run as the CLI runs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { cancelWish } from '../core/use-cases/wishes/cancel-wish.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createServices, type Services } from '../app/services.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { closeBudgets, runPaymentsCommand } from '../payments/operator-commands.ts';
import { operatorDeps } from '../app/cli.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { reconcilePayments } from '../prisma/payment-store.ts';
import { stripeWebhookRoutes } from '../payments/stripe-webhook.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { seedCompany, seedRepository } from './seed.ts';
import { optInToQuote } from './opt-in-support.ts';

const now = new Date('2027-01-06T10:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let db: TestDatabase;
let s: Services;

beforeAll(async () => {
  db = await openTestDatabase('pglite');
  s = createServices({ config: loadConfig({ CURRENCY: 'EUR' }), db, clock, log: createLogger('silent') });
});
afterAll(async () => {
  await db?.close();
});

const cli = (command: string, ...args: string[]) => runPaymentsCommand(operatorDeps(s), command, args);

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
  await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock, currency: 'EUR', id: wishId, title: 'Offline feature', description: '', requester: 'req' });
  await optInToQuote(s.repositories, id.split('#')[0]!);
  await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock, id: wishId, amount: money(quote, 'EUR'), delayDays: 7, by: 'maint', isMaintainer: true });
  return wishId;
}

const pledge = (wishId: WishId, login: string, amount: number) =>
  placePledge({ wishes: s.wishes, gateway: s.gateway, outbox: s.outbox, clock, id: wishId, pledger: { source: 'github', id: login, display: login }, amount: money(amount, 'EUR') });

describe('payments offline on PGlite', () => {
  it('runs offline without Stripe: no webhook endpoint, every operator reply says so', async () => {
    expect(s.gateway).toBeInstanceOf(OfflineGateway);
    expect(stripeWebhookRoutes({ ...s, settings: s.config.stripe })).toBeNull();
    const r = await cli('payments:list');
    expect(r.lines[0]).toMatch(/^\[offline\] Payments are offline/);
  });

  it('records pledges as commitments; the operator marks them paid and the wish is funded once', async () => {
    const wishId = await quotedWish('acme/offline#1', 5_000);
    const a = await pledge(wishId, 'alice', 3_000);
    const b = await pledge(wishId, 'bob', 2_000);
    expect(a).toMatchObject({ offline: true, checkoutUrl: null });
    const pending = await cli('payments:list', 'pending');
    const ids = (await s.payments.list({ kind: 'pledge', status: 'pending', wishId })).map((p) => p.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(pending.lines.some((l) => l.startsWith(id) && l.includes('pledge'))).toBe(true);

    expect((await cli('payments:mark-paid', ids[0]!)).lines.at(-1)).toMatch(/^Marked paid: pledge .* paid into acme\/offline#1\.$/);
    expect((await s.wishes.get(wishId))!.status).toBe('quoted');
    expect((await cli('payments:mark-paid', ids[1]!)).lines.at(-1)).toMatch(/the wish is now funded/);
    expect((await cli('payments:mark-paid', ids[1]!)).lines.at(-1)).toMatch(/^Already paid/);
    const wish = await s.wishes.get(wishId);
    expect(wish!.status).toBe('funded');
    expect(await balance(`wish:${wishId}`)).toBe(5_000);
    expect(await balance('external:offline')).toBe(-5_000);
    expect(await db.prisma.wishEvent.count({ where: { wishId, type: 'funded' } })).toBe(1);
    expect(b.pledgeId).not.toBe(a.pledgeId);
    await expect(cli('payments:mark-paid', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
    await expect(cli('payments:mark-paid')).rejects.toMatchObject({ code: 'invalid_input' });
    await soundLedger();
  });

  it('owes refunds of a cancelled wish until the operator settles them, once', async () => {
    const wishId = await quotedWish('acme/offline#2', 9_000);
    const p = await pledge(wishId, 'carol', 1_000);
    const unpaid = await pledge(wishId, 'dan', 700);
    await cli('payments:mark-paid', (await s.payments.forPledge(p.pledgeId, 'pledge'))!.id);
    await cancelWish({ wishes: s.wishes, outbox: s.outbox, clock, id: wishId, by: 'maint', isMaintainer: true });
    const first = await cli('refunds', wishId);
    expect(first.lines.some((l) => l.startsWith('OWED') && l.includes(p.pledgeId))).toBe(true);
    expect(first.lines).toContain(`released unpaid pledge ${unpaid.pledgeId}`);
    expect(await balance(`wish:${wishId}`)).toBe(1_000); // not moved until settled
    const again = await cli('refunds', wishId);
    expect(again.lines.filter((l) => l.startsWith('OWED'))).toHaveLength(1);
    const refundRow = (await s.payments.byKey(`refund:${p.pledgeId}`))!;
    expect((await cli('payments:mark-paid', refundRow.id)).lines.at(-1)).toMatch(/refund of pledge .* recorded/);
    expect(await balance(`wish:${wishId}`)).toBe(0);
    expect((await s.wishes.get(wishId))!.pledges.every((x) => x.status === 'refunded')).toBe(true);
    expect((await cli('refunds', wishId)).lines.at(-1)).toBe(`Nothing left to refund on ${wishId}.`);
    await soundLedger();
  });

  it('closes with budgets recorded as owed, then pays maintainers by hand, once per period', async () => {
    const P = '2026-12' as Period;
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { erin: 100 });
    await seedRepository(db.prisma, 'psf/requests', ['pypi:requests'], { fay: 100 });
    await seedRepository(db.prisma, 'tiny/lib', ['npm:tiny'], { gus: 100 });
    const acme = await seedCompany(db.prisma, { name: 'acme', budget: 30_000, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:tiny': 33 } });
    const small = await seedCompany(db.prisma, { name: 'small', budget: 2_000, allocation: { 'npm:react': 34, 'pypi:requests': 33, 'npm:tiny': 33 } });
    const report = await closePeriod({ ledger: s.ledger, clock, period: P, budgets: closeBudgets(operatorDeps(s)) });
    expect(report.unfunded).toEqual([]);
    expect(await balance(`company:${acme}`)).toBe(-30_000);
    const charges = await cli('charge', P);
    expect(charges.lines.filter((l) => l.includes('OWED by the company (payments offline)'))).toHaveLength(2);
    expect(charges.lines.some((l) => l.startsWith(`company ${small}`))).toBe(true);

    // erin 10 200 + 680, fay 9 900 + 660, gus 9 900 + 660
    const payouts = await cli('payouts', P);
    const owed = payouts.lines.filter((l) => l.startsWith('OWED'));
    expect(owed).toHaveLength(3);
    expect(owed.some((l) => l.includes('erin') && l.includes('108.80'))).toBe(true);
    const rows = await s.payments.list({ kind: 'payout', period: P });
    expect(rows.map((r) => [r.login, r.amount]).sort()).toEqual([['erin', 10_880], ['fay', 10_560], ['gus', 10_560]]);
    for (const r of rows) await cli('payments:mark-paid', r.id);
    expect(await balance('maintainer:erin')).toBe(0);
    expect(await balance('external:offline')).toBe(-5_000 + 32_000 - 0); // pledges in, payouts out
    const rerun = await cli('payouts', P);
    expect(rerun.lines.at(-1)).toBe(`No payouts due for ${P}.`);
    expect(await s.payments.list({ kind: 'payout', period: P })).toHaveLength(3);
    const budgetRow = (await s.payments.byKey(`budget:${acme}:${P}`))!;
    expect((await cli('payments:mark-paid', budgetRow.id)).lines.at(-1)).toMatch(/budget of company .* received/);
    expect((await cli('charge', P)).lines.some((l) => l.startsWith(`company ${acme}`) && l.includes('paid'))).toBe(true);
    await soundLedger();
  });
});
