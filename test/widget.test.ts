// The banner and the embed of a wish through the whole web app on a real database: what they
// show follows the pledges (ETag included), the title is escaped, the theme is chosen or follows
// the reader, an unknown wish never breaks an image, and the embed carries a pledge button.
// In chromium: a page that embeds the iframe and the SVG shows what the API says, light and dark.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Frame } from 'playwright-core';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics, webRoutes } from '../app/web.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { launchBrowser, screenshot } from './browser-support.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';

const clock = fixedClock('2026-11-02T00:00:00Z');
const quoted = 'acme/ui#7' as WishId;
const funded = 'acme/ui#8' as WishId;

describe('wish banner and embed', () => {
  let db: TestDatabase;
  let s: Services;
  let app: HttpApp;
  let base: string;

  const pledge = async (id: WishId, who: string, amount: number, pay: boolean) => {
    const p = await placePledge({ wishes: s.wishes, gateway: s.gateway, outbox: silentOutbox, clock, id, pledger: { source: 'github', id: who, display: who }, amount: { amount, currency: 'EUR' } });
    if (pay) await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: silentOutbox, clock, wishId: id, pledgeId: p.pledgeId, provider: 'offline' });
  };

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const config = loadConfig({ PUBLIC_URL: 'https://upkeep.example' });
    s = createServices({ config, db, clock, log: createLogger('silent') });
    await optInToQuote(s.repositories, 'acme/ui');
    const quote = (id: WishId) => quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: silentOutbox, clock, id, amount: { amount: 30_000, currency: 'EUR' }, delayDays: 14, by: 'maint', isMaintainer: true });
    const open = (id: WishId, title: string) => openWish({ wishes: s.wishes, outbox: silentOutbox, gateway: s.gateway, clock, currency: 'EUR', id, title, description: 'Please', requester: 'zoe' });
    await open(quoted, 'Dark mode <script>alert(1)</script> & "more"');
    await quote(quoted);
    await pledge(quoted, 'ann', 10_000, true);
    await pledge(quoted, 'bob', 8_000, true);
    await pledge(quoted, 'cid', 5_000, false); // committed, not paid yet
    await open(funded, 'Keyboard shortcuts');
    await quote(funded);
    await pledge(funded, 'ann', 30_000, true);
    app = createHttpApp({ ...httpBasics(s), routes: webRoutes(s) });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('serves the SVG banner of a quoted wish: raised of the quote, to go, pledgers, days left; ETag, short cache, 304', async () => {
    const res = await fetch(`${base}/widget/wishes/acme/ui/7.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const svg = await res.text();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toMatch(/^<svg /);
    for (const shown of ['Upkeep · acme/ui#7', 'Collecting pledges', '€180.00 raised of €300.00', '€120.00 to go', '3 pledgers · 60% funded · 60 days left · €50.00 awaiting payment']) {
      expect(svg).toContain(`>${shown}</text>`);
    }
    expect(svg).toContain('Dark mode &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;');
    expect(svg).not.toContain('<script');
    const again = await fetch(`${base}/widget/wishes/acme/ui/7.svg`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('agrees with the API, and changes (new ETag) when a pledge is paid', async () => {
    const api = (await (await fetch(`${base}/api/v1/wishes/acme/ui/8`)).json()) as { status: string; paid: { amount: number }; pledgers: number };
    expect(api).toMatchObject({ status: 'funded', paid: { amount: 30_000 }, pledgers: 1 });
    const svg = await (await fetch(`${base}/widget/wishes/acme/ui/8.svg?theme=light`)).text();
    for (const shown of ['Funded', '€300.00 raised of €300.00', 'Fully funded', '1 pledger · 100% funded']) expect(svg).toContain(`>${shown}</text>`);
    expect(svg).not.toContain('to go');

    const before = await fetch(`${base}/widget/wishes/acme/ui/7.svg`);
    await before.text();
    await pledge(quoted, 'dee', 2_000, true);
    const after = await fetch(`${base}/widget/wishes/acme/ui/7.svg`, { headers: { 'if-none-match': before.headers.get('etag')! } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    const text = await after.text();
    expect(text).toContain('>€200.00 raised of €300.00</text>');
    expect(text).toContain('>€100.00 to go</text>');
  });

  it('picks its palette from ?theme=, and follows prefers-color-scheme otherwise (a bad value too)', async () => {
    const at = async (q: string) => {
      const res = await fetch(`${base}/widget/wishes/acme/ui/8.svg${q}`);
      expect(res.status).toBe(200);
      return { svg: await res.text(), etag: res.headers.get('etag') };
    };
    const light = await at('?theme=light');
    const dark = await at('?theme=dark');
    const auto = await at('');
    expect(light.svg).toContain('.bg{fill:#ffffff');
    expect(light.svg).not.toMatch(/#0d1117|prefers-color-scheme/);
    expect(dark.svg).toContain('.bg{fill:#0d1117');
    expect(dark.svg).not.toMatch(/#ffffff|prefers-color-scheme/);
    expect(auto.svg).toContain('@media (prefers-color-scheme: dark)');
    expect(new Set([light.etag, dark.etag, auto.etag]).size).toBe(3);
    for (const bad of ['?theme=purple', '?theme=light&theme=dark', '?theme=']) {
      const b = await at(bad);
      expect(XMLValidator.validate(b.svg)).toBe(true);
      expect(b.svg).toBe(auto.svg);
    }
  });

  it.each(['/widget/wishes/acme/ui/99.svg', '/widget/wishes/acme/ui/x.svg', '/widget/wishes/-bad-/ui/1.svg', '/widget/wishes/acme/ui/99.svg?theme=dark', '/widget/wishes/acme/ui/99.svg?theme=%3Cscript%3E'])(
    'never serves a broken image (%s)',
    async (path) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      const svg = await res.text();
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).toContain('aria-label="Upkeep: wish not found"');
      expect(svg).toContain('>Wish not found</text>');
      expect(res.headers.get('etag')).toBeTruthy();
    },
  );

  it('serves an embeddable HTML banner with the same figures, the title escaped and a pledge button', async () => {
    const res = await fetch(`${base}/widget/wishes/acme/ui/7`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors \*/);
    const html = await res.text();
    // preact escapes `<`, `&` and `"` in text (a lone `>` is inert).
    expect(html).toMatch(/>Dark mode &lt;script>alert\(1\)&lt;\/script> &amp; &quot;more&quot;<\/a><\/h1>/);
    expect(html).not.toContain('<script');
    for (const shown of ['€200.00 raised of €300.00', '€100.00 to go', '4 pledgers · 66% funded · 60 days left · €50.00 awaiting payment', 'Collecting pledges']) expect(html).toContain(shown);
    expect(html).toContain('aria-valuenow="66"');
    expect(html).toContain('<a class="button" href="https://upkeep.example/wishes/acme/ui/7#pledge" target="_blank" rel="noopener">Pledge</a>');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(await (await fetch(`${base}/widget/wishes/acme/ui/7?theme=dark`)).text()).toMatch(/color-scheme:dark;--bg:#0d1117/);
  });

  it('the embed of a funded wish links to it without a pledge button; an unknown one says so (404)', async () => {
    const html = await (await fetch(`${base}/widget/wishes/acme/ui/8`)).text();
    expect(html).toContain('Fully funded');
    expect(html).not.toContain('>Pledge<');
    expect(html).toContain('<a href="https://upkeep.example/wishes/acme/ui/8" target="_blank" rel="noopener">See the wish</a>');
    const missing = await fetch(`${base}/widget/wishes/acme/ui/99`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missing.text()).toContain('Wish not found');
  });

  it('describes /api/v1 in OpenAPI 3.1 (images and badges are not part of it)', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; servers: { url: string }[] };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/v1/'))).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/company/receipts', '/api/v1/me', '/api/v1/packages/{id}', '/api/v1/wishes', '/api/v1/wishes/{owner}/{repo}/{number}']));
    expect(doc.servers[0]!.url).toBe('https://upkeep.example');
  });

  describe('in a browser', () => {
    let browser: Browser;
    let host: HttpApp;
    let hostBase: string;

    beforeAll(async () => {
      browser = await launchBrowser();
      // Another site (another origin) that embeds the banner image and the iframe.
      host = createHttpApp({
        log: createLogger('silent'),
        routes: [
          (h) => {
            h.get('/', { helmet: { contentSecurityPolicy: false } }, async (_req, reply) =>
              reply
                .type('text/html; charset=utf-8')
                .send(
                  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A project site</title></head><body><main><h1>Our project</h1>` +
                    `<p><a href="${base}/wishes/acme/ui/7"><img id="banner" src="${base}/widget/wishes/acme/ui/7.svg" alt="Wish acme/ui#7 on Upkeep" width="720" height="164"></a></p>` +
                    `<iframe id="embed" title="Wish acme/ui#7 on Upkeep" src="${base}/widget/wishes/acme/ui/7" width="600" height="200" style="border:0"></iframe></main></body></html>`,
                ),
            );
          },
        ],
      });
      hostBase = await host.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await browser?.close();
      await host?.close();
    });

    /** axe-core's serious and critical violations in `frame` (evaluated over DevTools: the embed's CSP forbids scripts). */
    const seriousViolations = async (frame: Frame) => {
      await frame.evaluate(await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
      const found = await frame.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
        return (await axe.run()).violations.map((v) => `${v.impact} ${v.id}`);
      });
      return found.filter((v) => /^(serious|critical) /.test(v));
    };

    it.each(['light', 'dark'] as const)('a page that embeds the banner and the iframe shows what the API says; no serious axe violation (%s)', async (colorScheme) => {
      const api = (await (await fetch(`${base}/api/v1/wishes/acme/ui/7`)).json()) as { paid: { amount: number }; quote: { amount: number }; pledgers: number; percent: number };
      expect(api).toMatchObject({ paid: { amount: 20_000 }, quote: { amount: 30_000 }, pledgers: 4, percent: 66 });
      const page = await browser.newPage({ colorScheme, viewport: { width: 900, height: 520 } });
      try {
        await page.goto(hostBase, { waitUntil: 'load' });
        const image = await page.$eval('#banner', (img) => ({ width: (img as HTMLImageElement).naturalWidth, complete: (img as HTMLImageElement).complete }));
        expect(image).toEqual({ width: 720, complete: true });
        const frame = page.frames().find((f) => f.url().startsWith(`${base}/widget/`))!;
        expect(frame).toBeTruthy();
        const text = (await frame.locator('main').innerText()).replace(/\s+/g, ' ');
        expect(text).toContain('€200.00 raised of €300.00'); // paid of the quote, as the API says
        expect(text).toContain('€100.00 to go'); // quote − paid
        expect(text).toContain(`${api.pledgers} pledgers`);
        expect(await frame.getByRole('progressbar').getAttribute('aria-valuenow')).toBe(String(api.percent));
        const pledgeLink = frame.getByRole('link', { name: 'Pledge' });
        expect(await pledgeLink.getAttribute('href')).toBe('https://upkeep.example/wishes/acme/ui/7#pledge');
        // The embed follows the reader's scheme: its card background is the palette's.
        const background = await frame.locator('main').evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(background).toBe(colorScheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
        // Contrast, names and landmarks hold in both palettes.
        expect(await seriousViolations(frame)).toEqual([]);
        await screenshot(page, `widget-embed-${colorScheme}`);
      } finally {
        await page.close();
      }
    });
  });
});
