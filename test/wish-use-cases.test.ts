// The wish use-cases through the real PrismaWishStore and ledger, on PostgreSQL and PGlite:
// permissions, refusals that change nothing, ledger movements, expiry, notices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorCode } from '../core/errors.ts';
import { money } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Notice, NotificationOutbox } from '../core/ports/notifications.ts';
import type { PaymentGateway } from '../core/ports/payments.ts';
import { cancelWish } from '../core/use-cases/wishes/cancel-wish.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { deliverWish } from '../core/use-cases/wishes/deliver-wish.ts';
import { expireWishes } from '../core/use-cases/wishes/expire-wishes.ts';
import { getWish } from '../core/use-cases/wishes/get-wish.ts';
import { listWishes } from '../core/use-cases/wishes/list-wishes.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { startWish } from '../core/use-cases/wishes/start-wish.ts';
import { writeWishSpec } from '../core/use-cases/wishes/write-wish-spec.ts';
import { wishNotices } from '../core/wish-notices.ts';
import type { RepoId, WishId } from '../core/wishlist.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaInboundLog } from '../prisma/inbound-log.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';
import { seedRepository } from './seed.ts';
import { optInToQuote } from './opt-in-support.ts';

const DAY = 86_400_000;
let now = new Date('2026-11-21T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const eur = (n: number) => money(n, 'EUR');

/** A test-only offline gateway (the real ones are the payments adapter's). */
const gateway: PaymentGateway = { mode: 'offline', startPledgeCheckout: async () => ({ url: null, externalId: null }) };

async function refused(p: Promise<unknown>, code: DomainErrorCode): Promise<DomainError> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected ${code}, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(DomainError);
  expect((e as DomainError).code).toBe(code);
  return e as DomainError;
}

describe.each(BACKENDS)('wish use-cases on %s', (backend) => {
  let db: TestDatabase;
  let wishes: PrismaWishStore;
  let ledger: PrismaLedgerStore;
  let repositories: PrismaRepositoryStore;
  const notices: Notice[] = [];
  const outbox: NotificationOutbox = { enqueue: async (n) => void notices.push(...n) };
  const ports = () => ({ wishes, outbox, clock });

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    wishes = new PrismaWishStore(db.prisma);
    ledger = new PrismaLedgerStore(db.prisma);
    repositories = new PrismaRepositoryStore(db.prisma);
    await seedRepository(db.prisma, 'acme/ui', ['npm:acme-ui'], { alice: 60, bob: 40 });
  });
  afterAll(async () => {
    await db?.close();
  });

  const open = (n: number, extra: { commitment?: number } = {}) =>
    openWish({
      ...ports(),
      gateway,
      currency: 'EUR',
      id: `acme/ui#${n}` as WishId,
      title: `Feature ${n}`,
      description: 'Described in the issue',
      requester: 'Req',
      ...(extra.commitment ? { commitment: eur(extra.commitment) } : {}),
    });

  it('the inbound log claims once per (source, id), under concurrency too, and forgets on release', async () => {
    const inbound = new PrismaInboundLog(db.prisma);
    expect(await inbound.claim('github', 'd-1', 'push')).toBe(true);
    expect(await inbound.claim('github', 'd-1', 'push')).toBe(false);
    expect(await inbound.claim('slack', 'd-1')).toBe(true);
    expect(await inbound.seen('github', 'd-1')).toBe(true);
    await inbound.release('github', 'd-1');
    expect(await inbound.seen('github', 'd-1')).toBe(false);
    const racing = await Promise.all(Array.from({ length: 8 }, () => inbound.claim('stripe', 'evt_1', 'charge.refunded', { id: 'ch_1' })));
    expect(racing.filter(Boolean)).toHaveLength(1);
    const [row] = await db.prisma.$queryRawUnsafe<{ payload: unknown }[]>("SELECT payload FROM inbound_event WHERE source = 'stripe' AND external_id = 'evt_1'");
    expect(row!.payload).toEqual({ id: 'ch_1' });
  });

  it('opens a wish once, with the commitment as a committed pledge; get and list it', async () => {
    const r = await open(1, { commitment: 2_000 });
    expect(r.wish).toMatchObject({ id: 'acme/ui#1', status: 'open', requester: 'Req' });
    expect(r.commitment).toMatchObject({ amount: 2_000, status: 'committed', pledger: { source: 'github', id: 'req' } });
    expect(r.commitment!.id).toMatch(/^[0-9a-f-]{36}$/);
    await refused(open(1), 'wish_exists');
    expect((await getWish({ wishes, id: 'acme/ui#1' as WishId })).pledges).toHaveLength(1);
    await refused(getWish({ wishes, id: 'acme/ui#404' as WishId }), 'wish_not_found');
    expect((await listWishes({ wishes, repo: 'acme/ui' as RepoId })).map((w) => w.id)).toContain('acme/ui#1');
    expect(await listWishes({ wishes, repo: 'nobody/here' as RepoId })).toEqual([]);
  });

  it('refuses maintainer-only actions to non-maintainers, changing nothing', async () => {
    const id = 'acme/ui#1' as WishId;
    await refused(writeWishSpec({ ...ports(), id, text: 'Do it', author: 'mallory', isMaintainer: false }), 'not_maintainer');
    await refused(quoteWish({ ...ports(), repositories, id, amount: eur(10_000), delayDays: 14, by: 'mallory', isMaintainer: false }), 'not_maintainer');
    await refused(startWish({ ...ports(), id, by: 'mallory', isMaintainer: false }), 'not_maintainer');
    await refused(cancelWish({ ...ports(), id, by: 'mallory', isMaintainer: false }), 'not_maintainer');
    expect((await wishes.get(id))!.status).toBe('open');
    await refused(quoteWish({ ...ports(), repositories, id, amount: money(10_000, 'USD'), delayDays: 14, by: 'alice', isMaintainer: true }), 'wrong_currency');
  });

  it('spec, quote, pledges and payments fund the wish once; delivery releases the escrow by share', async () => {
    const id = 'acme/ui#1' as WishId;
    notices.length = 0;
    await writeWishSpec({ ...ports(), id, text: 'Add --json', author: 'alice', isMaintainer: true });
    await quoteWish({ ...ports(), repositories, id, amount: eur(10_001), delayDays: 14, by: 'alice', isMaintainer: true });
    await refused(placePledge({ ...ports(), gateway, id, pledger: { source: 'slack', id: 'T1:U1', display: 'u1' }, amount: money(5, 'USD') }), 'wrong_currency');
    const a = await placePledge({ ...ports(), gateway, id, pledger: { source: 'slack', id: 'T1:U1', display: 'u1' }, amount: eur(8_001) });
    expect(a).toMatchObject({ offline: true, checkoutUrl: null });
    const req = (await wishes.get(id))!.pledges[0]!;
    await refused(startWish({ ...ports(), id, by: 'alice', isMaintainer: true }), 'wish_transition');
    const first = await confirmPledgePayment({ wishes, ledger, outbox, clock, wishId: id, pledgeId: a.pledgeId, provider: 'offline' });
    expect(first.newlyPaid).toBe(true);
    expect(first.wish.status).toBe('quoted');
    const again = await confirmPledgePayment({ wishes, ledger, outbox, clock, wishId: id, pledgeId: a.pledgeId, provider: 'offline' });
    expect(again.newlyPaid).toBe(false);
    const funded = await confirmPledgePayment({ wishes, ledger, outbox, clock, wishId: id, pledgeId: req.id, provider: 'stripe' });
    expect(funded.wish.status).toBe('funded');
    // One notice per change: the 80 % payment announces its highest milestone (75 %), the
    // payment that funds the wish says "funded" only (no 100 % beside it).
    expect(notices.map((n) => n.key)).toEqual(['wish:acme/ui#1:quote:1', 'wish:acme/ui#1:progress:75', 'wish:acme/ui#1:funded']);
    expect(notices[1]!.text).toBe('acme/ui#1 “Feature 1” is 75% funded: €80.01 of €100.01 raised, €20.00 to go, 60 days left.');
    expect(notices.every((n) => n.target === 'repo:acme/ui')).toBe(true);

    await startWish({ ...ports(), id, by: 'bob', isMaintainer: true });
    await deliverWish({ ...ports(), repositories, ledger, id, by: 'bob', pr: 9, isMaintainer: true });
    // A second /deliver is refused and moves no money.
    await refused(deliverWish({ ...ports(), repositories, ledger, id, by: 'bob', isMaintainer: true }), 'wish_transition');
    const rows = await db.prisma.$queryRawUnsafe<{ key: string; account_key: string; amount: bigint }[]>(
      `SELECT t.key, e.account_key, e.amount FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id
       WHERE e.account_key LIKE 'wish:acme/ui#1' OR t.key = 'wish:acme/ui#1:release' ORDER BY t.id, e.account_key`,
    );
    expect(rows.map((r) => [r.key.replace(/^pledge:[^:]+/, 'pledge:*'), r.account_key, Number(r.amount)])).toEqual([
      ['pledge:*:paid', 'wish:acme/ui#1', 8_001],
      ['pledge:*:paid', 'wish:acme/ui#1', 2_000],
      ['wish:acme/ui#1:release', 'maintainer:alice', 6_001],
      ['wish:acme/ui#1:release', 'maintainer:bob', 4_000],
      ['wish:acme/ui#1:release', 'wish:acme/ui#1', -10_001],
    ]);
  });

  it('refuses delivery when the repository has no opted-in maintainer, changing nothing', async () => {
    const id = 'lonely/repo#1' as WishId;
    await openWish({ ...ports(), gateway, currency: 'EUR', id, title: 'x', description: '', requester: 'r' });
    await optInToQuote(repositories, 'lonely/repo');
    await quoteWish({ ...ports(), repositories, id, amount: eur(100), delayDays: 3, by: 'm', isMaintainer: true });
    await repositories.withdraw('lonely/repo'); // its maintainers withdrew after quoting
    const p = await placePledge({ ...ports(), gateway, id, pledger: { source: 'discord', id: '1', display: 'd' }, amount: eur(100) });
    await confirmPledgePayment({ wishes, ledger, outbox, clock, wishId: id, pledgeId: p.pledgeId, provider: 'offline' });
    await startWish({ ...ports(), id, by: 'm', isMaintainer: true });
    const e = await refused(deliverWish({ ...ports(), repositories, ledger, id, by: 'm', isMaintainer: true }), 'invalid_optin');
    expect(e.userMessage).toMatch(/no opted-in maintainers/);
    expect((await wishes.get(id))!.status).toBe('in_progress');
  });

  it('the requester may cancel; the refunds are listed', async () => {
    const { wish } = await open(2, { commitment: 300 });
    const r = await cancelWish({ ...ports(), id: wish.id, by: 'req', isMaintainer: false });
    expect(r.wish.status).toBe('cancelled');
    expect(r.refunds.map((p) => p.amount)).toEqual([300]);
    expect(wishNotices(r.wish, r.events).map((n) => n.kind)).toEqual(['wish_cancelled']);
  });

  it('expires quoted wishes past their deadline, once', async () => {
    const { wish } = await open(3, { commitment: 500 });
    await quoteWish({ ...ports(), repositories, id: wish.id, amount: eur(9_000), delayDays: 10, by: 'alice', isMaintainer: true });
    expect((await expireWishes({ wishes, outbox, now: new Date(now.getTime() + 59 * DAY) })).expired.map((w) => w.id)).not.toContain(wish.id);
    const later = new Date(now.getTime() + 60 * DAY);
    const r = await expireWishes({ wishes, outbox, now: later });
    expect(r.expired.map((w) => w.id)).toContain(wish.id);
    expect(r.refunds.find((x) => x.wishId === wish.id)!.pledges.map((p) => p.amount)).toEqual([500]);
    expect((await expireWishes({ wishes, outbox, now: later })).expired).toEqual([]);
    expect((await wishes.get(wish.id))!.status).toBe('expired');
    const events = await db.prisma.$queryRawUnsafe<{ type: string }[]>('SELECT type FROM wish_event WHERE wish_id = $1 ORDER BY id', wish.id);
    expect(events.map((e) => e.type)).toEqual(['opened', 'pledged', 'quoted', 'expired']);
  });
});
