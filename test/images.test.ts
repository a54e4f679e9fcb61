// The images of a wish and the badges: the banner is well-formed XML and renders to PNG through
// resvg (light and dark differ), the preview image is a 1200×630 PNG, badges match the
// shields.io endpoint schema for a wish in every state and for a package (aggregates only),
// and every image route answers with an ETag (304 when unchanged) and never breaks.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics, webRoutes } from '../app/web.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { Ports } from '../core/ports/index.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { WISH_STATUSES, type Pledge, type Wish, type WishId, type WishStatus } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { badgeRoutes, packageBadge, wishBadge } from '../web/badges.ts';
import { bannerSvg, BANNER_HEIGHT, BANNER_WIDTH, notFoundBannerSvg } from '../web/images/banner.ts';
import { FONT_FILES, textWidth } from '../web/images/fonts.ts';
import { genericOgSvg, ogSvg } from '../web/images/og-image.ts';
import { renderPng } from '../web/images/png.ts';
import { escapeXml, fitText, wrapText } from '../web/images/text.ts';
import { wishCard } from '../web/images/wish-card.ts';
import { ogRoutes } from '../web/og.ts';
import { ARTIFACTS } from './browser-support.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { seedCompany, seedRepository } from './seed.ts';

const NOW = new Date('2026-11-10T00:00:00Z');
const HOSTILE = `<script>alert("x")</script> & 'quotes' "too" \u0007 ]]> <!-- -->`;

const pledge = (id: string, amount: number, status: Pledge['status']): Pledge => ({
  id,
  pledger: { source: 'github', id, display: id },
  amount,
  status,
  createdAt: new Date('2026-11-01T00:00:00Z'),
});

/** A wish as the store would hold it: quoted €300, €180 paid by two pledgers, €50 committed by a third. */
function wish(status: WishStatus, over: Partial<Wish> = {}): Wish {
  const quote = { amount: 30_000, currency: 'EUR', delayDays: 14, by: 'alice', at: new Date('2026-11-01T00:00:00Z') };
  const paidInFull = ['funded', 'in_progress', 'delivered'].includes(status);
  const refunded = status === 'cancelled' || status === 'expired';
  return {
    id: 'acme/ui#7' as WishId,
    title: 'Dark mode for the settings page',
    description: '',
    requester: 'zoe',
    currency: 'EUR',
    status,
    spec: null,
    quote: status === 'open' ? null : quote,
    quoteHistory: status === 'open' ? [] : [quote],
    pledges: paidInFull
      ? [pledge('p1', 20_000, 'paid'), pledge('p2', 10_000, 'paid')]
      : [pledge('p1', 10_000, refunded ? 'refunded' : 'paid'), pledge('p2', 8_000, refunded ? 'refunded' : 'paid'), pledge('p3', 5_000, refunded ? 'refunded' : 'committed')],
    deadline: status === 'open' ? null : new Date('2026-11-22T00:00:00Z'),
    milestones: [],
    createdAt: new Date('2026-10-30T00:00:00Z'),
    fundedAt: null,
    startedAt: null,
    deliveredAt: null,
    deliveredBy: null,
    cancelledAt: null,
    expiredAt: null,
    log: [],
    ...over,
  };
}

/** Width and height from a PNG's IHDR, after checking the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', processEntities: true, htmlEntities: true });

/** Every text node of an SVG, in order. */
function texts(svg: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown, key = ''): void => {
    if (typeof node === 'string' || typeof node === 'number') {
      if (key === 'text' || key === '#text' || key === 'title') out.push(String(node));
    } else if (Array.isArray(node)) node.forEach((n) => walk(n, key));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (!k.startsWith('@')) walk(v, k === '#text' ? key : k);
  };
  walk(xml.parse(svg));
  return out;
}

/** The shields.io endpoint schema (https://shields.io/badges/endpoint-badge). */
const shieldsEndpoint = z
  .object({
    schemaVersion: z.literal(1),
    label: z.string(),
    message: z.string().min(1),
    color: z.string().min(1),
    labelColor: z.string().optional(),
    isError: z.boolean().optional(),
    namedLogo: z.string().optional(),
    logoSvg: z.string().optional(),
    logoColor: z.string().optional(),
    logoWidth: z.number().optional(),
    style: z.string().optional(),
    cacheSeconds: z.number().int().min(300).optional(),
  })
  .strict();

describe('the banner SVG', () => {
  it('is well-formed XML and says raised of the quote, the amount to go, pledgers and days left of a quoted wish', () => {
    const svg = bannerSvg(wishCard(wish('quoted'), NOW), 'auto');
    expect(XMLValidator.validate(svg)).toBe(true);
    const shown = texts(svg);
    expect(shown).toEqual(
      expect.arrayContaining(['Upkeep · acme/ui#7', 'Collecting pledges', 'Dark mode for the settings page', '€180.00 raised of €300.00', '€120.00 to go', '3 pledgers · 60% funded · 12 days left · €50.00 awaiting payment']),
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="720" height="164"/);
    // The bar is 60 % of the 672 px track.
    expect(svg).toContain('<rect class="t-progress" x="24" y="86" width="403" height="12" rx="6"/>');
  });

  it('is well-formed XML for a funded wish: a full bar, no amount to go', () => {
    const svg = bannerSvg(wishCard(wish('funded'), NOW), 'light');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Funded', '€300.00 raised of €300.00', 'Fully funded', '2 pledgers · 100% funded']));
    expect(svg).not.toContain('to go');
    expect(svg).toContain('<rect class="t-done" x="24" y="86" width="672"');
  });

  it('is well-formed XML for an unknown wish, in every theme', () => {
    for (const theme of ['light', 'dark', 'auto'] as const) {
      const svg = notFoundBannerSvg(theme);
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(texts(svg)).toContain('Wish not found');
    }
  });

  it('escapes a hostile title: it stays one text, never markup', () => {
    const long = `${HOSTILE} ${'and more words '.repeat(6)}`;
    const svg = bannerSvg(wishCard(wish('quoted', { title: long }), NOW), 'auto');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toMatch(/<script|<!--|]]>/);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    const parsed = xml.parse(svg) as { svg: Record<string, unknown> };
    expect(Object.keys(parsed.svg).filter((k) => !k.startsWith('@'))).toEqual(['title', 'style', 'rect', 'text']);
    // The title reads back as the words (the bell character dropped: XML forbids it), cut to fit.
    const title = texts(svg).find((t) => t.startsWith('<script>'))!;
    expect(title.endsWith('…')).toBe(true);
    expect(long.replace('\u0007', '').replace(/\s+/g, ' ').startsWith(title.slice(0, -1))).toBe(true);
    expect(title.length).toBeGreaterThan(40);
  });

  it('cuts a long title to the width of the banner', () => {
    const card = wishCard(wish('quoted', { title: 'Support for very long titles '.repeat(8) }), NOW);
    const title = texts(bannerSvg(card, 'light')).find((t) => t.startsWith('Support'))!;
    expect(title.endsWith('…')).toBe(true);
    expect(textWidth(title, 22, 'bold')).toBeLessThanOrEqual(BANNER_WIDTH - 48);
  });

  it('follows prefers-color-scheme by default; ?theme= fixes one palette', () => {
    const card = wishCard(wish('quoted'), NOW);
    expect(bannerSvg(card, 'auto')).toMatch(/<style>.*\.bg\{fill:#ffffff.*@media \(prefers-color-scheme: dark\)\{\.bg\{fill:#0d1117/);
    expect(bannerSvg(card, 'light')).not.toMatch(/prefers-color-scheme|#0d1117/);
    expect(bannerSvg(card, 'dark')).not.toMatch(/prefers-color-scheme|#ffffff/);
  });

  it('renders to PNG through resvg with the shipped Inter font, light and dark differently', () => {
    const card = wishCard(wish('quoted'), NOW);
    const render = (svg: string) => new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [FONT_FILES.regular, FONT_FILES.bold], defaultFontFamily: 'Inter' } }).render();
    const light = render(bannerSvg(card, 'light'));
    const dark = render(bannerSvg(card, 'dark'));
    for (const image of [light, dark]) expect(pngSize(image.asPng())).toEqual({ width: BANNER_WIDTH, height: BANNER_HEIGHT });
    expect(Buffer.compare(light.asPng(), dark.asPng())).not.toBe(0);
    // The card's background, left of the title: white in light, #0d1117 in dark.
    const pixel = (image: typeof light, x: number, y: number) => [...image.pixels.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];
    expect(pixel(light, 12, 80)).toEqual([0xff, 0xff, 0xff]);
    expect(pixel(dark, 12, 80)).toEqual([0x0d, 0x11, 0x17]);
    // Text was drawn: the headline's row holds pixels of the text colour, not only background.
    const row = (image: typeof light, y: number) => Array.from({ length: 300 }, (_, x) => pixel(image, 24 + x, y).join(','));
    expect(new Set(row(light, 120)).size).toBeGreaterThan(2);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'banner-light.png'), light.asPng());
    writeFileSync(path.join(ARTIFACTS, 'banner-dark.png'), dark.asPng());
  });
});

describe('the preview image (og:image)', () => {
  it('is a 1200×630 PNG for a wish, and for no wish', () => {
    for (const status of WISH_STATUSES) {
      const svg = ogSvg(wishCard(wish(status, { title: `${HOSTILE} ${'and a long title '.repeat(10)}` }), NOW));
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(pngSize(renderPng(svg))).toEqual({ width: 1200, height: 630 });
    }
    expect(pngSize(renderPng(genericOgSvg()))).toEqual({ width: 1200, height: 630 });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'og-wish.png'), renderPng(ogSvg(wishCard(wish('quoted'), NOW))));
  });

  it('shows the title on up to three lines, the figures and the repository', () => {
    const shown = texts(ogSvg(wishCard(wish('quoted', { title: 'A title long enough to need a second line on the preview image, and even a third one to be sure of it, and then some more words that cannot fit anywhere' }), NOW)));
    expect(shown).toEqual(expect.arrayContaining(['Upkeep', '· github.com/acme/ui/issues/7', '€180.00 raised of €300.00', '€120.00 to go']));
    const lines = shown.filter((t) => /^(A title|.*line|.*sure)/.test(t) && !t.startsWith('acme'));
    expect(lines.length).toBe(3);
    expect(lines[2]!.endsWith('…')).toBe(true);
  });
});

describe('text fitting (properties)', () => {
  const font = { size: 22, weight: 'bold' } as const;

  it('escapeXml always yields well-formed XML that reads back as the text minus forbidden characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const doc = `<t a="${escapeXml(s)}">${escapeXml(s)}</t>`;
        expect(XMLValidator.validate(doc)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(XMLValidator.validate(`<t>${escapeXml(s)}</t>`)).toBe(true);
      }),
    );
  });

  it('fitText never exceeds the width and keeps the text when it fits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.integer({ min: 40, max: 700 }), (s, max) => {
        const fitted = fitText(s, max, font);
        const plain = s.replace(/\s+/g, ' ').trim();
        if (textWidth(plain, 22, 'bold') <= max) expect(fitted).toBe(plain);
        else {
          expect(fitted.endsWith('…')).toBe(true);
          expect(textWidth(fitted, 22, 'bold')).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it('wrapText gives at most n lines, each within the width, losing no word when everything fits', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zA-Z€0-9]{1,14}$/), { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (words, n) => {
        const lines = wrapText(words.join(' '), 400, font, n);
        expect(lines.length).toBeLessThanOrEqual(n);
        for (const line of lines) expect(textWidth(line, 22, 'bold')).toBeLessThanOrEqual(400 + 1);
        if (!lines.at(-1)?.endsWith('…')) expect(lines.join(' ')).toBe(words.join(' '));
      }),
    );
  });
});

describe('badges (shields.io endpoint)', () => {
  const expected: Record<WishStatus, { message: string; color: string }> = {
    open: { message: 'awaiting a quote', color: 'lightgrey' },
    quoted: { message: '€120.00 to go', color: 'blue' },
    funded: { message: 'funded', color: 'green' },
    in_progress: { message: 'in progress', color: 'green' },
    delivered: { message: 'delivered', color: 'brightgreen' },
    cancelled: { message: 'cancelled', color: 'grey' },
    expired: { message: 'expired', color: 'grey' },
  };

  it.each(WISH_STATUSES)('a %s wish gets a badge of the endpoint schema saying its state', (status) => {
    const b = shieldsEndpoint.parse(wishBadge(wish(status), NOW));
    expect(b).toEqual({ schemaVersion: 1, label: 'wish', cacheSeconds: 300, ...expected[status] });
  });

  it('a package gets its aggregates: monthly total and how many companies', () => {
    expect(shieldsEndpoint.parse(packageBadge({ fundingCompanies: 12, monthlyTotal: { amount: 123_400, currency: 'EUR' }, active: true }))).toEqual({
      schemaVersion: 1,
      label: 'upkeep',
      message: '€1,234.00/month from 12 companies',
      color: 'brightgreen',
      cacheSeconds: 300,
    });
    expect(packageBadge({ fundingCompanies: 1, monthlyTotal: { amount: 500, currency: 'EUR' }, active: false })).toMatchObject({ message: '€5.00/month from 1 company', color: 'yellow' });
    expect(packageBadge({ fundingCompanies: 0, monthlyTotal: { amount: 0, currency: 'EUR' }, active: true }).message).toBe('no funding yet');
  });
});

describe('image and badge routes over HTTP, a wish in every state', () => {
  let app: HttpApp;
  let base: string;
  // Wish n° i+1 is in the i-th state.
  const store = { get: async (id: WishId) => {
    const n = Number(id.split('#')[1]);
    const status = WISH_STATUSES[n - 1];
    return id.startsWith('acme/ui#') && status ? wish(status, { id }) : null;
  } } as unknown as Ports['wishes'];

  beforeAll(async () => {
    const clock = fixedClock(NOW);
    const none = {} as Ports;
    app = createHttpApp({
      log: createLogger('silent'),
      routes: [badgeRoutes({ wishes: store, clock, fundingStats: none.fundingStats, packages: none.packages, currency: 'EUR' }), ogRoutes({ wishes: store, clock })],
    });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(WISH_STATUSES.map((s, i) => [s, i + 1] as const))('GET /badge/wishes/acme/ui/N.json: a %s wish', async (status, n) => {
    const res = await fetch(`${base}/badge/wishes/acme/ui/${n}.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = shieldsEndpoint.parse(await res.json());
    expect(body).toEqual(wishBadge(wish(status), NOW));
  });

  it.each(['/badge/wishes/acme/ui/99.json', '/badge/wishes/acme/ui/x.json', '/badge/wishes/-bad-/ui/1.json', '/badge/wishes/acme/ui/1'])('an unknown wish still gets a valid badge (%s)', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(shieldsEndpoint.parse(await res.json())).toEqual({ schemaVersion: 1, label: 'wish', message: 'not found', color: 'lightgrey', isError: true, cacheSeconds: 300 });
  });

  it.each(WISH_STATUSES.map((s, i) => [s, i + 1] as const))('GET /og/wishes/acme/ui/N.png: a 1200×630 PNG of a %s wish, 304 when unchanged', async (_status, n) => {
    const res = await fetch(`${base}/og/wishes/acme/ui/${n}.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(pngSize(new Uint8Array(await res.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await fetch(`${base}/og/wishes/acme/ui/${n}.png`, { headers: { 'if-none-match': `W/"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
  });

  it('the preview differs from one wish to the next (cached by ETag, not by path)', async () => {
    const a = await fetch(`${base}/og/wishes/acme/ui/2.png`);
    const b = await fetch(`${base}/og/wishes/acme/ui/3.png`);
    expect(a.headers.get('etag')).not.toBe(b.headers.get('etag'));
    expect(Buffer.compare(Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer()))).not.toBe(0);
  });

  it.each(['/og/wishes/acme/ui/99.png', '/og/wishes/-bad-/ui/1.png', '/og/wishes/acme/ui/2'])('no wish: Upkeep’s own 1200×630 preview with 404, never a 500 (%s)', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(pngSize(png)).toEqual({ width: 1200, height: 630 });
    expect(Buffer.compare(png, renderPng(genericOgSvg()))).toBe(0);
  });
});

describe('package badges from the database: aggregates only', () => {
  let db: TestDatabase;
  let s: Services;
  let app: HttpApp;
  let base: string;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const config = loadConfig({ PUBLIC_URL: 'https://upkeep.example' });
    const clock = fixedClock('2026-11-02T00:00:00Z');
    s = createServices({ config, db, clock, log: createLogger('silent') });
    await seedRepository(db.prisma, 'acme/ui', ['npm:@acme/ui', 'npm:left-pad'], { alice: 100 }, new Date('2026-10-20T00:00:00Z'));
    // An identifiable and an anonymous company fund the same package.
    await seedCompany(db.prisma, { name: 'Initech Identifiable', budget: 100_000, allocation: { 'npm:@acme/ui': 34, 'npm:a': 33, 'npm:b': 33 } });
    await seedCompany(db.prisma, { name: 'Hooli Anonymous', budget: 50_000, allocation: { 'npm:@acme/ui': 34, 'npm:c': 33, 'npm:d': 33 } });
    await db.prisma.company.updateMany({ where: { name: 'Initech Identifiable' }, data: { visibility: 'identifiable' } });
    await openWish({ wishes: s.wishes, outbox: silentOutbox, gateway: s.gateway, clock, currency: 'EUR', id: 'acme/ui#7' as WishId, title: 'Dark mode', description: '', requester: 'zoe' });
    await optInToQuote(s.repositories, 'acme/ui');
    await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: silentOutbox, clock, id: 'acme/ui#7' as WishId, amount: { amount: 30_000, currency: 'EUR' }, delayDays: 14, by: 'alice', isMaintainer: true });
    app = createHttpApp({ ...httpBasics(s), routes: webRoutes(s) });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const badgeAt = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    return { res, text: await res.clone().text(), body: shieldsEndpoint.parse(await res.json()) };
  };

  it('says the monthly total and the number of companies, never a company or its share', async () => {
    const api = (await (await fetch(`${base}/api/v1/packages/npm%3A%40acme%2Fui`)).json()) as { fundingCompanies: number; monthlyTotal: { amount: number } };
    expect(api.fundingCompanies).toBe(2);
    expect(api.monthlyTotal.amount).toBe(51_000); // 34 % of €1,000 + 34 % of €500
    for (const path of ['/badge/packages/npm%3A%40acme%2Fui.json', '/badge/packages/npm:@acme/ui.json']) {
      const { body, text } = await badgeAt(path);
      expect(body).toEqual({ schemaVersion: 1, label: 'upkeep', message: '€510.00/month from 2 companies', color: 'brightgreen', cacheSeconds: 300 });
      expect(text).not.toMatch(/Initech|Hooli|340|170/);
    }
  });

  it('a claimed package nobody funds yet, and one Upkeep does not know', async () => {
    expect((await badgeAt('/badge/packages/npm%3Aleft-pad.json')).body.message).toBe('no funding yet');
    for (const path of ['/badge/packages/npm%3Anever-heard-of.json', '/badge/packages/not-a-package.json', '/badge/packages/npm%3Aleft-pad']) {
      expect((await badgeAt(path)).body).toEqual({ schemaVersion: 1, label: 'upkeep', message: 'package not found', color: 'lightgrey', isError: true, cacheSeconds: 300 });
    }
  });

  it('badges answer 304 when unchanged', async () => {
    const first = await fetch(`${base}/badge/wishes/acme/ui/7.json`);
    expect(shieldsEndpoint.parse(await first.json())).toMatchObject({ message: '€300.00 to go', color: 'blue' });
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const again = await fetch(`${base}/badge/wishes/acme/ui/7.json`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const pkg = await fetch(`${base}/badge/packages/npm%3A%40acme%2Fui.json`);
    expect((await fetch(`${base}/badge/packages/npm%3A%40acme%2Fui.json`, { headers: { 'if-none-match': pkg.headers.get('etag')! } })).status).toBe(304);
  });

  it('the preview image of a real wish is a 1200×630 PNG', async () => {
    const res = await fetch(`${base}/og/wishes/acme/ui/7.png`);
    expect(res.status).toBe(200);
    expect(pngSize(new Uint8Array(await res.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
  });
});
