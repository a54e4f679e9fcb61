// The account and company pages in a real browser (Debian's chromium through playwright-core),
// signed in through both real sign-ins against the local fakes: what the ledger holds is what
// the page shows. Stripe's hosted pages (Connect onboarding, Checkout) are stood in for by
// intercepting their URLs and sending the browser back as Stripe would. Screenshots go to
// test-artifacts/ (light and dark).
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { updatePayoutAccount } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { launchBrowser, screenshot } from './browser-support.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { seedCompany, seedRepository } from './seed.ts';
import { APP_TEAM, signInEnv, startSignInFakes, startWebApp, type SignInFakes, type WebTestApp } from './web-support.ts';

const OCT = '2026-10' as Period;
const clock = fixedClock('2026-11-03T00:00:00Z');

let db: TestDatabase;
let fakes: SignInFakes;
let stripe: FakeStripe;
let app: WebTestApp;
let browser: Browser;
let companyId: string;

beforeAll(async () => {
  db = await openTestDatabase('pglite');
  fakes = await startSignInFakes();
  stripe = await startFakeStripe();
  app = await startWebApp({ db, clock, env: { ...signInEnv(fakes), STRIPE_SECRET_KEY: 'sk_test_web', STRIPE_WEBHOOK_SECRET: 'whsec_web', STRIPE_API_URL: stripe.url } });
  await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 }, new Date('2026-10-20T00:00:00Z'));
  companyId = await seedCompany(db.prisma, { name: 'Acme Corp', budget: 100_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
  await seedCompany(db.prisma, { name: 'Globex', budget: 50_000, allocation: { 'npm:react': 34, 'npm:vue': 33, 'npm:svelte': 33 } });
  await db.prisma.company.update({ where: { id: companyId }, data: { visibility: 'identifiable', workspace: `slack:${APP_TEAM}`, members: { create: { userRef: 'slack:UADMIN', role: 'admin' } } } });
  await closePeriod({ ledger: app.services.ledger, clock, period: OCT });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await stripe?.stop();
  await fakes?.close();
  await db?.close();
});

describe('in a browser', () => {
  it('a maintainer signs in, sees the month’s earnings and the identifiable funder only, connects payouts and comes back enabled', async () => {
    fakes.github.signInAs({ login: 'alice', name: 'Alice' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/auth/github`);
    expect(new URL(page.url()).pathname).toBe('/account');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your maintainer account');
    // react (34000 + 17000) × 60 % = 30600.
    expect(await page.getByTestId('balance').textContent()).toBe('€306.00');
    expect(await page.getByTestId('earnings').locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/October 2026\s+npm:react\s+the month's budgets\s+€306\.00/)]);
    expect(await page.getByTestId('identifiable-funders').innerText()).toBe('Acme Corp');
    expect(await page.getByTestId('anonymous-funders').innerText()).toBe('1 company funds you anonymously.');
    expect(await page.content()).not.toContain('Globex');
    await screenshot(page, 'account-light');

    // Stripe's onboarding: the account becomes able to receive payouts (account.updated), and Stripe sends the browser back.
    await page.route('https://connect.stripe.test/**', async (route) => {
      const account = await app.services.payments.maintainerAccount('alice');
      await updatePayoutAccount({ payments: app.services.payments, accountId: account!.accountId!, payoutsEnabled: true });
      await route.fulfill({ status: 302, headers: { location: `${app.url}/account` } });
    });
    await page.getByRole('button', { name: 'Connect payouts with Stripe' }).click();
    await page.waitForURL(`${app.url}/account`);
    expect(await page.getByTestId('payout-status').textContent()).toBe('Ready for payouts');
    await context.close();

    const dark = await browser.newContext({ colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${app.url}/auth/github`);
    expect(await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 19, 23)');
    await screenshot(darkPage, 'account-dark');
    await dark.close();
  }, 60_000);

  it('a company admin signs in, starts billing, and downloads a receipt CSV that matches the API', async () => {
    fakes.slack.signInAs({ teamId: APP_TEAM, userId: 'UADMIN', name: 'Ada Admin', enterpriseId: null });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${app.url}/auth/slack`);
    expect(new URL(page.url()).pathname).toBe('/company');
    expect(await page.locator('h1').textContent()).toBe('Acme Corp');
    expect(await page.locator('svg[role=img] title').textContent()).toMatch(/How Acme Corp's budget/);
    expect(await page.getByTestId('card').textContent()).toBe('No card saved.');
    await screenshot(page, 'company-admin-light');

    await page.route('https://checkout.stripe.test/**', (route) => route.fulfill({ status: 302, headers: { location: `${app.url}/billing/done` } }));
    await page.getByRole('button', { name: 'Save a card on Stripe' }).click();
    await page.waitForURL(`${app.url}/billing/done`);
    expect(await page.locator('h1').textContent()).toBe('Your card is being saved');
    expect(stripe.callsTo('POST', '/v1/checkout/sessions').at(-1)!.body.mode).toBe('setup');

    await page.goto(`${app.url}/company`);
    await page.getByLabel('Name of a new token (optional)').fill('browser test');
    await page.getByRole('button', { name: 'Create a token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!.trim();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Receipt of October 2026 as CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const api = await (await fetch(`${app.url}/api/v1/company/receipts?period=${OCT}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } })).text();
    expect(csv).toBe(api);
    expect(csv).toContain(`${OCT},npm:react,alice,20400,0,EUR`);
    await context.close();
  }, 60_000);

  it('a member sees the company but cannot change anything', async () => {
    fakes.slack.signInAs({ teamId: APP_TEAM, userId: 'UMEMBER', name: 'Max Member', enterpriseId: null });
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${app.url}/auth/slack`);
    expect(await page.getByTestId('role').textContent()).toMatch(/You are a member/);
    expect(await page.locator('form[action^="/company"]').count()).toBe(0);
    await screenshot(page, 'company-member-dark');
    // A POST made anyway, with the page's own CSRF token, is refused and changes nothing.
    const csrf = await page.locator('input[name=_csrf]').first().getAttribute('value');
    const res = await page.request.post(`${app.url}/company/visibility`, { form: { _csrf: csrf!, visibility: 'anonymous' }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    expect((await app.services.companies.findById(companyId))!.visibility).toBe('identifiable');
    await context.close();
  }, 60_000);
});
