import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { httpBasics, webRoutes } from '../app/web.ts';
import { createServices, type Services } from '../app/services.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';

describe('wish banner, share page and OpenAPI', () => {
  let db: TestDatabase;
  let s: Services;
  let app: HttpApp;
  let base: string;
  const id = 'acme/ui#7' as WishId;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const config = loadConfig({ PUBLIC_URL: 'https://upkeep.example' });
    const clock = fixedClock('2026-11-02T00:00:00Z');
    s = createServices({ config, db, clock, log: createLogger('silent') });
    await openWish({ wishes: s.wishes, outbox: silentOutbox, gateway: s.gateway, clock, currency: 'EUR', id, title: 'Dark mode <script>alert(1)</script>', description: 'Please', requester: 'zoe' });
    await optInToQuote(s.repositories, 'acme/ui');
    await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: silentOutbox, clock, id, amount: { amount: 30_000, currency: 'EUR' }, delayDays: 14, by: 'alice', isMaintainer: true });
    app = createHttpApp({ ...httpBasics(s), routes: webRoutes(s) });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('serves the SVG banner with an ETag and a short cache, and 304 when unchanged', async () => {
    const res = await fetch(`${base}/widget/wishes/acme/ui/7.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('acme/ui#7');
    expect(svg).toContain('0% of €300.00');
    const again = await fetch(`${base}/widget/wishes/acme/ui/7.svg`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it.each(['/widget/wishes/acme/ui/8.svg', '/widget/wishes/acme/ui/x.svg', '/widget/wishes/-bad-/ui/1.svg'])('never serves a broken image (%s)', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toContain('wish not found');
  });

  it('serves an embeddable HTML banner with the title escaped', async () => {
    const res = await fetch(`${base}/widget/wishes/acme/ui/7`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Dark mode &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('https://upkeep.example/wishes/acme/ui/7');
  });

  it('serves a share page with OpenGraph and Twitter meta and share links', async () => {
    const res = await fetch(`${base}/wishes/acme/ui/7`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<meta property="og:url" content="https://upkeep.example/wishes/acme/ui/7">');
    expect(html).toMatch(/<meta property="og:description" content="0% of €300.00 · 0 pledgers/);
    expect(html).toContain('<meta name="twitter:card" content="summary">');
    expect(html).toContain('https://twitter.com/intent/tweet?text=');
    expect(html).toContain('/pledge 20');
    expect(html).not.toContain('<script>');
    expect((await fetch(`${base}/wishes/acme/ui/99`)).status).toBe(404);
  });

  it('describes /api/v1 in OpenAPI 3.1', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; servers: { url: string }[] };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/company/receipts', '/api/v1/me', '/api/v1/packages/{id}', '/api/v1/wishes', '/api/v1/wishes/{owner}/{repo}/{number}']);
    expect(doc.servers[0]!.url).toBe('https://upkeep.example');
  });
});
