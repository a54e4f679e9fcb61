// The wish page over HTTP on real databases: what it shows is what the API says (raised, quote,
// to go, pledgers), hostile Markdown is inert, the discussion follows GitHub's comment events
// (through the real Probot middleware, with signed deliveries), and the pledge form: a bad form
// or a missing CSRF token changes nothing, a good one is a 303 to the fake Stripe Checkout with the
// amount, and offline it is a commitment the page labels as such.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { githubDeps } from '../app/github.ts';
import { createServices, type Services } from '../app/services.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import fc from 'fast-check';
import { formatMinor, formatMoney } from '../core/money.ts';
import type { Clock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { cancelWish } from '../core/use-cases/wishes/cancel-wish.ts';
import { getWishPage, publicPledgers, publicTimeline } from '../core/use-cases/wishes/get-wish-page.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { presetPledges, readWebPledge, webPledger } from '../core/use-cases/wishes/place-web-pledge.ts';
import { writeWishSpec } from '../core/use-cases/wishes/write-wish-spec.ts';
import type { WishId } from '../core/wishlist.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { createLogger } from '../edge/logger.ts';
import { renderMarkdown } from '../web/markdown.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { apiWish, deliverStripeEvent, seedQuotedWish, startWishPageApp, type WishPageApp } from './wish-page-support.ts';
import { CookieJar, csrfFrom, pageWithCsrf, postForm } from './web-support.ts';

let now = new Date('2026-11-10T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };

const HOSTILE = [
  '# Title',
  '<script>alert("body")</script>',
  '[click me](javascript:alert(1)) [or me](JAVASCRIPT:alert(2)) [encoded](&#106;avascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)',
  '<img src=x onerror=alert(4)> <a href="javascript:alert(5)">raw link</a> <iframe src="https://evil.example"></iframe>',
  '![tracker](http://insecure.example/pixel.png) ![inline](data:image/png;base64,AAAA) ![fine](https://img.example/ok.png)',
  '[relative](/admin/periods) [good](https://example.org/docs)',
].join('\n\n');

/** Inert: no script element, no script URL, no event handler, no frame, no image that is not https. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/javascript:/i);
  expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/<iframe/i);
  expect(html).not.toMatch(/<img[^>]+src="(?!https:\/\/)/i);
  expect(html).not.toMatch(/href="data:|href="\/admin/i);
}

describe('web/markdown.ts', () => {
  it.each([
    ['a script tag is text', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['a javascript: link keeps its text and loses its URL', '[x](javascript:alert(1))', '<p><a rel="nofollow ugc noopener">x</a></p>'],
    ['an entity-encoded javascript: link too', '[x](&#106;avascript:alert(1))', '<p><a rel="nofollow ugc noopener">x</a></p>'],
    ['a data: link too', '[x](data:text/html,hi)', '<p><a rel="nofollow ugc noopener">x</a></p>'],
    ['a protocol-relative link too', '[x](//evil.example)', '<p><a rel="nofollow ugc noopener">x</a></p>'],
    ['an https link is kept, nofollow ugc noopener', '[docs](https://example.org/a?b=1&c=2)', '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">docs</a></p>'],
    ['a mailto link is kept', '[mail](mailto:a@example.org)', '<p><a href="mailto:a@example.org" rel="nofollow ugc noopener">mail</a></p>'],
    ['raw HTML is text', '<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
    ['a script URL in text keeps its look but not its scheme', '<a href="javascript:alert(1)">x</a>', '<p>&lt;a href="javascript&#58;alert(1)"&gt;x&lt;/a&gt;</p>'],
    ['an http image is dropped', '![a](http://x.example/a.png)', '<p></p>'],
    ['a data: image is dropped', '![a](data:image/png;base64,AAAA)', '<p></p>'],
    ['an https image is kept, lazy and without referrer', '![a](https://x.example/a.png)', '<p><img src="https://x.example/a.png" alt="a" loading="lazy" referrerpolicy="no-referrer" /></p>'],
    ['headings sit under the page sections', '# One\n## Two', '<h3>One</h3>\n<h4>Two</h4>'],
    ['code keeps its language and escapes its text', '```js\nlet a = "<b>";\n```', '<pre><code class="language-js">let a = "&lt;b&gt;";\n</code></pre>'],
  ])('%s', (_name, input, output) => {
    expect(renderMarkdown(input).trim()).toBe(output);
  });

  it('renders a whole hostile body inert and keeps what is safe', () => {
    const html = renderMarkdown(HOSTILE);
    expectInert(html);
    expect(html).toContain('<img src="https://img.example/ok.png"');
    expect(html).toContain('<a href="https://example.org/docs" rel="nofollow ugc noopener">good</a>');
  });
});

describe('web pledge form rules (core)', () => {
  it.each([
    [{ preset: '25.00' }, 2_500],
    [{ preset: '25.00', amount: '12,50' }, 1_250],
    [{ amount: '€ 1,000' }, 100_000],
    [{ amount: ' 7 ', preset: '' }, 700],
  ])('reads %j as %i cents', (form, cents) => {
    const r = readWebPledge(form, 'EUR');
    expect(r.ok && r.value.amount).toEqual({ amount: cents, currency: 'EUR' });
  });

  it.each([
    [{}, 'invalid_amount', /Choose one of the amounts/],
    [{ amount: 'abc' }, 'invalid_amount', /not an amount/],
    [{ amount: '-5' }, 'invalid_amount', /negative/],
    [{ amount: '0' }, 'invalid_amount', /./],
    [{ amount: '20 USD' }, 'wrong_currency', /EUR/],
    [{ amount: '100000000.01' }, 'invalid_amount', /./],
    [{ amount: '10', email: 'not-an-address' }, 'invalid_input', /not an e-mail address/],
    [{ amount: '10', name: 'x'.repeat(81) }, 'invalid_input', /at most 80/],
  ])('refuses %j', (form, code, message) => {
    const r = readWebPledge(form, 'EUR');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.userMessage).toMatch(message);
    }
  });

  it('any amount the form shows or a person types back reads as the same cents (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.boolean(), (cents, typed) => {
        const text = formatMinor(cents, 'EUR');
        const r = readWebPledge(typed ? { amount: text, preset: '10.00' } : { preset: text }, 'EUR');
        expect(r.ok && r.value.amount).toEqual({ amount: cents, currency: 'EUR' });
      }),
    );
    for (const preset of presetPledges('EUR')) expect(readWebPledge({ preset: formatMinor(preset.amount, 'EUR') }, 'EUR')).toEqual({ ok: true, value: { amount: preset, name: null, email: null } });
  });

  it('one e-mail is one pledger (by its hash, never the address); without one, each pledge is its own', () => {
    const a = webPledger({ name: null, email: 'Ada@Example.org' }, 'p1');
    const b = webPledger({ name: 'Ada', email: 'ada@example.org' }, 'p2');
    expect(a.id).toBe(b.id);
    expect(a.id).not.toContain('example');
    expect(webPledger({ name: null, email: null }, 'p3').id).not.toBe(webPledger({ name: null, email: null }, 'p4').id);
    expect(webPledger({ name: null, email: null }, 'p3')).toMatchObject({ source: 'web', display: 'a supporter on the web' });
  });

  it('the timeline names maintainers and counts pledges and payments per day', () => {
    const at = (iso: string) => new Date(iso);
    expect(
      publicTimeline([
        { at: at('2026-11-01T10:00:00Z'), actor: 'zoe', action: 'open' },
        { at: at('2026-11-01T11:00:00Z'), actor: 'slack:T1:U9', action: 'pledge' },
        { at: at('2026-11-01T12:00:00Z'), actor: 'Gita Guest', action: 'pledge' },
        { at: at('2026-11-02T09:00:00Z'), actor: 'bob', action: 'pledge' },
        { at: at('2026-11-02T10:00:00Z'), actor: 'bob', action: 'pay' },
        { at: at('2026-11-02T10:00:00Z'), actor: 'upkeep', action: 'fund' },
      ]),
    ).toEqual([
      { at: at('2026-11-01T10:00:00Z'), actor: 'zoe', action: 'open', count: 1 },
      { at: at('2026-11-01T11:00:00Z'), actor: null, action: 'pledge', count: 2 },
      { at: at('2026-11-02T09:00:00Z'), actor: null, action: 'pledge', count: 1 },
      { at: at('2026-11-02T10:00:00Z'), actor: null, action: 'pay', count: 1 },
      { at: at('2026-11-02T10:00:00Z'), actor: null, action: 'fund', count: 1 },
    ]);
  });

  it('pledgers are GitHub logins, the others only counted', () => {
    const pledge = (source: 'github' | 'slack' | 'web' | 'discord', id: string, display: string, status: 'committed' | 'paid' | 'refunded' = 'paid') => ({ id: `${id}-p`, pledger: { source, id, display }, amount: 100, status, createdAt: new Date(0) });
    expect(
      publicPledgers({
        pledges: [pledge('github', 'octocat', 'OctoCat'), pledge('github', 'alice', 'Alice Liddell'), pledge('slack', 'slack:T1:U1', 'Sam'), pledge('web', 'guest:1', 'Gita'), pledge('discord', '123', 'Dee', 'refunded')],
      }),
    ).toEqual({ logins: ['alice', 'OctoCat'], others: 2 });
  });
});

describe('the wish page with Stripe', () => {
  let db: TestDatabase;
  let stripe: FakeStripe;
  let app: WishPageApp;
  let id: WishId;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    stripe = await startFakeStripe();
    app = await startWishPageApp({ db, clock, stripe });
    id = await seedQuotedWish(app.services, clock, 'acme/ui#7' as WishId, HOSTILE);
    await writeWishSpec({ wishes: app.services.wishes, outbox: silentOutbox, clock, id, text: `## Plan\n\n${HOSTILE}`, author: 'maint', isMaintainer: true });
    await app.services.discussion.record({
      kind: 'written',
      wishId: id,
      comment: { id: 901, author: 'reader', body: `I want this too.\n\n${HOSTILE}`, url: 'https://github.com/acme/ui/issues/7#issuecomment-901', createdAt: new Date('2026-11-05T08:00:00Z'), updatedAt: new Date('2026-11-05T08:00:00Z') },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await stripe?.stop();
    await db?.close();
  });

  const page = async (path = '/wishes/acme/ui/7') => {
    const res = await fetch(`${app.url}${path}`, { headers: { accept: 'text/html' } });
    return { res, html: await res.text() };
  };
  const testIdText = (html: string, testId: string) => {
    const m = new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html);
    return m ? m[1]!.replace(/&amp;/g, '&') : null;
  };
  const pledgeCount = async () => (await app.services.wishes.get(id))!.pledges.length;

  it('shows the same raised, quote, to go and pledgers as GET /api/v1/wishes/…', async () => {
    const api = await apiWish(app.url, 'acme/ui/7');
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const eur = (amount: number) => formatMoney({ amount, currency: 'EUR' });
    expect(api).toMatchObject({ paid: { amount: 13_000 }, quote: { amount: 30_000 }, pledgers: 3 });
    expect(testIdText(html, 'raised')).toBe(eur(api.paid.amount));
    expect(testIdText(html, 'quote')).toBe(eur(api.quote!.amount));
    expect(testIdText(html, 'to-go')).toBe(eur(api.quote!.amount - api.paid.amount));
    expect(testIdText(html, 'pledgers')).toBe(`${api.pledgers} pledgers`);
    expect(testIdText(html, 'funding-sentence')).toBe('€130.00 raised of €300.00 — €170.00 to go');
    // 60 days from the second quote (2026-11-10T12:00): exactly 60 days left.
    expect(testIdText(html, 'days-left')).toBe('60 days');
    // A login is shown as its owner typed it.
    expect(html).toContain('<a href="https://github.com/Alice">@Alice</a> and 2 others');
    // The bar: 13000 of 30000 is 43 %.
    expect(html).toContain('<title id="funding-bar-title">43% of the quote raised</title>');
  });

  it('never shows an e-mail, a chat id or a pledger’s name that is not a GitHub login', async () => {
    const { html } = await page();
    for (const secret of ['gita@example.org', 'Gita Guest', 'slack:T1:U9', 'Secret Slacker', 'email:abc']) expect(html).not.toContain(secret);
  });

  it('shows the quote history, the spec, the timeline and the discussion, all hostile Markdown inert', async () => {
    const { html } = await page();
    expectInert(html);
    expect(html).toMatch(/€400\.00<\/td><td class="num">21 days<\/td><td>@maint/);
    expect(html).toMatch(/\(standing\)<\/td><td class="num">€300\.00<\/td><td class="num">14 days/);
    expect(html).toContain('<h3>Title</h3>');
    expect(html).toContain('<h4>Plan</h4>');
    expect(html).toContain('I want this too.');
    expect(html).toContain('<a href="https://github.com/reader">@reader</a>');
    expect(html).toContain('@zoe opened the wish');
    expect(html).toContain('@maint quoted it');
    expect(html).toMatch(/2 pledges|3 pledges/);
    expect(html).toContain('<a href="https://github.com/acme/ui/issues/7" data-testid="join-discussion">Join the discussion on GitHub</a>');
  });

  it('carries OpenGraph and Twitter meta, a canonical URL under PUBLIC_URL and share links', async () => {
    const { html } = await page('/wishes/ACME/UI/7');
    const canonical = `${app.url}/wishes/acme/ui/7`;
    expect(html).toContain(`<link rel="canonical" href="${canonical}"/>`);
    expect(html).toContain(`<meta property="og:url" content="${canonical}"/>`);
    expect(html).toContain('<meta property="og:title" content="Dark mode (acme/ui#7)"/>');
    expect(html).toContain('<meta property="og:description" content="€130.00 raised of €300.00 — €170.00 to go · 3 pledgers · 60 days left"/>');
    expect(html).toContain(`<meta property="og:image" content="${app.url}/og/wishes/acme/ui/7.png"/>`);
    expect(html).toContain('<meta property="og:image:width" content="1200"/>');
    expect(html).toContain('<meta property="og:image:height" content="630"/>');
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    expect(html).not.toContain('name="robots"');
    for (const share of ['https://twitter.com/intent/tweet?text=', 'https://mastodonshare.com/?text=', 'https://bsky.app/intent/compose?text=', 'https://www.linkedin.com/sharing/share-offsite/?url=', 'mailto:?subject=']) {
      expect(html).toContain(share);
    }
    expect(html).toContain(`<input type="text" id="share-url" readonly value="${canonical}"/>`);
    expect(html).toContain(`[![Dark mode](${app.url}/widget/wishes/acme/ui/7.svg)](${canonical})`);
    expect(html).toContain(`&lt;iframe src=&quot;${app.url}/widget/wishes/acme/ui/7&quot;`);
  });

  it.each(['/wishes/acme/ui/99', '/wishes/acme/ui/x', '/wishes/-bad-/ui/1'])('answers a 404 page for %s', async (path) => {
    const { res, html } = await page(path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<h1>No wish here</h1>');
  });

  it('has a pledge form with preset amounts in a fieldset, a free amount, name, e-mail and the CSRF token', async () => {
    const { html } = await page();
    expect(html).toContain('<legend>How much do you pledge?</legend>');
    for (const v of ['10.00', '25.00', '50.00', '100.00']) expect(html).toContain(`<input type="radio" name="preset" value="${v}"/>`);
    expect(html).toContain('<label for="pledge-amount">');
    expect(html).toContain('<label for="pledge-name">Your name (optional)</label>');
    expect(html).toContain('<label for="pledge-email">E-mail (optional)</label>');
    expect(csrfFrom(html)).toMatch(/\./);
    expect(html).toContain('action="/wishes/acme/ui/7/pledge"');
    expect(html).not.toContain('data-testid="offline"');
  });

  it.each([
    [{ amount: 'abc' }, 400, /not an amount/],
    [{ amount: '-5' }, 400, /negative/],
    [{ amount: '0' }, 400, /./],
    [{ amount: '20 USD' }, 400, /EUR/],
    [{}, 400, /Choose one of the amounts/],
    [{ amount: '10', email: 'nope' }, 400, /not an e-mail address/],
  ])('refuses %j with a page and records nothing', async (fields, status, message) => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/wishes/acme/ui/7`);
    const before = await pledgeCount();
    const sessions = stripe.callsTo('POST', '/v1/checkout/sessions').length;
    const res = await postForm(`${app.url}/wishes/acme/ui/7/pledge`, cookie, { _csrf: token, ...fields });
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(html).toContain('<h1>Your pledge was not recorded</h1>');
    expect(html).toMatch(message);
    expect(html).toContain('Nothing was recorded and nothing was charged.');
    expect(await pledgeCount()).toBe(before);
    expect(stripe.callsTo('POST', '/v1/checkout/sessions')).toHaveLength(sessions);
  });

  it('refuses a form without a CSRF token, or with a wrong one (403), and records nothing', async () => {
    const { cookie } = await pageWithCsrf(`${app.url}/wishes/acme/ui/7`);
    const before = await pledgeCount();
    const none = await postForm(`${app.url}/wishes/acme/ui/7/pledge`, cookie, { amount: '25' });
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('nothing was changed');
    const wrong = await postForm(`${app.url}/wishes/acme/ui/7/pledge`, cookie, { _csrf: 'forged.token', amount: '25' });
    expect(wrong.status).toBe(403);
    const noCookie = await postForm(`${app.url}/wishes/acme/ui/7/pledge`, '', { _csrf: csrfFrom((await page()).html), amount: '25' });
    expect(noCookie.status).toBe(403);
    expect(await pledgeCount()).toBe(before);
  });

  it('pledges: 303 to the Stripe Checkout with the amount, back to the page with ?pledge=paid, and the payment counts once Stripe says so', async () => {
    const { token, cookie } = await pageWithCsrf(`${app.url}/wishes/acme/ui/7`);
    const res = await postForm(`${app.url}/wishes/acme/ui/7/pledge`, cookie, { _csrf: token, preset: '100.00', amount: '45', name: 'Ada', email: 'ada@example.org' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const call = stripe.callsTo('POST', '/v1/checkout/sessions').at(-1)!;
    expect(call.body.line_items[0].price_data).toMatchObject({ unit_amount: '4500', currency: 'eur' });
    expect(call.body.success_url).toBe(`${app.url}/wishes/acme/ui/7?pledge=paid`);
    expect(call.body.cancel_url).toBe(`${app.url}/wishes/acme/ui/7?pledge=cancelled`);
    expect(call.body.customer_email).toBe('ada@example.org');
    const wish = (await app.services.wishes.get(id))!;
    const pledge = wish.pledges.at(-1)!;
    expect(pledge).toMatchObject({ amount: 4_500, status: 'committed', pledger: { source: 'web', display: 'Ada' } });
    expect(call.body.metadata.pledgeId).toBe(pledge.id);

    // Back from Stripe: a thank-you, and the total has not moved yet.
    const back = await page('/wishes/acme/ui/7?pledge=paid');
    expect(back.html).toContain('Thank you for your pledge!');
    expect(back.html).toContain('reload the page');
    expect(testIdText(back.html, 'raised')).toBe('€130.00');

    const sessionId = location.split('/').at(-1)!;
    const delivered = await deliverStripeEvent(app.url, stripe.event('checkout.session.completed', stripe.completeSession(sessionId)));
    expect(delivered.status).toBe(200);
    const after = await page();
    expect(testIdText(after.html, 'raised')).toBe('€175.00');
    expect(testIdText(after.html, 'to-go')).toBe('€125.00');
    expect((await apiWish(app.url, 'acme/ui/7')).paid.amount).toBe(17_500);
    // Ada (a new e-mail) is a fourth pledger.
    expect(testIdText(after.html, 'pledgers')).toBe('4 pledgers');
  });

  it('a cancelled payment says nothing was charged; an unknown notice says nothing', async () => {
    expect((await page('/wishes/acme/ui/7?pledge=cancelled')).html).toContain('Nothing was charged.');
    const odd = await page('/wishes/acme/ui/7?pledge=%3Cscript%3E');
    expect(odd.res.status).toBe(200);
    expect(odd.html).not.toContain('data-testid="pledge-notice"');
  });

  it('a wish that no longer takes pledges has no form, and a POST is refused with 409, nothing recorded', async () => {
    const other = 'acme/ui#8' as WishId;
    await openWish({ wishes: app.services.wishes, outbox: silentOutbox, gateway: app.services.gateway, clock, id: other, currency: 'EUR', title: 'Old idea', description: '', requester: 'zoe' });
    await cancelWish({ wishes: app.services.wishes, outbox: silentOutbox, clock, id: other, by: 'maint', isMaintainer: true });
    const { token, cookie } = await pageWithCsrf(`${app.url}/wishes/acme/ui/7`);
    const html = await (await fetch(`${app.url}/wishes/acme/ui/8`)).text();
    expect(html).toContain('data-testid="not-pledging"');
    expect(html).not.toContain('data-testid="pledge-form"');
    const res = await postForm(`${app.url}/wishes/acme/ui/8/pledge`, cookie, { _csrf: token, amount: '10' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Nothing was recorded');
    expect((await app.services.wishes.get(other))!.pledges).toHaveLength(0);
    const unknown = await postForm(`${app.url}/wishes/acme/ui/99/pledge`, cookie, { _csrf: token, amount: '10' });
    expect(unknown.status).toBe(404);
  });
});

describe('the wish page offline', () => {
  let db: TestDatabase;
  let app: WishPageApp;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    app = await startWishPageApp({ db, clock, stripe: null });
    await seedQuotedWish(app.services, clock);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('labels payments offline, records a pledge as a commitment and says the operator settles it', async () => {
    const { html, token, cookie } = await pageWithCsrf(`${app.url}/wishes/acme/ui/7`);
    expect(html).toContain('data-testid="offline"');
    expect(html).toContain('settled by the operator');
    expect(html).toContain('Record my pledge');
    const res = await postForm(`${app.url}/wishes/acme/ui/7/pledge`, cookie, { _csrf: token, preset: '25.00' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/wishes/acme/ui/7?pledge=recorded');
    const wish = (await app.services.wishes.get('acme/ui#7' as WishId))!;
    expect(wish.pledges.at(-1)).toMatchObject({ amount: 2_500, status: 'committed', pledger: { source: 'web' } });
    const back = await fetch(`${app.url}${res.headers.get('location')}`, { headers: { cookie: new CookieJar(cookie).header() } });
    const text = await back.text();
    expect(text).toContain('your pledge is recorded');
    expect(text).toContain('the operator settles it by hand');
    // A commitment is pledged, not raised.
    expect(text).toContain('data-testid="raised">€130.00<');
  });
});

describe('the discussion follows GitHub issue_comment events (real Probot, signed deliveries)', () => {
  const require = createRequire(import.meta.url);
  type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];
  const SECRET = 'discussion-webhook-secret';
  let db: TestDatabase;
  let fake: FakeGithubApi;
  let s: Services;
  let server: Server;
  let base: string;
  const wishId = 'acme/widgets#7' as WishId;

  beforeAll(async () => {
    fake = await startFakeGithubApi();
    db = await openTestDatabase('pglite');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const config = loadConfig({ GITHUB_APP_ID: '123', GITHUB_PRIVATE_KEY: privateKey, GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: fake.url, CURRENCY: 'EUR', PUBLIC_URL: 'http://upkeep.test' });
    s = createServices({ config, db, clock, log: createLogger('silent') });
    const github = await githubContribution(githubDeps(s, config.github!), { retries: false });
    const mount = github.mounts![0]!;
    server = createServer((req, res) => void mount.listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.addRepo('acme/widgets', { installationId: 4242, license: 'MIT', files: {}, permissions: {} });
    await openWish({ wishes: s.wishes, outbox: silentOutbox, gateway: s.gateway, clock, id: wishId, currency: 'EUR', title: 'Dark mode', description: '', requester: 'zoe' });
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await db?.close();
    await fake?.close();
  });

  function payload(action: 'created' | 'edited' | 'deleted', o: { id: number; body?: string; login?: string; type?: string; updated?: string; pr?: boolean }): Example {
    const p = structuredClone(EXAMPLES.find((d) => d.name === 'issue_comment')!.examples.find((e) => e.action === action) ?? EXAMPLES.find((d) => d.name === 'issue_comment')!.examples[0]!);
    p.action = action;
    p.installation = { id: 4242, node_id: 'x' };
    Object.assign(p.repository, { full_name: 'acme/widgets', name: 'widgets', default_branch: 'main' });
    p.repository.owner.login = 'acme';
    p.issue.number = 7;
    p.issue.title = 'Dark mode';
    if (o.pr) p.issue.pull_request = { url: 'https://api.github.com/repos/acme/widgets/pulls/7' };
    else delete p.issue.pull_request;
    Object.assign(p.comment, { id: o.id, body: o.body ?? 'text', created_at: '2026-11-05T08:00:00Z', updated_at: o.updated ?? '2026-11-05T08:00:00Z', html_url: `https://github.com/acme/widgets/issues/7#issuecomment-${o.id}` });
    p.comment.user.login = o.login ?? 'reader';
    p.comment.user.type = o.type ?? 'User';
    p.sender.login = o.login ?? 'reader';
    p.sender.type = o.type ?? 'User';
    return p;
  }

  async function deliver(p: Example): Promise<number> {
    const body = JSON.stringify(p);
    const res = await fetch(`${base}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(SECRET, body), 'user-agent': 'GitHub-Hookshot/test' },
      body,
    });
    await res.text();
    return res.status;
  }

  const shown = async () => (await getWishPage({ wishes: s.wishes, discussion: s.discussion, clock, gateway: s.gateway, id: wishId })).comments.map((c) => [c.id, c.author, c.body]);

  it('records created comments, applies newer edits only, forgets deleted ones, and skips bots and pull requests', async () => {
    expect(await deliver(payload('created', { id: 11, body: 'First!', login: 'Reader' }))).toBe(200);
    expect(await deliver(payload('created', { id: 12, body: 'Second', login: 'bob' }))).toBe(200);
    expect(await deliver(payload('created', { id: 13, body: 'status', login: 'upkeep[bot]', type: 'Bot' }))).toBe(200);
    expect(await deliver(payload('created', { id: 14, body: 'on a PR', pr: true }))).toBe(200);
    expect(await shown()).toEqual([
      [11, 'Reader', 'First!'],
      [12, 'bob', 'Second'],
    ]);
    expect((await s.discussion.comments(wishId))[0]!.url).toBe('https://github.com/acme/widgets/issues/7#issuecomment-11');

    expect(await deliver(payload('edited', { id: 11, body: 'First, edited', login: 'Reader', updated: '2026-11-06T08:00:00Z' }))).toBe(200);
    // An older edit delivered late, and a redelivery, change nothing.
    expect(await deliver(payload('edited', { id: 11, body: 'stale', login: 'Reader', updated: '2026-11-05T09:00:00Z' }))).toBe(200);
    expect(await deliver(payload('edited', { id: 11, body: 'First, edited', login: 'Reader', updated: '2026-11-06T08:00:00Z' }))).toBe(200);
    expect(await shown()).toEqual([
      [11, 'Reader', 'First, edited'],
      [12, 'bob', 'Second'],
    ]);

    expect(await deliver(payload('deleted', { id: 12, body: 'Second', login: 'bob' }))).toBe(200);
    // A late edit of a deleted comment does not bring it back.
    expect(await deliver(payload('edited', { id: 12, body: 'Second again', login: 'bob', updated: '2026-11-07T08:00:00Z' }))).toBe(200);
    expect(await shown()).toEqual([[11, 'Reader', 'First, edited']]);
    const rows = await db.prisma.$queryRawUnsafe<{ body: string; deleted: boolean }[]>('SELECT body, deleted_at IS NOT NULL AS deleted FROM wish_comment WHERE comment_id = 12');
    expect(rows).toEqual([{ body: '', deleted: true }]);
  });
});
