// Every `/upkeep` subcommand through the real Bolt app: correctly signed slash commands on our
// HTTP server, a recording fake Slack Web API, real PostgreSQL. Asserts on the ack bodies
// (ephemeral Block Kit), response_url posts, downloads and database rows.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { wishProgress, type WishId } from '../core/wishlist.ts';
import { downloadUrl } from '../bots/slack/downloads.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeSlackApi, startSlackTestApp, SIGNING_SECRET, type FakeSlackApi, type SlackTestApp, textOf } from './fakes/slack-api.ts';
import { seedRepository } from './seed.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

let db: TestDatabase;
let fake: FakeSlackApi;
let t: SlackTestApp;

const cmd = (text: string, user = 'UADMIN', team = 'T1') => t.driver.command(team, user, text);

async function companyOf(workspace: string) {
  return db.prisma.company.findUniqueOrThrow({ where: { workspace } });
}

describe.each(BACKENDS)('/upkeep through Bolt on %s', (backend) => {
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    fake = await startFakeSlackApi();
    t = await startSlackTestApp({ db, fake, clock: fixedClock(NOW) });
    // Maintainers of some packages: react (2 maintainers, active), vite (1, active), lodash (1, inactive).
    await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 }, new Date(NOW.getTime() - DAY));
    await seedRepository(db.prisma, 'vitejs/vite', ['npm:vite'], { evan: 100 }, new Date(NOW.getTime() - 2 * DAY));
    await seedRepository(db.prisma, 'lodash/lodash', ['npm:lodash'], { jd: 100 }, new Date(NOW.getTime() - 200 * DAY));
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await db?.close();
  });

  it('help: the list of commands, one topic, and a suggestion for a typo', async () => {
    const all = await cmd('');
    expect(all.status).toBe(200);
    expect(all.json?.response_type).toBe('ephemeral');
    for (const sub of ['setup', 'budget', 'deps', 'own', 'allocate', 'status', 'history', 'receipt', 'export', 'visibility', 'token', 'billing', 'wishes', 'pledge', 'pledges', 'subscribe', 'unsubscribe', 'subscriptions', 'help']) {
      expect(textOf(all)).toContain(`/upkeep ${sub}`);
    }
    // Grouped by task and short.
    expect(String(all.json?.text).length).toBeLessThanOrEqual(1200);
    for (const group of ['Getting started', 'Dependencies &amp; allocation', 'Money &amp; receipts', 'Wishes', 'Channel notices', 'Admin']) expect(textOf(all)).toContain(`*${group}*:`);
    expect(textOf(await cmd('help allocate'))).toContain('allocate npm:react=34 npm:vite=33 pypi:requests=33');
    const typo = await cmd('statsu');
    expect(typo.json?.response_type).toBe('ephemeral');
    expect(textOf(typo)).toContain('Did you mean `status`?');
  });

  it('before setup, every command says how to set up', async () => {
    const r = await cmd('status');
    expect(textOf(r)).toContain('/upkeep setup <company name>');
  });

  it('setup: creates the company of the verified workspace with the caller as admin; a second setup is refused', async () => {
    const r = await cmd('setup Acme Inc');
    expect(textOf(r)).toContain('Acme Inc');
    const company = await companyOf('slack:T1');
    expect(company.name).toBe('Acme Inc');
    const members = await db.prisma.member.findMany({ where: { companyId: company.id } });
    expect(members.map((m) => [m.userRef, m.role])).toEqual([['slack:UADMIN', 'admin']]);
    const again = await cmd('setup Other Name', 'UOTHER');
    expect(textOf(again)).toContain('already has a company, \\"Acme Inc\\"');
    expect(await db.prisma.company.count({ where: { workspace: 'slack:T1' } })).toBe(1);
  });

  it('setup inside an Enterprise Grid keys the company by enterprise and team', async () => {
    await t.driver.command('T9', 'UGRID', 'setup Grid Co', { enterprise: 'E7' });
    expect((await companyOf('slack:E7:T9')).name).toBe('Grid Co');
  });

  it('budget: sets it in minor units; wrong currency, zero and nonsense are refused with a fix', async () => {
    expect(textOf(await cmd('budget 2,000'))).toContain('€2,000.00');
    expect((await companyOf('slack:T1')).budget).toBe(200000n);
    expect(textOf(await cmd('budget 10 USD'))).toContain('EUR');
    expect(textOf(await cmd('budget 0'))).toMatch(/budget|amount/i);
    expect(textOf(await cmd('budget lots'))).toContain('"lots" is not an amount');
    expect((await companyOf('slack:T1')).budget).toBe(200000n);
  });

  it('deps add / list / remove, with maintainers and warnings in the list', async () => {
    const added = await cmd('deps add npm:react npm:vite npm:lodash pypi:Requests npm:acme-ui');
    expect(textOf(added)).toContain('pypi:requests');
    const company = await companyOf('slack:T1');
    expect((await db.prisma.dependency.findMany({ where: { companyId: company.id } })).map((d) => d.packageId).sort()).toEqual([
      'npm:acme-ui',
      'npm:lodash',
      'npm:react',
      'npm:vite',
      'pypi:requests',
    ]);
    const list = textOf(await cmd('deps list'));
    expect(list).toContain('alice 60%');
    expect(list).toContain('no maintainer yet — held in escrow');
    expect(list).toContain('no activity in 90 days');
    expect(list).toContain('bus factor 1');
    await cmd('deps add cargo:serde');
    expect(textOf(await cmd('deps remove cargo:serde'))).toContain('Removed cargo:serde');
    expect(await db.prisma.dependency.count({ where: { companyId: company.id, packageId: 'cargo:serde' } })).toBe(0);
    expect(textOf(await cmd('deps add react'))).toContain('ecosystem');
  });

  it('own and own remove', async () => {
    expect(textOf(await cmd('own npm:acme-ui'))).toContain('npm:acme-ui');
    const company = await companyOf('slack:T1');
    expect(await db.prisma.ownedPackage.count({ where: { companyId: company.id } })).toBe(1);
    await cmd('own npm:acme-extra');
    await cmd('own remove npm:acme-extra');
    expect((await db.prisma.ownedPackage.findMany({ where: { companyId: company.id } })).map((o) => o.packageId)).toEqual(['npm:acme-ui']);
  });

  describe('allocate with arguments: every rule refused with its message, then accepted', () => {
    it.each([
      ['points over the maximum', 'allocate npm:react=40 npm:vite=30 npm:lodash=30', 'npm:react has 40 points; the maximum per package is 34'],
      ['total not 100', 'allocate npm:react=30 npm:vite=30 npm:lodash=30', 'add up to 90; they must add up to exactly 100'],
      ['too few packages', 'allocate npm:react=34 npm:vite=66', 'spread the points over at least 3'],
      ['not a declared dependency', 'allocate npm:react=34 npm:vite=33 cargo:tokio=33', 'cargo:tokio is not one of your declared dependencies'],
      ['own package', 'allocate npm:react=34 npm:vite=33 npm:acme-ui=33', 'npm:acme-ui is your own package'],
      ['points not a whole number', 'allocate npm:react=3.5 npm:vite=33 npm:lodash=33', 'points are whole numbers'],
      ['package twice', 'allocate npm:react=34 npm:react=33 npm:lodash=33', 'npm:react is listed twice'],
      ['missing points', 'allocate npm:react npm:vite=33', 'has no points'],
    ])('%s', async (_name, text, message) => {
      const r = await cmd(text);
      expect(r.json?.response_type).toBe('ephemeral');
      expect(textOf(r)).toContain(message);
      const company = await companyOf('slack:T1');
      expect(await db.prisma.allocation.count({ where: { companyId: company.id } })).toBe(0);
    });

    it('several violations are all listed', async () => {
      const t2 = textOf(await cmd('allocate npm:react=40 npm:vite=20 npm:lodash=20'));
      expect(t2).toContain('maximum per package is 34');
      expect(t2).toContain('add up to 80');
    });

    it('a valid allocation is saved and shown with amounts', async () => {
      const r = await cmd('allocate npm:react=34 npm:vite=33 pypi:requests=33');
      const text = textOf(r);
      expect(text).toContain('Allocation saved');
      expect(text).toContain('€680.00');
      const company = await companyOf('slack:T1');
      const saved = await db.prisma.allocation.findFirstOrThrow({ where: { companyId: company.id }, include: { lines: true } });
      expect(saved.createdBy).toBe('slack:UADMIN');
      expect(saved.lines.map((l) => [l.packageId, l.points]).sort()).toEqual([
        ['npm:react', 34],
        ['npm:vite', 33],
        ['pypi:requests', 33],
      ]);
    });
  });

  it('status: budget, allocation bar chart, warnings', async () => {
    const text = textOf(await cmd('status', 'UMEMBER'));
    expect(text).toContain('Acme Inc');
    expect(text).toContain('you are a member');
    expect(text).toContain('€2,000.00');
    expect(text).toMatch(/█+░*` \*34\* pts · npm:react/);
    expect(text).toContain('pypi:requests: :warning: no activity in 90 days · no maintainer yet — held in escrow');
  });

  it('visibility', async () => {
    expect(textOf(await cmd('visibility identifiable'))).toContain('Maintainers can now see');
    expect((await companyOf('slack:T1')).visibility).toBe('identifiable');
    expect(textOf(await cmd('visibility public'))).toContain('identifiable or anonymous');
  });

  it('token: shown once, ephemeral, only its hash stored; a new one revokes the old', async () => {
    const r = await cmd('token');
    expect(r.json?.response_type).toBe('ephemeral');
    const token = /upk_[A-Za-z0-9_-]{43}/.exec(textOf(r))?.[0];
    expect(token).toBeDefined();
    const company = await companyOf('slack:T1');
    const rows = await db.prisma.apiToken.findMany({ where: { companyId: company.id } });
    expect(rows.map((x) => x.hash)).toEqual([createHash('sha256').update(token!).digest('hex')]);
    expect(JSON.stringify(rows)).not.toContain(token!);
    await cmd('token');
    expect(await db.prisma.apiToken.count({ where: { companyId: company.id, revokedAt: null } })).toBe(1);
  });

  it('billing offline: admins are told budgets are settled by the operator; members are refused', async () => {
    const r = await cmd('billing');
    expect(r.json?.response_type).toBe('ephemeral');
    expect(textOf(r)).toContain('Payments are offline: budgets are settled by the operator');
    expect(textOf(r)).not.toContain('checkout');
    expect(textOf(await cmd('billing', 'UMEMBER'))).toContain('Not allowed');
    expect(textOf(await cmd('status'))).not.toContain('No card saved');
  });

  it('history, receipt and export after the month-end close, with CSV downloads behind signed links', async () => {
    expect(textOf(await cmd('history'))).toContain('no closed month yet');
    expect(textOf(await cmd('receipt 2026-11'))).toContain('2026-11 is not closed yet');
    expect(textOf(await cmd('receipt 2026-13'))).toContain('2026-13');
    // The close freezes allocations saved up to its clock; rows carry the database's real time.
    await closePeriod({ ledger: t.services.ledger, clock: fixedClock(new Date(Math.max(Date.now(), NOW.getTime()))), period: '2026-11' as Period });

    const history = textOf(await cmd('history', 'UMEMBER'));
    expect(history).toContain('*2026-11* — €2,000.00 to 3 packages');

    const receipt = await cmd('receipt 2026-11', 'UMEMBER');
    const text = textOf(receipt);
    expect(text).toContain('Total: *€2,000.00*');
    expect(text).toContain('*npm:react* €680.00 → alice €408.00, bob €272.00');
    expect(text).toContain('in escrow (no maintainer yet)');
    const link = /<(http:\/\/127\.0\.0\.1:\d+\/slack-downloads\/[^|>]+)\|Download the CSV>/.exec(text)?.[1];
    expect(link).toBeDefined();
    const csv = await fetch(link!);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe('period,package,maintainer,amount,escrow,currency');
    expect(rows).toContain('2026-11,npm:react,alice,40800,0,EUR');
    expect(rows).toContain('2026-11,npm:react,bob,27200,0,EUR');
    expect(rows).toContain('2026-11,pypi:requests,,66000,66000,EUR');

    const exp = textOf(await cmd('export'));
    const all = /<(http:\/\/[^|>]+)\|Download the CSV>/.exec(exp)?.[1];
    expect(all).toContain('upkeep-all.csv');
    expect((await (await fetch(all!)).text()).split('\n').length).toBeGreaterThan(3);
    expect(textOf(await cmd('export 2026-10'))).toContain('2026-10 is not closed yet');

    // Tampered, expired and foreign links are refused.
    const tampered = link!.replace(/\/slack-downloads\/(.)/, (_m, c: string) => `/slack-downloads/${c === 'A' ? 'B' : 'A'}`);
    expect((await fetch(tampered)).status).toBe(401);
    const company = await companyOf('slack:T1');
    const expired = downloadUrl(t.url, SIGNING_SECRET, company.id, '2026-11', new Date(NOW.getTime() - 16 * 60_000));
    expect((await fetch(expired)).status).toBe(401);
    const forged = downloadUrl(t.url, 'another-secret', company.id, '2026-11', NOW);
    const res = await fetch(forged);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('expired') } });
  });

  it('subscribe: the channel follows a repository or a package (with the company for month-end summaries)', async () => {
    const r = await t.driver.command('T1', 'UADMIN', 'subscribe https://github.com/vitejs/vite', { channel: 'C0NEWS' });
    expect(textOf(r)).toContain('now follows *wishes of vitejs/vite*');
    const company = await companyOf('slack:T1');
    await t.driver.command('T1', 'UADMIN', 'subscribe npm:react', { channel: 'C0NEWS' });
    const again = await t.driver.command('T1', 'UADMIN', 'subscribe vitejs/vite', { channel: 'C0NEWS' });
    expect(textOf(again)).toContain('already follows');
    const subs = await db.prisma.subscription.findMany({ where: { platform: 'slack' }, orderBy: { id: 'asc' } });
    expect(subs.map((s) => [s.channel, s.target, s.companyId, s.createdBy])).toEqual([
      ['T1/C0NEWS', 'repo:vitejs/vite', company.id, 'slack:UADMIN'],
      ['T1/C0NEWS', 'package:npm:react', company.id, 'slack:UADMIN'],
    ]);
    expect(textOf(await cmd('subscribe react'))).toContain('neither a package nor a repository');
    // A workspace without a company may follow public wish news; anyone there may subscribe.
    await t.driver.command('T5', 'UANY', 'subscribe vitejs/vite', { channel: 'C5' });
    expect((await db.prisma.subscription.findFirstOrThrow({ where: { channel: 'T5/C5' } })).companyId).toBeNull();
  });

  it('admin grant: a mentioned member becomes admin and can then change things', async () => {
    expect(textOf(await cmd('budget 100', 'UDANA'))).toContain('Only company admins');
    expect(textOf(await cmd('admin grant <@UDANA|dana>'))).toContain('<@UDANA> is now an admin');
    expect(textOf(await cmd('budget 2,500', 'UDANA'))).toContain('€2,500.00');
    expect((await companyOf('slack:T1')).budget).toBe(250000n);
  });

  it('wishes and pledge (offline payments are labelled)', async () => {
    const id = 'vitejs/vite#42' as WishId;
    const s = t.services;
    await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', id, title: 'A --json flag', description: 'Print JSON', requester: 'carol' });
    await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock: s.clock, id, amount: money(150000, 'EUR'), delayDays: 21, by: 'evan', isMaintainer: true });
    const list = textOf(await cmd('wishes vitejs/vite', 'UMEMBER'));
    expect(list).toContain('vitejs/vite#42');
    expect(list).toContain('A --json flag');
    expect(list).toContain('€1,500.00');
    expect(textOf(await cmd('wishes nobody/nothing'))).toContain('has no wishes yet');

    const pledge = textOf(await cmd('pledge vitejs/vite#42 250', 'UMEMBER'));
    expect(pledge).toContain('You pledged *€250.00* to *vitejs/vite#42*');
    expect(pledge).toContain('offline');
    const wish = await s.wishes.get(id);
    expect(wish?.pledges.map((p) => [p.pledger.source, p.pledger.id, p.amount])).toEqual([['slack', 'slack:UMEMBER', 25000]]);
    expect(textOf(await cmd('pledge vitejs/vite#999 10'))).toContain('vitejs/vite#999');
    expect(textOf(await cmd('pledge vitejs/vite#42 -5'))).toMatch(/amount|positive|more than/i);
  });

  it('subscriptions and unsubscribe: the channel lists what it follows and stops one; members are refused once there is a company', async () => {
    const list = textOf(await t.driver.command('T1', 'UADMIN', 'subscriptions', { channel: 'C0NEWS' }));
    expect(list).toContain('This channel follows 2 things');
    expect(list).toContain('*wishes of vitejs/vite* · with your company’s month-end summaries');
    expect(list).toContain('*npm:react*');
    expect(textOf(await t.driver.command('T1', 'UADMIN', 'subscriptions', { channel: 'C0QUIET' }))).toContain('This channel follows nothing yet');
    // A member may look but not change what an admin's channel follows.
    expect(textOf(await t.driver.command('T1', 'UMEMBER', 'unsubscribe npm:react', { channel: 'C0NEWS' }))).toContain('Only company admins');
    const done = textOf(await t.driver.command('T1', 'UADMIN', 'unsubscribe https://github.com/vitejs/vite', { channel: 'C0NEWS' }));
    expect(done).toContain('no longer follows *wishes of vitejs/vite*');
    const again = textOf(await t.driver.command('T1', 'UADMIN', 'unsubscribe vitejs/vite', { channel: 'C0NEWS' }));
    expect(again).toContain('This channel does not follow wishes of vitejs/vite');
    expect(again).toContain('`/upkeep subscriptions`');
    expect(textOf(await t.driver.command('T1', 'UADMIN', 'unsubscribe react', { channel: 'C0NEWS' }))).toContain('neither a package nor a repository');
    const subs = await db.prisma.subscription.findMany({ where: { channel: 'T1/C0NEWS' } });
    expect(subs.map((x) => x.target)).toEqual(['package:npm:react']);
  });

  it('pledges and pledge withdraw: one’s own pledges with status; an unpaid pledge is withdrawn and no longer counts; a paid one is refused', async () => {
    const id = 'vitejs/vite#42' as WishId;
    const s = t.services;
    await cmd('pledge vitejs/vite#42 40', 'UMEMBER');
    const mine = await cmd('pledges', 'UMEMBER');
    const text = textOf(mine);
    expect(text).toContain('vitejs/vite#42');
    expect(text).toContain('€250.00 awaiting payment, €40.00 awaiting payment');
    expect(JSON.stringify(mine.json)).toContain('"action_id":"upkeep_withdraw_pledge"');
    expect(JSON.stringify(mine.json)).toContain('Withdraw €290.00');
    expect(textOf(await cmd('pledges', 'UADMIN'))).toContain('You have no pledges yet');

    // Pay the first pledge (as Stripe's webhook would), then withdraw: only the unpaid one goes.
    const first = (await s.wishes.get(id))!.pledges[0]!;
    await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, wishId: id, pledgeId: first.id, provider: 'offline' });
    const withdrawn = textOf(await cmd('pledge withdraw vitejs/vite#42', 'UMEMBER'));
    expect(withdrawn).toContain('Your unpaid pledge of *€40.00*');
    const wish = (await s.wishes.get(id))!;
    expect(wish.pledges.map((p) => [p.amount, p.status])).toEqual([[25000, 'paid'], [4000, 'refunded']]);
    expect(wishProgress(wish)).toMatchObject({ pledged: 25000, paid: 25000, pledgers: 1 });
    expect(textOf(await cmd('pledges', 'UMEMBER'))).toContain('€250.00 paid, €40.00 withdrawn');

    const paid = textOf(await cmd('pledge withdraw vitejs/vite#42', 'UMEMBER'));
    expect(paid).toContain('Your pledge to vitejs/vite#42 is paid, so it can no longer be withdrawn');
    expect(textOf(await cmd('pledge withdraw vitejs/vite#42', 'UADMIN'))).toContain('You have no standing pledge to vitejs/vite#42');
    expect(textOf(await cmd('pledge withdraw vitejs/vite#999', 'UMEMBER'))).toContain('There is no wish for vitejs/vite#999');
    expect((await s.wishes.get(id))!.pledges.map((p) => p.status)).toEqual(['paid', 'refunded']);
  });

  it('the Withdraw button of the pledge list withdraws once, even when the click is delivered twice', async () => {
    const id = 'vitejs/vite#42' as WishId;
    await cmd('pledge vitejs/vite#42 15', 'UBUTTON');
    const click = {
      type: 'block_actions',
      team: { id: 'T1', domain: 't1' },
      user: { id: 'UBUTTON', username: 'ubutton', team_id: 'T1' },
      api_app_id: 'A0UPKEEP',
      token: 'unused',
      trigger_id: 'trigger-withdraw-1',
      response_url: fake.responseUrl('withdraw-1'),
      container: { type: 'message', message_ts: '1.1' },
      actions: [{ type: 'button', action_id: 'upkeep_withdraw_pledge', block_id: 'b', value: id, action_ts: '1.2' }],
    };
    expect((await t.driver.interaction(click)).status).toBe(200);
    const posted = await fake.waitFor((c) => c.path === '/respond/withdraw-1');
    expect(textOf(posted.params)).toContain('Your unpaid pledge of *€15.00*');
    expect((await t.driver.interaction(click)).status).toBe(200);
    const mine = (await t.services.wishes.get(id))!.pledges.filter((p) => p.pledger.id === 'slack:UBUTTON');
    expect(mine.map((p) => [p.amount, p.status])).toEqual([[1500, 'refunded']]);
    expect(fake.of('respond').filter((c) => c.path === '/respond/withdraw-1')).toHaveLength(1);
    // A forged value is refused, nothing changes.
    await t.driver.interaction({ ...click, trigger_id: 'trigger-withdraw-2', response_url: fake.responseUrl('withdraw-2'), actions: [{ ...click.actions[0], value: 'not a wish' }] });
    expect(textOf((await fake.waitFor((c) => c.path === '/respond/withdraw-2')).params)).toContain('This button is not valid');
  });

  it('a slow command is acknowledged at once and answered through response_url', async () => {
    const slow = await startSlackTestApp({ db, fake, clock: fixedClock(NOW), ackBudgetMs: 0 });
    try {
      const r = await slow.driver.command('T1', 'UMEMBER', 'status', { responseId: 'slow-status' });
      expect(textOf(r)).toContain('Working on it');
      const posted = await fake.waitFor((c) => c.path === '/respond/slow-status');
      expect(textOf(posted.params)).toContain('Acme Inc');
      expect(posted.params.replace_original).toBe(true);
    } finally {
      await slow.close();
    }
  });
});
