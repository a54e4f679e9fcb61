// The maintainer account and the company dashboard read back from real ledger rows (a real
// month-end close on PostgreSQL and PGlite), and company tokens: named, listed, revoked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { issueOperatorToken } from '../app/operator.ts';
import { accounts } from '../core/ledger.ts';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { Actor } from '../core/ports/companies.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { authenticateCompany } from '../core/use-cases/authenticate-company.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { createToken, MAX_ACTIVE_TOKENS, TOKEN_NAME_MAX } from '../core/use-cases/create-token.ts';
import { getCompanyDashboard } from '../core/use-cases/get-company-dashboard.ts';
import { getMaintainerAccount, repositoryView } from '../core/use-cases/get-maintainer-account.ts';
import { getReceipt } from '../core/use-cases/get-receipt.ts';
import { issueToken } from '../core/use-cases/issue-token.ts';
import { listTokens } from '../core/use-cases/list-tokens.ts';
import { revokeToken } from '../core/use-cases/revoke-token.ts';
import { payoutTransaction } from '../core/use-cases/payments/send-payouts.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';
import { seedCompany, seedRepository } from './seed.ts';

const OCT = '2026-10' as Period;
const NOV = '2026-11' as Period;
const clock = fixedClock('2026-12-02T00:00:00Z');
const RECENT = new Date('2026-11-20T00:00:00Z');
const eur = (amount: number) => ({ amount, currency: 'EUR' });
let seq = 0;
const bytes = () => (n: number) => new Uint8Array(n).fill(++seq % 256);

describe.each(BACKENDS)('maintainer account and company dashboard on %s', (backend) => {
  let db: TestDatabase;
  let s: Services;
  const ids: Record<string, string> = {};

  /** The ledger's own balance of an account, summed in SQL. */
  const ledgerBalance = async (account: string): Promise<number> => {
    const rows = await db.prisma.$queryRawUnsafe<{ sum: bigint | null }[]>('SELECT SUM(amount)::bigint AS sum FROM ledger_entry WHERE account_key = $1', account);
    return Number(rows[0]?.sum ?? 0);
  };
  const account = (login: string) =>
    getMaintainerAccount({ ledger: s.ledger, payments: s.payments, gateway: s.gateway, companies: s.companies, repositories: s.repositories, wishes: s.wishes, clock, currency: 'EUR', login });

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    s = createServices({ config: loadConfig({ UPKEEP_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' }), db, clock, log: createLogger('silent') });
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 }, RECENT);
    await seedRepository(db.prisma, 'vuejs/core', ['npm:vue'], { alice: 100 }, null);
    ids.acme = await seedCompany(db.prisma, { name: 'Acme Corp', budget: 100_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
    ids.globex = await seedCompany(db.prisma, { name: 'Globex', budget: 50_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
    ids.initech = await seedCompany(db.prisma, { name: 'Initech', budget: 30_000, allocation: { 'npm:vue': 34, 'npm:x': 33, 'npm:y': 33 } });
    ids.hooli = await seedCompany(db.prisma, { name: 'Hooli', budget: 20_000, allocation: { 'npm:x': 34, 'npm:y': 33, 'npm:z': 33 } });
    await db.prisma.company.updateMany({ where: { id: { in: [ids.acme!, ids.hooli!] } }, data: { visibility: 'identifiable' } });
    await closePeriod({ ledger: s.ledger, clock, period: OCT });
    // npm:svelte gets a maintainer: its October escrow is released with November's distribution.
    await seedRepository(db.prisma, 'sveltejs/svelte', ['npm:svelte'], { carol: 100 }, RECENT);
    await closePeriod({ ledger: s.ledger, clock, period: NOV });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('shows what the ledger credited, per month and package, and the balance the ledger holds', async () => {
    const alice = await account('Alice');
    // react: (34000 + 17000) × 60 % = 30600; vue: 33000 + 16500 + 10200 (Initech) = 59700, both months.
    expect(alice.earnings).toEqual([
      { period: NOV, package: 'npm:react', amount: eur(30_600), source: 'distribution' },
      { period: NOV, package: 'npm:vue', amount: eur(59_700), source: 'distribution' },
      { period: OCT, package: 'npm:react', amount: eur(30_600), source: 'distribution' },
      { period: OCT, package: 'npm:vue', amount: eur(59_700), source: 'distribution' },
    ]);
    expect(alice.months).toEqual([
      { period: NOV, amount: eur(90_300) },
      { period: OCT, amount: eur(90_300) },
    ]);
    expect(alice.packages).toEqual([
      { id: 'npm:vue', amount: eur(119_400) },
      { id: 'npm:react', amount: eur(61_200) },
    ]);
    expect(alice.balance).toEqual(eur(await ledgerBalance(accounts.maintainer('alice'))));
    expect(alice.balance.amount).toBe(180_600);
  });

  it('matches what the companies’ receipts give the maintainer in a month', async () => {
    let fromReceipts = 0;
    for (const id of [ids.acme!, ids.globex!, ids.initech!]) {
      const company = (await s.companies.findById(id))!;
      const receipt = await getReceipt({ ledger: s.ledger, company, period: OCT });
      for (const line of receipt.lines) fromReceipts += line.maintainers.filter((m) => m.login === 'alice').reduce((sum, m) => sum + m.amount, 0);
    }
    const alice = await account('alice');
    expect(alice.months.find((m) => m.period === OCT)!.amount.amount).toBe(fromReceipts);
  });

  it('names the identifiable funders only and counts the anonymous ones', async () => {
    const alice = await account('alice');
    expect(alice.funders).toEqual({ identifiable: ['Acme Corp'], anonymous: 2 }); // Globex and Initech; Hooli funds none of hers
    expect(JSON.stringify(alice)).not.toMatch(/Globex|Initech|Hooli/);
    expect((await account('bob')).funders).toEqual({ identifiable: ['Acme Corp'], anonymous: 1 });
    expect((await account('nobody')).funders).toEqual({ identifiable: [], anonymous: 0 });
  });

  it('counts escrow released to a maintainer as earnings of the release month, and its companies as funders', async () => {
    const carol = await account('carol');
    // October's svelte escrow (33000 + 16500) is released in November beside November's 49500.
    expect(carol.earnings).toEqual([
      { period: NOV, package: 'npm:svelte', amount: eur(49_500), source: 'distribution' },
      { period: NOV, package: 'npm:svelte', amount: eur(49_500), source: 'escrow_release' },
    ]);
    expect(carol.balance).toEqual(eur(await ledgerBalance(accounts.maintainer('carol'))));
    expect(carol.funders).toEqual({ identifiable: ['Acme Corp'], anonymous: 1 });
  });

  it('follows payouts and the payout account: none, pending, enabled', async () => {
    expect((await account('bob')).payoutAccount.status).toBe('none');
    await s.payments.saveMaintainerAccount('bob', { accountId: `acct_bob_${backend}`, payoutsEnabled: false });
    expect((await account('bob')).payoutAccount.status).toBe('pending');
    await s.payments.setPayoutsEnabled(`acct_bob_${backend}`, true);
    expect((await account('bob')).payoutAccount.status).toBe('enabled');

    const before = (await account('bob')).balance.amount;
    const paid = await s.payments.ensure({ kind: 'payout', provider: 'offline', amount: 20_400, currency: 'EUR', idempotencyKey: `payout:bob:${OCT}`, login: 'bob', period: OCT });
    await s.payments.update(paid.id, { status: 'succeeded' });
    await s.ledger.append([payoutTransaction(paid)]);
    await s.payments.ensure({ kind: 'payout', provider: 'offline', amount: 5_000, currency: 'EUR', idempotencyKey: `payout:bob:${NOV}`, login: 'bob', period: NOV });
    const bob = await account('bob');
    expect(bob.balance.amount).toBe(before - 20_400);
    expect(bob.balance).toEqual(eur(await ledgerBalance(accounts.maintainer('bob'))));
    expect(bob.payouts.map((p) => [p.period, p.amount.amount, p.status]).sort()).toEqual([
      [OCT, 20_400, 'succeeded'],
      [NOV, 5_000, 'pending'],
    ].sort());
    expect(bob.payoutMode).toBe('offline');
  });

  it('lists the maintainer’s opted-in repositories with their problems, and their wishes', async () => {
    await openWish({ wishes: s.wishes, outbox: silentOutbox, clock, currency: 'EUR', id: 'facebook/react#7' as WishId, title: 'Faster hydration', description: '', requester: 'zoe', gateway: s.gateway });
    const alice = await account('alice');
    expect(alice.repositories.map((r) => [r.repository, r.share, r.packages])).toEqual([
      ['facebook/react', 60, ['npm:react']],
      ['vuejs/core', 100, ['npm:vue']],
    ]);
    expect(alice.repositories[0]!.problems).toEqual([]);
    expect(alice.repositories[1]!.problems).toEqual([expect.stringMatching(/No commit, issue activity or release in the last 90 days/)]);
    expect(alice.wishes.map((w) => [w.id, w.title, w.status])).toEqual([['facebook/react#7', 'Faster hydration', 'open']]);
    expect((await account('carol')).wishes).toEqual([]);
  });

  it('refuses something that is not a GitHub login', async () => {
    await expect(account('not a login!')).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('shows a company its budget, allocation, receipts per month and card state', async () => {
    const company = (await s.companies.findById(ids.acme!))!;
    const actor: Actor = { userRef: 'slack:UADMIN', workspace: company.workspace };
    const d = await getCompanyDashboard({ companies: s.companies, packages: s.packages, ledger: s.ledger, payments: s.payments, gateway: s.gateway, clock, actor });
    expect(d.canChange).toBe(false); // not an admin of Acme
    expect(d.status.budget).toEqual(eur(100_000));
    expect(d.status.allocation!.lines.map((l) => [l.package, l.points, l.amount?.amount])).toEqual([
      ['npm:react', 34, 34_000],
      ['npm:svelte', 33, 33_000],
      ['npm:vue', 33, 33_000],
    ]);
    expect(d.receipts).toEqual([
      { period: NOV, total: eur(100_000), funded: true, reason: null },
      { period: OCT, total: eur(100_000), funded: true, reason: null },
    ]);
    expect(d.billingMode).toBe('offline');
    expect(d.cardSaved).toBe(false);
    expect(d.card).toBeNull();
  });
});

describe('company API tokens', () => {
  let db: TestDatabase;
  let s: Services;
  let admin: Actor;
  let member: Actor;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    s = createServices({ config: loadConfig({ UPKEEP_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' }), db, clock, log: createLogger('silent') });
    const company = (await s.companies.create({ name: 'Acme Corp', workspace: 'slack:TACME', currency: 'EUR', adminRef: 'slack:UADMIN' }))!;
    admin = { userRef: 'slack:UADMIN', workspace: company.workspace };
    member = { userRef: 'slack:UMEMBER', workspace: company.workspace };
  });
  afterAll(async () => {
    await db?.close();
  });

  const auth = (token: string) => authenticateCompany({ companies: s.companies, hash: s.hashToken, token });

  it('creates named tokens beside each other, lists them by prefix and date, and revokes one', async () => {
    const ci = await createToken({ companies: s.companies, actor: admin, name: '  CI   export ', randomBytes: bytes(), hash: s.hashToken });
    const finance = await createToken({ companies: s.companies, actor: admin, name: null, randomBytes: bytes(), hash: s.hashToken });
    expect(ci.token).toMatch(/^upk_[\w-]{43}$/);
    expect(ci.info).toMatchObject({ name: 'CI export', prefix: ci.token.slice(0, 10), createdBy: 'slack:UADMIN' });
    expect(finance.info.name).toBeNull();
    // Both work: a new token revokes nothing.
    expect((await auth(ci.token)).company.name).toBe('Acme Corp');
    expect((await auth(finance.token)).company.name).toBe('Acme Corp');

    const listed = await listTokens({ companies: s.companies, actor: member });
    expect(listed.map((t) => [t.prefix, t.name])).toEqual([
      [ci.token.slice(0, 10), 'CI export'],
      [finance.token.slice(0, 10), null],
    ]);
    expect(JSON.stringify(listed)).not.toContain(ci.token);

    await revokeToken({ companies: s.companies, clock, actor: admin, tokenId: ci.info.id });
    await expect(auth(ci.token)).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await auth(finance.token)).company.name).toBe('Acme Corp');
    expect((await listTokens({ companies: s.companies, actor: admin })).map((t) => t.id)).toEqual([finance.info.id]);
    await expect(revokeToken({ companies: s.companies, clock, actor: admin, tokenId: ci.info.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses members, and bad names, changing nothing', async () => {
    const before = await listTokens({ companies: s.companies, actor: admin });
    await expect(createToken({ companies: s.companies, actor: member, name: 'x', randomBytes: bytes(), hash: s.hashToken })).rejects.toMatchObject({ code: 'not_admin' });
    await expect(revokeToken({ companies: s.companies, clock, actor: member, tokenId: before[0]!.id })).rejects.toMatchObject({ code: 'not_admin' });
    await expect(createToken({ companies: s.companies, actor: admin, name: 'x'.repeat(TOKEN_NAME_MAX + 1), randomBytes: bytes(), hash: s.hashToken })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(createToken({ companies: s.companies, actor: admin, name: 'bell\u0007', randomBytes: bytes(), hash: s.hashToken })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await listTokens({ companies: s.companies, actor: admin })).toEqual(before);
  });

  it('cannot revoke another company’s token', async () => {
    const other = (await s.companies.create({ name: 'Globex', workspace: 'slack:TGLOBEX', currency: 'EUR', adminRef: 'slack:UG' }))!;
    const theirs = await createToken({ companies: s.companies, actor: { userRef: 'slack:UG', workspace: other.workspace }, name: 'theirs', randomBytes: bytes(), hash: s.hashToken });
    await expect(revokeToken({ companies: s.companies, clock, actor: admin, tokenId: theirs.info.id })).rejects.toMatchObject({ code: 'not_found' });
    expect((await auth(theirs.token)).company.name).toBe('Globex');
  });

  it('keeps /upkeep token as it was: a new token revokes every earlier one, and is listed by its prefix', async () => {
    const issued = await issueToken({ companies: s.companies, actor: admin, randomBytes: bytes(), hash: s.hashToken });
    const listed = await listTokens({ companies: s.companies, actor: admin });
    expect(listed.map((t) => t.prefix)).toEqual([issued.token.slice(0, 10)]);
    expect((await auth(issued.token)).company.name).toBe('Acme Corp');
    const operator = await issueOperatorToken(s, 'Acme Corp');
    await expect(auth(issued.token)).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await listTokens({ companies: s.companies, actor: admin })).map((t) => [t.prefix, t.createdBy])).toEqual([[null, 'operator']]);
    expect((await auth(operator.token)).company.name).toBe('Acme Corp');
  });

  it('caps the active tokens of a company', async () => {
    const active = (await listTokens({ companies: s.companies, actor: admin })).length;
    for (let i = active; i < MAX_ACTIVE_TOKENS; i++) await createToken({ companies: s.companies, actor: admin, name: `t${i}`, randomBytes: bytes(), hash: s.hashToken });
    await expect(createToken({ companies: s.companies, actor: admin, name: 'one too many', randomBytes: bytes(), hash: s.hashToken })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await listTokens({ companies: s.companies, actor: admin })).toHaveLength(MAX_ACTIVE_TOKENS);
  });
});

describe('repository problems (pure)', () => {
  const base = { repository: 'a/b', optedIn: true, packages: ['npm:a' as never], maintainers: [{ login: 'alice', share: 100 }], termsVersion: 1, license: 'MIT', description: null, needs: null, contact: null, lastActivityAt: RECENT };
  it.each([
    [{}, []],
    [{ termsVersion: 0 }, [/platform rules version 0/]],
    [{ packages: [] }, [/claims no package/]],
    [{ license: null }, [/no licence/]],
    [{ lastActivityAt: null }, [/90 days/]],
  ])('%o → %o', (change, expected) => {
    const view = repositoryView({ ...base, ...change }, 'alice', clock.now());
    expect(view.problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(view.problems[i]).toMatch(re));
  });
});
