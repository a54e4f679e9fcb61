// The public pages (home, project space, package page) on PostgreSQL, over HTTP through the real
// app: what they show equals the public API, and nothing on them (nor on the wish page, the
// widget or the API) names a company or says what one company gave. Two companies fund the same
// packages, one identifiable and one anonymous, and last month is closed for real.
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, money, type Money } from '../core/money.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { unwrap } from '../core/errors.ts';
import { addPledge, markPledgePaid, openWish, quote, type Wish, type WishId } from '../core/wishlist.ts';
import { byClosenessToFunding } from '../core/wishlist/closeness.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { getMaintainerAccount } from '../core/use-cases/get-maintainer-account.ts';
import { joinLinks } from '../web/pages/home.tsx';
import { loadConfig } from '../app/config.ts';
import { dayText, monthName } from '../web/pages/format.ts';
import { addMonths } from '../core/period.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { ACTIVITY, amountForms, buildWorld, CLOSED, CLOSE_WISH, COMPANIES, DONE_WISH, FAR_WISH, NOW, OPEN_WISH, REPO, SOLO_REPO, type World } from './public-pages-support.ts';
import { startWebApp, type WebTestApp } from './web-support.ts';

const clock = fixedClock(NOW);
const fmt = (m: Money) => formatMoney(m);
const eur = (amount: number) => fmt(money(amount, 'EUR'));
const CLOSED_NAME = monthName(CLOSED);

/** The text a reader sees: tags, styles and entities gone, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The element carrying `attr` (e.g. `data-wish="facebook/react#7"`), up to its closing `tag`. */
function element(html: string, tag: string, attr: string): string {
  const at = html.indexOf(attr);
  expect(at, `${attr} on the page`).toBeGreaterThan(-1);
  const start = html.lastIndexOf(`<${tag}`, at);
  const end = html.indexOf(`</${tag}>`, at);
  return html.slice(start, end + tag.length + 3);
}

/** The text of the element with `data-testid=id`. */
const testId = (html: string, tag: string, id: string) => textOf(element(html, tag, `data-testid="${id}"`));

let db: TestDatabase;
let app: WebTestApp;
let bare: WebTestApp;
let world: World;

async function page(base: string, path: string, status = 200): Promise<string> {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
  const body = await res.text();
  expect(res.status, `${path}: ${body.slice(0, 300)}`).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return body;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${app.url}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

type ApiPackage = { id: string; fundingCompanies: number; monthlyTotal: Money; maintainers: string[]; lastPeriod: { period: string; total: Money; fundingCompanies: number } | null };
type ApiWish = { id: string; status: string; quote: { amount: number; currency: string } | null; pledged: Money; paid: Money; pledgers: number; percent: number };

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  app = await startWebApp({
    db,
    clock,
    env: {
      SLACK_SIGNING_SECRET: 'slack-signing-secret-public-pages',
      SLACK_CLIENT_ID: '111.222',
      SLACK_CLIENT_SECRET: 'slack-client-secret',
      SLACK_STATE_SECRET: 'slack-state-secret',
      UPKEEP_SESSION_SECRET: 'public-pages-session-secret-0123456789',
      GITHUB_APP_ID: '4242',
      GITHUB_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: 'github-webhook-secret',
      GITHUB_APP_SLUG: 'upkeep-test',
      DISCORD_APPLICATION_ID: '998877665544',
      DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
    },
  });
  bare = await startWebApp({ db, clock, env: {} });
  world = await buildWorld(bare.services, clock);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await bare?.close();
  await db?.close();
});

describe('public pages on PostgreSQL', () => {
  it('home: what Upkeep is, the quoted wishes closest to funding with what they still need, the most-funded packages', async () => {
    const html = await page(app.url, '/');
    expect(html).toContain(`<link rel="canonical" href="${app.url}/"/>`);
    expect(testId(html, 'p', 'what')).toMatch(/^Upkeep turns the open-source packages companies depend on into steady monthly money/);
    const closest = element(html, 'ul', 'data-testid="closest-wishes"');
    // Quoted wishes only (the open one has no quote), least left to pay first: €120 before €900.
    expect([...closest.matchAll(/data-wish="([^"]+)"/g)].map((m) => m[1])).toEqual([CLOSE_WISH, FAR_WISH]);
    const card = textOf(element(html, 'li', `data-wish="${CLOSE_WISH}"`));
    expect(card).toContain('Faster hydration');
    expect(card).toContain('€180.00 raised of €300.00');
    expect(card).toContain('€120.00 to go');
    expect(card).toContain('2 pledgers');
    expect(card).toContain('60 days left');
    expect(element(html, 'li', `data-wish="${CLOSE_WISH}"`)).toContain('href="/wishes/facebook/react/7"');
    expect(element(html, 'li', `data-wish="${CLOSE_WISH}"`)).toContain('aria-valuenow="60"');

    const table = element(html, 'table', 'data-testid="funded-packages"');
    const rows = [...table.matchAll(/<tr data-package="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['npm:react', 'npm:left-pad', 'npm:react-dom']);
    expect(textOf(element(table, 'tr', 'data-package="npm:react"'))).toBe(`npm:react €612.34 2 €612.34 in ${CLOSED_NAME} @alice, @bob`);
    expect(table).toContain('href="/packages/npm%3Areact"');
  });

  it('home: a link to add each configured app, none for an adapter that is not configured', async () => {
    const join = element(await page(app.url, '/'), 'ul', 'data-testid="join"');
    expect(join).toContain(`href="${app.url}/slack/install"`);
    expect(join).toContain('href="https://github.com/apps/upkeep-test/installations/new"');
    expect(join).toContain('href="https://discord.com/oauth2/authorize?client_id=998877665544&amp;scope=applications.commands%20bot"');
    const none = await page(bare.url, '/');
    expect(testId(none, 'p', 'join')).toBe('This Upkeep has no chat app configured yet: ask its operator.');
    expect(none).not.toMatch(/slack\/install|github\.com\/apps|discord\.com\/oauth2/);
  });

  it('project space: upkeep.yml profile, maintainers, activity, packages, wishlist closest first, delivered, how to open a wish, banner snippet', async () => {
    const html = await page(app.url, '/projects/Facebook/React');
    expect(html).toContain(`<link rel="canonical" href="${app.url}/projects/facebook/react"/>`);
    expect(testId(html, 'p', 'description')).toBe('The library for web and native user interfaces.');
    expect(testId(html, 'dd', 'needs')).toBe('Reviewers for the compiler and funding for release work.');
    expect(element(html, 'dd', 'data-testid="contact"')).toContain('href="https://react.dev/community"');
    expect(testId(html, 'ul', 'maintainers')).toBe('@alice @bob');
    expect(html).not.toContain('data-testid="bus-factor"');
    expect(testId(html, 'p', 'activity')).toBe(`Active Last commit, issue activity or release on ${dayText(ACTIVITY.repo)}.`);
    const packages = element(html, 'table', 'data-testid="packages"');
    expect([...packages.matchAll(/<tr data-package="([^"]+)"/g)].map((m) => m[1])).toEqual(['npm:react', 'npm:react-dom']);
    expect(textOf(element(packages, 'tr', 'data-package="npm:react-dom"'))).toBe(`npm:react-dom €594.33 2 €594.33 in ${CLOSED_NAME} @alice, @bob`);

    const wishlist = element(html, 'ul', 'data-testid="wishlist"');
    expect([...wishlist.matchAll(/data-wish="([^"]+)"/g)].map((m) => m[1])).toEqual([CLOSE_WISH, FAR_WISH, OPEN_WISH]);
    expect(textOf(element(html, 'li', `data-wish="${FAR_WISH}"`))).toContain('€900.00 to go');
    expect(textOf(element(html, 'li', `data-wish="${OPEN_WISH}"`))).toContain('€10.00 pledged, awaiting a quote');
    const delivered = element(html, 'ul', 'data-testid="delivered"');
    expect([...delivered.matchAll(/data-wish="([^"]+)"/g)].map((m) => m[1])).toEqual([DONE_WISH]);
    expect(textOf(delivered)).toContain('Delivered');

    expect(textOf(html)).toContain('comment /wish on it');
    expect(html).toContain('href="https://github.com/facebook/react/issues"');
    const snippets = [...html.matchAll(/data-testid="banner-snippet"><code>([^<]+)<\/code>/g)].map((m) => m[1]);
    expect(snippets[0]).toBe(`[![Faster hydration](${app.url}/widget/wishes/facebook/react/7.svg)](${app.url}/wishes/facebook/react/7)`);
    expect(snippets).toHaveLength(3);
  });

  it('project space: a single maintainer is flagged (bus factor) and 90 days without activity warned', async () => {
    const html = await page(app.url, `/projects/${SOLO_REPO}`);
    expect(testId(html, 'ul', 'maintainers')).toBe('@carol');
    expect(testId(html, 'p', 'bus-factor')).toMatch(/^One maintainer: a bus factor of one/);
    expect(testId(html, 'p', 'activity')).toBe(`Inactive: no commit, issue activity or release in the last 90 days (last seen ${dayText(ACTIVITY.solo)}).`);
    expect(element(html, 'dd', 'data-testid="contact"')).toContain('href="mailto:carol@example.org"');
    expect(testId(html, 'p', 'wishlist')).toBe('No wish is collecting pledges.');
  });

  it('package page: the API aggregates, maintainers, and the last 12 closed months as an SVG chart with the same figures in a table', async () => {
    const summary = await api<ApiPackage>('/api/v1/packages/npm%3Areact');
    const html = await page(app.url, '/packages/npm%3Areact');
    expect(html).toContain(`<link rel="canonical" href="${app.url}/packages/npm%3Areact"/>`);
    expect(testId(html, 'dd', 'monthly-total')).toBe(fmt(summary.monthlyTotal));
    expect(testId(html, 'dd', 'funding-companies')).toBe(String(summary.fundingCompanies));
    expect(testId(html, 'dd', 'last-period')).toBe(`${fmt(summary.lastPeriod!.total)} in ${CLOSED_NAME}`);
    expect(testId(html, 'ul', 'maintainers')).toBe(summary.maintainers.map((m) => `@${m}`).join(' '));
    const months = element(html, 'table', 'data-testid="months"');
    const rows = [...months.matchAll(/<tr data-period="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => [m[1], textOf(m[2]!)]);
    expect(rows).toHaveLength(12);
    const first = addMonths(CLOSED, -11);
    expect(rows[0]).toEqual([first, `${monthName(first)} €0.00 0`]);
    expect(rows[11]).toEqual([CLOSED, `${CLOSED_NAME} ${fmt(summary.lastPeriod!.total)} 2`]);
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="monthly-chart-title">What npm:react received each month, all companies together</title>');
    expect(svg).toContain(`${CLOSED_NAME}: €612.34`);
    // The longest bar is the closed month's (the only one with money).
    expect([...svg.matchAll(/class="bar"[^>]*width="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([...Array(11).fill(2), 300]);
  });

  it('package page: warnings of a package with one inactive maintainer; unencoded slashes are read too', async () => {
    const html = await page(app.url, '/packages/npm%3Asolo-tool');
    expect(testId(html, 'ul', 'warnings')).toBe('No commit, issue activity or release in the last 90 days. A single maintainer (a bus factor of one).');
    expect(testId(html, 'dd', 'monthly-total')).toBe('€0.00');
    expect(html).toContain('href="/projects/solo/tool"');
    const unknown = await page(app.url, '/packages/npm:@types/node', 404);
    expect(testId(unknown, 'p', 'no-package')).toMatch(/^No company funds npm:@types\/node and no repository has opted it in/);
  });

  it('bad or unknown addresses: a page that says what is wrong (400) or how to get there (404), never a stack trace', async () => {
    const bad = await page(app.url, '/packages/react', 400);
    expect(testId(bad, 'p', 'bad-address')).toMatch(/react/);
    expect(testId(bad, 'p', 'bad-address')).toMatch(/npm:/);
    const badRepo = await page(app.url, '/projects/-nope-/x', 400);
    expect(testId(badRepo, 'p', 'bad-address')).toBe('"-nope-/x" is not a GitHub repository; write it as owner/repo or https://github.com/owner/repo.');
    const unknown = await page(app.url, '/projects/nobody/nothing', 404);
    expect(testId(unknown, 'p', 'no-project')).toMatch(/^nobody\/nothing has not opted in to Upkeep and has no wish yet/);
    const never = await page(app.url, '/packages/npm%3Anever-heard-of', 404);
    expect(testId(never, 'p', 'no-package')).toMatch(/^No company funds npm:never-heard-of/);
    for (const body of [bad, badRepo, unknown, never]) expect(body).not.toMatch(/\bat .+\.ts:\d+|Error:/);
  });

  it('the wishes on the pages show what the API says (raised, quote, to go, pledgers)', async () => {
    const { wishes } = await api<{ wishes: ApiWish[] }>(`/api/v1/wishes?repo=${REPO}`);
    const project = await page(app.url, `/projects/${REPO}`);
    const home = await page(app.url, '/');
    for (const w of wishes.filter((x) => x.status === 'quoted')) {
      for (const html of [project, home]) {
        const card = textOf(element(html, 'li', `data-wish="${w.id}"`));
        expect(card).toContain(`${fmt(w.paid)} raised of ${eur(w.quote!.amount)}`);
        expect(card).toContain(`${eur(w.quote!.amount - w.paid.amount)} to go`);
        expect(card).toContain(`${w.pledgers} pledger${w.pledgers === 1 ? '' : 's'}`);
      }
    }
    expect(wishes.find((w) => w.id === CLOSE_WISH)).toMatchObject({ paid: { amount: 18_000 }, pledgers: 2, percent: 60 });
  });

  it('transparency: no public page, wish page, widget or API answer names a company or shows what one company gave', async () => {
    const paths = [
      '/',
      `/projects/${REPO}`,
      `/projects/${SOLO_REPO}`,
      '/packages/npm%3Areact',
      '/packages/npm%3Areact-dom',
      '/packages/npm%3Aleft-pad',
      '/wishes/facebook/react/7',
      '/widget/wishes/facebook/react/7',
      '/api/v1/packages/npm%3Areact',
      '/api/v1/packages/npm%3Aleft-pad',
      `/api/v1/wishes?repo=${REPO}`,
    ];
    const bodies = await Promise.all(
      paths.map(async (p) => {
        const res = await fetch(`${app.url}${p}`);
        expect(res.status, p).toBe(200);
        return [p, await res.text()] as const;
      }),
    );
    // Totals the pages rightly show; a per-company figure equal to one of them cannot be told apart.
    const totals = new Set<number>();
    for (const id of ['npm:react', 'npm:react-dom', 'npm:left-pad']) {
      const s = await api<ApiPackage>(`/api/v1/packages/${encodeURIComponent(id)}`);
      totals.add(s.monthlyTotal.amount).add(s.lastPeriod!.total.amount);
    }
    const secret = [
      ...world.perCompany.map((l) => l.amount),
      COMPANIES.identifiable.budget,
      COMPANIES.anonymous.budget,
    ].filter((a) => !totals.has(a));
    expect(secret.length).toBeGreaterThanOrEqual(6);
    for (const [path, body] of bodies) {
      for (const c of Object.values(COMPANIES)) {
        expect(body, path).not.toContain(c.name);
        expect(body, path).not.toContain(c.name.split(' ')[0]);
      }
      for (const a of secret) for (const form of amountForms(a)) expect(body, `${path} shows ${form}`).not.toContain(form);
    }
    // Controls: the figures searched for are the receipts' (they add up to the public total), and the
    // identifiable company's name is in the system, shown where it belongs: to the maintainers it funds.
    const ids = world.perCompany.filter((l) => l.package === 'npm:react').map((l) => l.amount);
    expect(ids.reduce((a, b) => a + b, 0)).toBe(61_234);
    const s = bare.services;
    const alice = await getMaintainerAccount({ ledger: s.ledger, payments: s.payments, gateway: s.gateway, companies: s.companies, repositories: s.repositories, wishes: s.wishes, clock, currency: 'EUR', login: 'alice' });
    expect(alice.funders).toEqual({ identifiable: [COMPANIES.identifiable.name], anonymous: 1 });
  });

  it('the ledger stays balanced', async () => {
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  });
});

describe('join links (pure)', () => {
  it.each([
    [{ slackInstall: false, githubAppSlug: null, discordApplicationId: null }, { slack: null, github: null, discord: null }],
    [{ slackInstall: true, githubAppSlug: null, discordApplicationId: null }, { slack: 'https://up.example/slack/install', github: null, discord: null }],
    [{ slackInstall: false, githubAppSlug: 'my-app', discordApplicationId: null }, { slack: null, github: 'https://github.com/apps/my-app/installations/new', discord: null }],
    [
      { slackInstall: false, githubAppSlug: null, discordApplicationId: '42' },
      { slack: null, github: null, discord: 'https://discord.com/oauth2/authorize?client_id=42&scope=applications.commands%20bot' },
    ],
  ])('%o', (input, expected) => {
    expect(joinLinks({ publicUrl: 'https://up.example', ...input })).toEqual(expected);
  });

  it('GITHUB_APP_SLUG: read when valid, refused at start-up naming the variable when not', () => {
    expect(loadConfig({ GITHUB_APP_SLUG: 'upkeep-app' }).githubAppSlug).toBe('upkeep-app');
    expect(loadConfig({}).githubAppSlug).toBeNull();
    expect(() => loadConfig({ GITHUB_APP_SLUG: 'not a slug/../x' })).toThrow(/GITHUB_APP_SLUG: must be the App's slug/);
  });
});

describe('closest to funding (pure)', () => {
  const at = new Date('2026-11-01T00:00:00Z');
  const make = (n: number, quoteAmount: number | null, paid: number[]): Wish => {
    let w = unwrap(openWish({ id: `o/r#${n}` as WishId, title: `W${n}`, description: '', requester: 'r', currency: 'EUR', at })).wish;
    if (quoteAmount !== null) w = unwrap(quote(w, { amount: quoteAmount, currency: 'EUR', delayDays: 7, by: 'm', at })).wish;
    paid.forEach((amount, i) => {
      w = unwrap(addPledge(w, { id: `p${n}-${i}`, pledger: { source: 'github', id: `u${i}`, display: `u${i}` }, amount, at })).wish;
      w = unwrap(markPledgePaid(w, `p${n}-${i}`, at)).wish;
    });
    return w;
  };

  it('least left to pay first, not the highest percentage (€60 to go at 80 % before €100 to go at 90 %)', () => {
    const a = make(1, 30_000, [24_000]);
    const b = make(2, 100_000, [90_000]);
    const open = make(3, null, []);
    expect([open, b, a].sort(byClosenessToFunding).map((w) => w.id)).toEqual([a.id, b.id, open.id]);
  });

  it('property: quoted wishes come first, in non-decreasing amount left to pay', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ quote: fc.option(fc.integer({ min: 100, max: 1_000_000 }), { nil: null }), paid: fc.array(fc.integer({ min: 1, max: 50_000 }), { maxLength: 3 }) }), { maxLength: 12 }),
        (specs) => {
          const wishes = specs
            // Paid pledges stay under the quote, so every quoted wish is still collecting.
            .map((s) => ({ ...s, paid: s.quote === null ? s.paid : s.paid.filter((_, j) => s.paid.slice(0, j + 1).reduce((x, y) => x + y, 0) < s.quote!) }))
            .map((s, i) => make(i + 1, s.quote, s.paid));
          const sorted = [...wishes].sort(byClosenessToFunding);
          const rank = sorted.map((w) => (w.status === 'quoted' ? 0 : 1));
          expect(rank).toEqual([...rank].sort());
          const toGo = sorted.filter((w) => w.status === 'quoted').map((w) => w.quote!.amount - w.pledges.reduce((s, p) => s + p.amount, 0));
          expect(toGo).toEqual([...toGo].sort((x, y) => x - y));
        },
      ),
      { numRuns: 60 },
    );
  });
});
