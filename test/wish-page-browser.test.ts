// The wish page in a real browser (Debian's chromium through playwright-core): its figures match
// the API, a visitor pledges through the form to the fake Stripe Checkout (its hosted page is
// stood in for by intercepting its URL and sending the browser back as Stripe does), the signed
// checkout.session.completed event reaches /stripe/webhooks and a reload shows the new total;
// axe-core finds no serious or critical violation, in light and dark. Screenshots: wish-light,
// wish-dark, wish-thanks (test-artifacts/).
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { WishId } from '../core/wishlist.ts';
import { launchBrowser, screenshot } from './browser-support.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { apiWish, deliverStripeEvent, seedQuotedWish, startWishPageApp, type WishPageApp } from './wish-page-support.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const now = new Date('2026-11-10T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const eur = (amount: number) => formatMoney({ amount, currency: 'EUR' });

let db: TestDatabase;
let stripe: FakeStripe;
let app: WishPageApp;
let browser: Browser;
let id: WishId;

beforeAll(async () => {
  db = await openTestDatabase('pglite');
  stripe = await startFakeStripe();
  app = await startWishPageApp({ db, clock, stripe });
  id = await seedQuotedWish(app.services, clock, 'acme/ui#7' as WishId, 'Please add a **dark theme** that follows the system setting.\n\n- toggle in settings\n- no flash on load');
  await app.services.discussion.record({
    kind: 'written',
    wishId: id,
    comment: { id: 901, author: 'reader', body: 'Yes please, my eyes will thank you. `prefers-color-scheme` would do.', url: 'https://github.com/acme/ui/issues/7#issuecomment-901', createdAt: new Date('2026-11-05T08:00:00Z'), updatedAt: new Date('2026-11-05T08:00:00Z') },
  });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await stripe?.stop();
  await db?.close();
});

/** Serious and critical axe-core violations of the page (rule id and the first offending node). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe.run());
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

describe('the wish page in a browser', () => {
  it('shows what the API says, passes axe in light and dark, and takes a pledge through Stripe Checkout to the new total', async () => {
    // Axe is injected as a script: the page's own policy allows none, so this context bypasses it.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/wishes/acme/ui/7`);
    const api = await apiWish(app.url, 'acme/ui/7');
    expect(await page.locator('h1').textContent()).toBe('Dark mode');
    expect(await text(page, 'raised')).toBe(eur(api.paid.amount));
    expect(await text(page, 'quote')).toBe(eur(api.quote!.amount));
    expect(await text(page, 'to-go')).toBe(eur(api.quote!.amount - api.paid.amount));
    expect(await text(page, 'pledgers')).toBe(`${api.pledgers} pledgers`);
    expect(await text(page, 'funding-sentence')).toBe('€130.00 raised of €300.00 — €170.00 to go');
    expect(await page.getByTestId('description').locator('strong').textContent()).toBe('dark theme');
    expect(await page.getByTestId('comment').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Join the discussion on GitHub' }).getAttribute('href')).toBe('https://github.com/acme/ui/issues/7');
    expect(await page.getByLabel('Link to this page (to copy)').inputValue()).toBe(`${app.url}/wishes/acme/ui/7`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wish-light');

    // Stripe's hosted Checkout: the visitor pays, Stripe sends the browser to the success URL.
    let sessionId = '';
    await page.route('https://checkout.stripe.test/**', async (route) => {
      sessionId = new URL(route.request().url()).pathname.split('/').at(-1)!;
      await route.fulfill({ status: 302, headers: { location: stripe.sessions.get(sessionId)!.success_url } });
    });
    await page.getByRole('group', { name: 'How much do you pledge?' }).getByLabel('€50.00').check();
    await page.getByLabel('Your name (optional)').fill('Ada');
    await page.getByLabel('E-mail (optional)').fill('ada@example.org');
    await page.getByRole('button', { name: 'Pledge with Stripe' }).click();
    await page.waitForURL(`${app.url}/wishes/acme/ui/7?pledge=paid`);
    expect(stripe.sessions.get(sessionId)).toMatchObject({ amount_total: 5_000, currency: 'eur' });
    expect(await page.getByTestId('pledge-notice').textContent()).toMatch(/^Thank you for your pledge!.*reload the page/);
    // Not paid until Stripe says so.
    expect(await text(page, 'raised')).toBe('€130.00');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'wish-thanks');

    const delivered = await deliverStripeEvent(app.url, stripe.event('checkout.session.completed', stripe.completeSession(sessionId)));
    expect(delivered.status).toBe(200);
    await page.reload();
    const after = await apiWish(app.url, 'acme/ui/7');
    expect(after.paid.amount).toBe(18_000);
    expect(await text(page, 'raised')).toBe('€180.00');
    expect(await text(page, 'to-go')).toBe('€120.00');
    expect(await text(page, 'pledgers')).toBe(`${after.pledgers} pledgers`);
    expect(await page.content()).not.toContain('ada@example.org');
    await context.close();

    const dark = await browser.newContext({ colorScheme: 'dark', bypassCSP: true, viewport: { width: 1100, height: 900 } });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${app.url}/wishes/acme/ui/7`);
    expect(await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 19, 23)');
    expect(await seriousViolations(darkPage)).toEqual([]);
    await screenshot(darkPage, 'wish-dark');
    await dark.close();
  }, 90_000);

  it('works without JavaScript: the form posts and the page answers', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.route('https://checkout.stripe.test/**', (route) => route.fulfill({ status: 302, headers: { location: `${app.url}/wishes/acme/ui/7?pledge=cancelled` } }));
    await page.goto(`${app.url}/wishes/acme/ui/7`);
    await page.getByLabel('Or another amount, in EUR (replaces the choice above)').fill('12.50');
    await page.getByRole('button', { name: 'Pledge with Stripe' }).click();
    await page.waitForURL(`${app.url}/wishes/acme/ui/7?pledge=cancelled`);
    expect(await page.getByTestId('pledge-notice').textContent()).toContain('Nothing was charged.');
    expect(stripe.callsTo('POST', '/v1/checkout/sessions').at(-1)!.body.line_items[0].price_data.unit_amount).toBe('1250');
    await context.close();
  }, 60_000);
});
