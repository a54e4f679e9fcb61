// The maintainer account over HTTP, signed in through the real GitHub flow against the local
// fake: /api/v1/me answers for the session's own login only, /account shows the ledger's figures
// and the identifiable funders (never an anonymous one's name), and the payout button goes
// through Stripe Connect onboarding (the recording fake Stripe) and back to /account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../core/ledger.ts';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { updatePayoutAccount } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { seedCompany, seedRepository } from './seed.ts';
import { pageWithCsrf, postForm, signInEnv, signInGithub, signInSlack, startSignInFakes, startWebApp, type SignInFakes, type WebTestApp } from './web-support.ts';

const OCT = '2026-10' as Period;
const clock = fixedClock('2026-11-03T00:00:00Z');

let db: TestDatabase;
let fakes: SignInFakes;
let stripe: FakeStripe;
let app: WebTestApp;
let alice: string;
let bob: string;

const ledgerBalance = async (login: string): Promise<number> => {
  const rows = await db.prisma.$queryRawUnsafe<{ sum: bigint | null }[]>('SELECT SUM(amount)::bigint AS sum FROM ledger_entry WHERE account_key = $1', accounts.maintainer(login));
  return Number(rows[0]?.sum ?? 0);
};
const me = async (cookie: string, query = '') => {
  const res = await fetch(`${app.url}/api/v1/me${query}`, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  fakes = await startSignInFakes();
  stripe = await startFakeStripe();
  app = await startWebApp({
    db,
    clock,
    env: { ...signInEnv(fakes), STRIPE_SECRET_KEY: 'sk_test_web', STRIPE_WEBHOOK_SECRET: 'whsec_web', STRIPE_API_URL: stripe.url },
  });
  await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 }, new Date('2026-10-20T00:00:00Z'));
  await seedRepository(db.prisma, 'vuejs/core', ['npm:vue'], { alice: 100 }, new Date('2026-10-20T00:00:00Z'));
  const acme = await seedCompany(db.prisma, { name: 'Acme Corp', budget: 100_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
  await seedCompany(db.prisma, { name: 'Globex', budget: 50_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
  await db.prisma.company.update({ where: { id: acme }, data: { visibility: 'identifiable' } });
  await closePeriod({ ledger: app.services.ledger, clock, period: OCT });
  alice = await signInGithub(app.url, fakes, { login: 'Alice', name: 'Alice A.' });
  bob = await signInGithub(app.url, fakes, 'bob');
});
afterAll(async () => {
  await app?.close();
  await stripe?.stop();
  await fakes?.close();
  await db?.close();
});

describe('GET /api/v1/me', () => {
  it('answers 401 with a JSON error without a maintainer session', async () => {
    const anonymous = await me('');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/Sign in with GitHub/) } });
    const slackUser = await signInSlack(app.url, fakes, { user: 'UANY' });
    expect((await me(slackUser)).status).toBe(401);
    expect((await me('upkeep_session=forged')).status).toBe(401);
  });

  it('shows the signed-in maintainer the ledger’s figures and the identifiable funders only', async () => {
    const { status, body } = await me(alice);
    expect(status).toBe(200);
    // react (34000 + 17000) × 60 % = 30600; vue 33000 + 16500 = 49500.
    expect(body).toMatchObject({
      login: 'alice',
      balance: { amount: 80_100, currency: 'EUR' },
      months: [{ period: OCT, amount: { amount: 80_100, currency: 'EUR' } }],
      packages: [
        { id: 'npm:vue', amount: { amount: 49_500, currency: 'EUR' } },
        { id: 'npm:react', amount: { amount: 30_600, currency: 'EUR' } },
      ],
      payoutAccount: { status: 'none' },
      funders: { identifiable: ['Acme Corp'], anonymous: 1 },
      payouts: [],
    });
    expect(body.balance.amount).toBe(await ledgerBalance('alice'));
    expect(JSON.stringify(body)).not.toContain('Globex');
  });

  it('only ever shows the session’s own login: another maintainer sees other figures, and no parameter reads someone else', async () => {
    const mine = await me(bob);
    expect(mine.body).toMatchObject({ login: 'bob', balance: { amount: 20_400 }, packages: [{ id: 'npm:react', amount: { amount: 20_400 } }] });
    expect(mine.body.balance.amount).toBe(await ledgerBalance('bob'));
    const probing = await me(bob, '?login=alice');
    expect(probing.body.login).toBe('bob');
    expect(probing.body.balance.amount).toBe(20_400);
    expect((await fetch(`${app.url}/api/v1/me/alice`, { headers: { cookie: bob } })).status).toBe(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toContain('/api/v1/me');
    expect(doc.components.schemas).toHaveProperty('Me');
  });
});

describe('GET /account', () => {
  it('asks a visitor to sign in with GitHub', async () => {
    const res = await fetch(`${app.url}/account`);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toMatch(/<a class="button" href="\/auth\/github">Sign in with GitHub<\/a>/);
    expect(html).toMatch(/<main id="main">/);
  });

  it('shows the month’s earnings per package, the balance and who funds the maintainer', async () => {
    const { html } = await pageWithCsrf(`${app.url}/account`, alice);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<p class="figure" data-testid="balance">€801.00</p>');
    expect(html).toMatch(/October 2026<\/td><td><code>npm:react<\/code><\/td><td>the month's budgets<\/td><td class="num">€306.00/);
    expect(html).toMatch(/October 2026<\/td><td><code>npm:vue<\/code><\/td><td>the month's budgets<\/td><td class="num">€495.00/);
    expect(html).toContain('<li>Acme Corp</li>');
    expect(html).toContain('1 company funds you anonymously.');
    expect(html).not.toContain('Globex');
    expect(html).toContain('facebook/react');
    expect(html).toContain('data-testid="payout-status">Not connected');
  });

  it('lets the payout form lead to Stripe (form-action) and keeps the security headers', async () => {
    const res = await fetch(`${app.url}/account`, { headers: { cookie: alice } });
    expect(res.headers.get('content-security-policy')).toMatch(/form-action 'self' https:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('POST /account/payouts', () => {
  it('refuses a POST without a CSRF token and changes nothing', async () => {
    const res = await postForm(`${app.url}/account/payouts`, alice, {});
    expect(res.status).toBe(403);
    expect(await app.services.payments.maintainerAccount('alice')).toBeNull();
    expect(stripe.callsTo('POST', '/v1/accounts')).toHaveLength(0);
  });

  it('sends the maintainer to Stripe Connect onboarding, back to /account, and shows the account enabled once Stripe says so', async () => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/account`, alice);
    const res = await postForm(`${app.url}/account/payouts`, cookie, { _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^https:\/\/connect\.stripe\.test\/setup\/e\/acct_/);
    const [link] = stripe.callsTo('POST', '/v1/account_links');
    expect(link!.body).toMatchObject({ return_url: `${app.url}/account`, refresh_url: `${app.url}/account` });
    const saved = await app.services.payments.maintainerAccount('alice');
    expect(saved).toMatchObject({ payoutsEnabled: false });
    expect((await me(alice)).body.payoutAccount).toEqual({ status: 'pending' });
    expect((await pageWithCsrf(`${app.url}/account`, alice)).html).toContain('Onboarding not finished');

    // Stripe's account.updated (the webhook's use-case).
    await updatePayoutAccount({ payments: app.services.payments, accountId: saved!.accountId!, payoutsEnabled: true });
    expect((await me(alice)).body.payoutAccount).toEqual({ status: 'enabled' });
    const page = (await pageWithCsrf(`${app.url}/account`, alice)).html;
    expect(page).toContain('Ready for payouts');
    expect(page).toMatch(/Payouts go out on their own after each month-end close/);
    // Bob's account is untouched.
    expect((await me(bob)).body.payoutAccount).toEqual({ status: 'none' });
  });

  it('refuses a visitor (no session, so no valid CSRF token) and changes nothing', async () => {
    const res = await postForm(`${app.url}/account/payouts`, '', { _csrf: 'made-up' });
    expect(res.status).toBe(403);
    expect(stripe.callsTo('POST', '/v1/accounts')).toHaveLength(1); // alice's, from the test before
  });
});

describe('GET /billing/done', () => {
  it('confirms the card is being saved and links to the company page', async () => {
    const res = await fetch(`${app.url}/billing/done`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Your card is being saved</h1>');
    expect(html).toContain('href="/company"');
  });
});
