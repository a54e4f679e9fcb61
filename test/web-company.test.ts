// The company page over HTTP, signed in through the real Sign in with Slack flow against the
// local fake: admins see forms and change things, members see the same figures and every POST of
// theirs is refused (403, nothing changed); tokens are created (shown once), listed and revoked;
// a receipt downloaded from the page is byte for byte the API's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageId } from '../core/packages.ts';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { dayText } from '../web/pages/format.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { APP_TEAM, pageWithCsrf, postForm, signInEnv, signInSlack, startSignInFakes, startWebApp, type SignInFakes, type WebTestApp } from './web-support.ts';

const OCT = '2026-10' as Period;
const clock = fixedClock('2026-11-03T00:00:00Z');

let db: TestDatabase;
let fakes: SignInFakes;
let stripe: FakeStripe;
let app: WebTestApp;
let companyId: string;
let admin: string;
let member: string;

const company = async () => (await app.services.companies.findById(companyId))!;
const receiptApi = (token: string, accept = 'application/json') => fetch(`${app.url}/api/v1/company/receipts?period=${OCT}`, { headers: { authorization: `Bearer ${token}`, accept } });
/** The forms of a page that change the company (the sign-out form aside). */
const companyForms = (html: string) => [...html.matchAll(/<form[^>]*action="(\/company[^"]*)"/g)].map((m) => m[1]);

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  fakes = await startSignInFakes();
  stripe = await startFakeStripe();
  app = await startWebApp({ db, clock, env: { ...signInEnv(fakes), STRIPE_SECRET_KEY: 'sk_test_web', STRIPE_WEBHOOK_SECRET: 'whsec_web', STRIPE_API_URL: stripe.url } });
  const s = app.services;
  const created = (await s.companies.create({ name: 'Acme Corp', workspace: `slack:${APP_TEAM}`, currency: 'EUR', adminRef: 'slack:UADMIN' }))!;
  companyId = created.id;
  await s.companies.setBudget(companyId, 100_000);
  const packages = ['npm:react', 'npm:vue', 'npm:svelte'] as PackageId[];
  await s.companies.addDependencies(companyId, packages);
  await s.companies.saveAllocation(companyId, [{ package: packages[0]!, points: 34 }, { package: packages[1]!, points: 33 }, { package: packages[2]!, points: 33 }], 'slack:UADMIN');
  await db.prisma.allocation.updateMany({ where: { companyId }, data: { createdAt: new Date('2026-10-01T00:00:00Z') } });
  await db.prisma.repository.create({
    data: { id: 'facebook/react', optedIn: true, termsVersion: 1, license: 'MIT', lastActivityAt: new Date('2026-10-20T00:00:00Z'), maintainers: { create: [{ login: 'alice', share: 100 }] }, packages: { create: [{ packageId: 'npm:react' }] } },
  });
  await s.companies.create({ name: 'Globex', workspace: 'slack:T0GLOBEX', currency: 'EUR', adminRef: 'slack:UG' });
  await closePeriod({ ledger: s.ledger, clock, period: OCT });
  admin = await signInSlack(app.url, fakes, { user: 'UADMIN', name: 'Ada Admin' });
  member = await signInSlack(app.url, fakes, { user: 'UMEMBER', name: 'Max Member' });
});
afterAll(async () => {
  await app?.close();
  await stripe?.stop();
  await fakes?.close();
  await db?.close();
});

describe('GET /company', () => {
  it('asks a visitor to sign in with Slack', async () => {
    const res = await fetch(`${app.url}/company`);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/<a class="button" href="\/auth\/slack">Sign in with Slack<\/a>/);
  });

  it('shows an admin the budget, the card state, the allocation as a chart with its figures, receipts, tokens and visibility, with forms', async () => {
    const { html } = await pageWithCsrf(`${app.url}/company`, admin);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<h1>Acme Corp</h1>');
    expect(html).toContain('€1,000.00 a month');
    expect(html).toContain('<p data-testid="card">No card saved.</p>');
    // The chart: inline SVG with a title and a text description, and the same figures as a table.
    expect(html).toMatch(/<svg role="img" aria-labelledby="allocation-chart-title allocation-chart-desc"/);
    expect(html).toContain('<desc id="allocation-chart-desc">npm:react: €340.00 · 34 points; npm:svelte: €330.00 · 33 points; npm:vue: €330.00 · 33 points</desc>');
    expect(html).toMatch(/<td><code>npm:react<\/code><\/td><td class="num">34<\/td><td class="num">€340.00<\/td>/);
    expect(html).toMatch(/<td>October 2026<\/td><td class="num">€1,000.00<\/td>/);
    expect(html).toContain(`href="/company/receipts/${OCT}.csv"`);
    expect(html).toContain(`href="/company/receipts/${OCT}.json"`);
    expect(companyForms(html)).toEqual(['/company/billing', '/company/tokens', '/company/visibility']);
    expect(html).toContain('<label for="token-name">');
    expect(html).not.toContain('Globex');
  });

  it('shows a member the same figures without any form', async () => {
    const { html } = await pageWithCsrf(`${app.url}/company`, member);
    expect(html).toContain('€1,000.00 a month');
    expect(html).toContain('You are a member of this company');
    expect(html).toContain(`href="/company/receipts/${OCT}.csv"`);
    expect(companyForms(html)).toEqual([]);
  });
});

describe('what a member cannot do', () => {
  it('refuses every POST of a member with 403 and changes nothing', async () => {
    const made = await app.services.companies.addToken({ companyId, tokenHash: 'hash-of-a-member-test-token', prefix: 'upk_member', name: 'kept', createdBy: 'slack:UADMIN' });
    const { token, cookie } = await pageWithCsrf(`${app.url}/company`, member);
    const before = { company: await company(), tokens: await app.services.companies.listTokens(companyId), checkouts: stripe.callsTo('POST', '/v1/checkout/sessions').length };
    for (const [path, fields] of [
      ['/company/visibility', { visibility: 'identifiable' }],
      ['/company/tokens', { name: 'mine' }],
      ['/company/billing', {}],
      [`/company/tokens/${made.id}/revoke`, {}],
    ] as const) {
      const res = await postForm(`${app.url}${path}`, cookie, { _csrf: token, ...fields });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain('Nothing was changed.');
    }
    expect(await company()).toEqual(before.company);
    expect(await app.services.companies.listTokens(companyId)).toEqual(before.tokens);
    expect(stripe.callsTo('POST', '/v1/checkout/sessions')).toHaveLength(before.checkouts);
    await app.services.companies.revokeToken(companyId, made.id, new Date());
  });

  it('refuses an admin’s POST without a CSRF token, changing nothing', async () => {
    const res = await postForm(`${app.url}/company/visibility`, admin, { visibility: 'identifiable' });
    expect(res.status).toBe(403);
    expect((await company()).visibility).toBe('anonymous');
  });
});

describe('what an admin does', () => {
  it('changes the visibility', async () => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/company`, admin);
    const res = await postForm(`${app.url}/company/visibility`, cookie, { _csrf: token, visibility: 'identifiable' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/company?done=visibility');
    expect((await company()).visibility).toBe('identifiable');
    const after = await pageWithCsrf(`${app.url}/company?done=visibility`, admin);
    expect(after.html).toContain('Visibility saved.');
    expect(after.html).toContain('<input type="radio" name="visibility" value="identifiable" checked/>');
    const bad = await postForm(`${app.url}/company/visibility`, cookie, { _csrf: token, visibility: 'public' });
    expect(bad.status).toBe(400);
    expect((await company()).visibility).toBe('identifiable');
  });

  it('starts billing: 303 to Stripe Checkout in setup mode', async () => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/company`, admin);
    const res = await postForm(`${app.url}/company/billing`, cookie, { _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\//);
    const [checkout] = stripe.callsTo('POST', '/v1/checkout/sessions').slice(-1);
    expect(checkout!.body.mode).toBe('setup');
  });

  it('shows the card on file once saved', async () => {
    await app.services.payments.saveBilling(companyId, { paymentMethodId: 'pm_web_1', card: { brand: 'visa', last4: '4242', expMonth: 4, expYear: 2030 } });
    const { html } = await pageWithCsrf(`${app.url}/company`, member);
    expect(html).toContain('<p data-testid="card">Visa ending 4242, expires 04/2030.</p>');
  });

  it('creates a token shown once, lists it by prefix and date, and revokes it so it no longer opens the receipts API', async () => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/company`, admin);
    const res = await postForm(`${app.url}/company/tokens`, cookie, { _csrf: token, name: 'Finance export' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    const secret = /data-testid="new-token">(upk_[\w-]{43})</.exec(html)?.[1];
    expect(secret).toBeDefined();
    expect((await receiptApi(secret!)).status).toBe(200);

    const listed = await app.services.companies.listTokens(companyId);
    const mine = listed.find((t) => t.name === 'Finance export')!;
    expect(mine.prefix).toBe(secret!.slice(0, 10));
    const page = (await pageWithCsrf(`${app.url}/company`, member)).html;
    expect(page).toContain(`<code>${mine.prefix}…</code>`);
    expect(page).toContain('Finance export');
    expect(page).toContain(`<td>Finance export</td><td>${dayText(mine.createdAt)}</td>`);
    expect(page).not.toContain(secret!);

    const again = await pageWithCsrf(`${app.url}/company`, admin);
    const revoke = await postForm(`${app.url}/company/tokens/${mine.id}/revoke`, again.cookie, { _csrf: again.token });
    expect(revoke.status).toBe(303);
    expect((await receiptApi(secret!)).status).toBe(401);
    expect((await pageWithCsrf(`${app.url}/company`, admin)).html).not.toContain(`${mine.prefix}…`);
    const twice = await postForm(`${app.url}/company/tokens/${mine.id}/revoke`, again.cookie, { _csrf: again.token });
    expect(twice.status).toBe(404);
  });
});

describe('receipt downloads', () => {
  let apiToken: string;
  beforeAll(async () => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/company`, admin);
    const html = await (await postForm(`${app.url}/company/tokens`, cookie, { _csrf: token, name: 'comparison' })).text();
    apiToken = /data-testid="new-token">(upk_[\w-]{43})</.exec(html)![1]!;
  });

  it('gives the API’s CSV, byte for byte', async () => {
    const page = await fetch(`${app.url}/company/receipts/${OCT}.csv`, { headers: { cookie: member } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(page.headers.get('content-disposition')).toBe(`attachment; filename="upkeep-receipt-${OCT}.csv"`);
    const csv = await page.text();
    expect(csv).toBe(await (await receiptApi(apiToken, 'text/csv')).text());
    expect(csv).toContain(`${OCT},npm:react,alice,34000,0,EUR`);
  });

  it('gives the API’s JSON', async () => {
    const page = await fetch(`${app.url}/company/receipts/${OCT}.json`, { headers: { cookie: admin } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toBe(await (await receiptApi(apiToken)).text());
    expect(JSON.parse(text)).toMatchObject({ period: OCT, company: 'Acme Corp', total: { amount: 100_000, currency: 'EUR' } });
  });

  it('refuses a visitor, a malformed name and a month not closed', async () => {
    expect((await fetch(`${app.url}/company/receipts/${OCT}.csv`)).status).toBe(401);
    expect((await fetch(`${app.url}/company/receipts/${OCT}.pdf`, { headers: { cookie: admin } })).status).toBe(400);
    const bad = await fetch(`${app.url}/company/receipts/2026-13.csv`, { headers: { cookie: admin } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_period' } });
    expect((await fetch(`${app.url}/company/receipts/2026-11.csv`, { headers: { cookie: admin } })).status).toBe(409);
  });
});

describe('a workspace without a company', () => {
  it('says to run setup in Slack', async () => {
    await db.prisma.company.update({ where: { id: companyId }, data: { workspace: 'slack:T0MOVED' } });
    try {
      const res = await fetch(`${app.url}/company`, { headers: { cookie: admin } });
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('<code>/upkeep setup &lt;company name></code>');
      expect(html).not.toContain('Acme Corp');
    } finally {
      await db.prisma.company.update({ where: { id: companyId }, data: { workspace: `slack:${APP_TEAM}` } });
    }
  });
});
