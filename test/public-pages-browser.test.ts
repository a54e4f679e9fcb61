// The public pages in a real browser (Debian's chromium through playwright-core): the home page,
// a project's space, a package's page, and a page of another origin that embeds a wish's
// iframe. What they show is what the public API says (raised, quote, to go, pledgers); axe-core
// finds no serious or critical accessibility violation, in light and dark. Screenshots go to
// test-artifacts/ (home-light, home-dark, project, package, embed).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, type Money } from '../core/money.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { launchBrowser, screenshot } from './browser-support.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { buildWorld, CLOSE_WISH, FAR_WISH, NOW, OPEN_WISH, REPO } from './public-pages-support.ts';
import { freePort, startWebApp, type WebTestApp } from './web-support.ts';

const clock = fixedClock(NOW);
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

type ApiWish = { id: string; status: string; title: string; quote: { amount: number; currency: string } | null; paid: Money; pledged: Money; pledgers: number; percent: number };
type ApiPackage = { id: string; fundingCompanies: number; monthlyTotal: Money; maintainers: string[] };

let db: TestDatabase;
let app: WebTestApp;
let browser: Browser;
let axeSource: string;
let embedder: Server;
let embedderUrl: string;
let wishes: ApiWish[];

const money = (m: Money) => formatMoney(m);
const quoteOf = (w: ApiWish) => formatMoney({ amount: w.quote!.amount, currency: w.quote!.currency });
const toGoOf = (w: ApiWish) => formatMoney({ amount: w.quote!.amount - w.paid.amount, currency: w.paid.currency });
const pledgersOf = (w: ApiWish) => `${w.pledgers} pledger${w.pledgers === 1 ? '' : 's'}`;

/** Runs axe-core in the page (or frame) and returns its serious and critical violations, described. */
async function seriousViolations(target: Page | Frame): Promise<string[]> {
  // Evaluated through the DevTools protocol, so even a frame whose CSP forbids scripts can be checked.
  await target.evaluate(axeSource);
  const violations = await target.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  app = await startWebApp({ db, clock, env: { DISCORD_APPLICATION_ID: '998877665544', DISCORD_PUBLIC_KEY: 'cd'.repeat(32) } });
  await buildWorld(app.services, clock);
  wishes = ((await (await fetch(`${app.url}/api/v1/wishes?repo=${REPO}`)).json()) as { wishes: ApiWish[] }).wishes;
  axeSource = await readFile(AXE, 'utf8');
  // Another origin (its own port) whose page embeds the wish's iframe, as a project's website would.
  const port = await freePort();
  embedderUrl = `http://localhost:${port}`;
  embedder = createServer((req, res) => {
    // `/untitled` embeds the iframe without a title: the control that shows axe does report a serious violation.
    const title = req.url === '/untitled' ? '' : ' title="Faster hydration on Upkeep"';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A project's website</title></head>
<body><main><h1>Our project</h1><p>Help us fund the next feature:</p>
<iframe src="${app.url}/widget/wishes/facebook/react/7"${title} width="580" height="210" style="border:0"></iframe>
</main></body></html>`);
  });
  await new Promise<void>((resolve) => embedder.listen(port, '127.0.0.1', resolve));
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (embedder ? embedder.close(resolve) : resolve(null)));
  await app?.close();
  await db?.close();
});

const wish = (id: string) => wishes.find((w) => w.id === id)!;

describe('public pages in a browser', () => {
  it('home, light: the wishes closest to funding show what the API says, the most-funded packages, the Discord link; no serious axe violation', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    expect(await page.locator('h1').textContent()).toBe('Upkeep');
    const cards = page.getByTestId('closest-wishes').getByTestId('wish-card');
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-wish')))).toEqual([CLOSE_WISH, FAR_WISH]);
    for (const id of [CLOSE_WISH, FAR_WISH]) {
      const w = wish(id);
      const card = page.locator(`[data-wish="${id}"]`);
      expect(await card.getByRole('link', { name: w.title }).getAttribute('href')).toBe(`/wishes/${id.replace('#', '/')}`);
      expect(await card.getByTestId('raised').textContent()).toBe(`${money(w.paid)} raised of ${quoteOf(w)}`);
      expect(await card.getByTestId('to-go').textContent()).toBe(`${toGoOf(w)} to go`);
      expect(await card.getByTestId('pledgers').textContent()).toBe(pledgersOf(w));
      expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe(String(w.percent));
    }
    const react = (await (await fetch(`${app.url}/api/v1/packages/npm%3Areact`)).json()) as ApiPackage;
    const row = page.locator('[data-testid="funded-packages"] tr[data-package="npm:react"]');
    expect(await row.getByTestId('monthly-total').textContent()).toBe(money(react.monthlyTotal));
    expect(await row.getByTestId('funding-companies').textContent()).toBe(String(react.fundingCompanies));
    expect(await page.getByRole('link', { name: 'Add the Discord app' }).getAttribute('href')).toBe(
      'https://discord.com/oauth2/authorize?client_id=998877665544&scope=applications.commands%20bot',
    );
    expect(await page.getByRole('link', { name: 'Add the Slack app' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Install the GitHub App' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'home-light');
    await context.close();
  }, 60_000);

  it('home, dark: the dark palette, still no serious axe violation', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 19, 23)');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'home-dark');
    await context.close();
  }, 60_000);

  it('project space: the wishlist closest to funding first, each card as the API says; no serious axe violation', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/projects/${REPO}`);
    expect(await page.locator('h1').textContent()).toBe(REPO);
    expect(await page.getByTestId('maintainers').innerText()).toBe('@alice\n@bob');
    const cards = page.getByTestId('wishlist').getByTestId('wish-card');
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-wish')))).toEqual([CLOSE_WISH, FAR_WISH, OPEN_WISH]);
    for (const id of [CLOSE_WISH, FAR_WISH]) {
      const w = wish(id);
      const card = page.getByTestId('wishlist').locator(`[data-wish="${id}"]`);
      expect(await card.getByTestId('raised').textContent()).toBe(`${money(w.paid)} raised of ${quoteOf(w)}`);
      expect(await card.getByTestId('to-go').textContent()).toBe(`${toGoOf(w)} to go`);
      expect(await card.getByTestId('pledgers').textContent()).toBe(pledgersOf(w));
    }
    expect(await page.getByTestId('wishlist').locator(`[data-wish="${OPEN_WISH}"]`).getByTestId('raised').textContent()).toBe(`${money(wish(OPEN_WISH).pledged)} pledged, awaiting a quote`);
    expect(await page.getByTestId('banner-snippet').first().textContent()).toBe(`[![Faster hydration](${app.url}/widget/wishes/facebook/react/7.svg)](${app.url}/wishes/facebook/react/7)`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'project');
    await context.close();
  }, 60_000);

  it('package page: the API aggregates, a chart and the same figures in a table; no serious axe violation', async () => {
    const api = (await (await fetch(`${app.url}/api/v1/packages/npm%3Areact`)).json()) as ApiPackage;
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${app.url}/packages/npm%3Areact`);
    expect(await page.getByTestId('monthly-total').textContent()).toBe(money(api.monthlyTotal));
    expect(await page.getByTestId('funding-companies').textContent()).toBe(String(api.fundingCompanies));
    const chart = page.getByRole('img', { name: /What npm:react received each month/ });
    expect(await chart.isVisible()).toBe(true);
    expect((await chart.boundingBox())!.height).toBeGreaterThan(200);
    const rows = await page.getByTestId('months').locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(12);
    expect(rows[11]).toMatch(new RegExp(`\\s${money(api.monthlyTotal).replace(/[.$]/g, '\\$&')}\\s+2$`));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'package');
    await context.close();
  }, 60_000);

  it('embed: a page of another origin shows the wish iframe with what the API says and a pledge button; no serious axe violation', async () => {
    const w = wish(CLOSE_WISH);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(embedderUrl);
    const frame = page.frameLocator('iframe');
    await frame.locator('main').waitFor();
    const text = await frame.locator('main').innerText();
    expect(text).toContain(w.title);
    expect(text).toContain(`${money(w.paid)} raised of ${quoteOf(w)}`);
    expect(text).toContain(`${toGoOf(w)} to go`);
    expect(text).toContain(pledgersOf(w));
    expect(await frame.getByRole('link', { name: 'Pledge' }).getAttribute('href')).toBe(`${app.url}/wishes/facebook/react/7#pledge`);
    const inner = page.frames().find((f) => f.url().startsWith(`${app.url}/widget/`))!;
    expect(inner).toBeDefined();
    expect(await seriousViolations(inner)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'embed');

    // The same check does fail on a page that breaks a serious rule (an iframe without a title).
    await page.goto(`${embedderUrl}/untitled`);
    await page.frameLocator('iframe').locator('main').waitFor();
    await seriousViolations(page.frames().find((f) => f.url().startsWith(`${app.url}/widget/`))!);
    expect(await seriousViolations(page)).toEqual([expect.stringMatching(/^serious frame-title: /)]);
    await context.close();
  }, 60_000);
});
