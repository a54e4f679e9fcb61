// Tenancy and roles (issue 14): every command of the one grammar on each surface (Slack slash
// commands, forms and buttons through Bolt; GitHub issue comments through Probot; Discord slash
// commands, buttons and forms) and every route of the HTTP platform, tried by each actor that
// must be refused — another company's admin, a member without admin rights, another
// repository's maintainer, a reader, a workspace without a company, anonymous, a revoked or
// garbage token, an expired, tampered or foreign web session, another browser's CSRF token.
// Each refusal is a clear answer (ephemeral text, an issue comment, an ephemeral Discord reply,
// a 4xx — never a 5xx), leaves every table as it was (all tables of the schema hashed, except
// those that record the attempt itself, named below), and carries no name, package id,
// amount or user id of the other tenant. Each row also has its positive control: the rightful
// actor succeeds, so the matrix can fail. The route table is checked against what the running
// platform serves: a route the matrix does not cover fails the test.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { SUBCOMMANDS, ISSUE_COMMANDS } from '../core/commands/usage.ts';
import { COMMANDS as DISCORD_COMMANDS } from '../bots/discord/commands.ts';
import { ALLOCATION_CALLBACK, IMPORT_CALLBACK, OPEN_ALLOCATION_ACTION, OPEN_IMPORT_ACTION } from '../bots/slack/modals.ts';
import { SETUP_CALLBACK, SETUP_NAME_ACTION, SETUP_NAME_BLOCK } from '../bots/slack/home.ts';
import { WITHDRAW_PLEDGE_ACTION } from '../bots/slack/replies.ts';
import { NOTICE_PLEDGE_CALLBACK, AMOUNT_ACTION, AMOUNT_BLOCK } from '../bots/slack/notice-pledge.ts';
import { parseCompanyCommand, type CompanyCommandType } from '../core/commands/company.ts';
import { MEMBER_PERMISSIONS, MODERATOR_PERMISSIONS, button, dmInteraction, guildInteraction, modalSubmit, slash, subcommand, user, type DiscordUser } from '../dev/fakes/discord-interactions.ts';
import { newTriggerId } from './fakes/slack-api.ts';
import {
  ACME,
  ADMIN_TOKEN,
  changed,
  CLOSED,
  comment,
  expectNoLeak,
  FRESH_TEAMS,
  GLOBEX,
  interact,
  NO_COMPANY_TEAM,
  REQUESTER,
  seedWorld,
  slackSays,
  snapshot,
  startWorld,
  STRIPE_WEBHOOK_SECRET,
  WISHES,
  type Allowance,
  type Tenant,
  type World,
} from './tenancy-support.ts';
import { pageWithCsrf, signInGithub, signInSlack } from './web-support.ts';

/** Written by the attempt itself, whoever makes it: allowed to change on every surface. */
const RECORDS_THE_ATTEMPT: Allowance = {
  inbound_event: { columns: null, why: 'the dedupe log of each delivery (Slack trigger, GitHub delivery, Discord interaction, Stripe event): a redelivery must not be handled twice, refused or not' },
  rate_limit_counter: { columns: null, why: 'attempts counted against the per-user and per-address limits' },
};
/** Written in the background by the in-process worker while a comparison runs: its delivery progress only. */
const WORKER_PROGRESS: Allowance = {
  notification: { columns: ['status', 'attempts', 'last_error', 'delivered_at', 'sending_since', 'message_channel', 'message_id'], why: 'the worker delivering notices recorded before the attempt' },
  wish: { columns: ['status_comment_id'], why: 'the worker remembering the status comment it posted for a notice recorded before' },
  wish_message: { columns: ['state'], why: 'the worker marking /pledge replies paid' },
};
/** A GitHub comment is a comment whatever it asks: the discussion mirror and the activity flag record it. */
const A_COMMENT_HAPPENED: Allowance = {
  wish_comment: { columns: null, why: 'the wish page mirrors every human comment of the issue (the refused command is a comment too)' },
  repository: { columns: ['last_activity_at', 'updated_at'], why: 'an issue comment is activity of the repository (the 90-day flag)' },
};
const ALLOWED: Allowance = { ...RECORDS_THE_ATTEMPT, ...WORKER_PROGRESS };

let w: World;
const counts = { refused: 0, allowed: 0, leakChecks: 0 };

/** Every request the test sent to the platform (method and path): each route of ROUTES must be among them. */
const sent: { method: string; path: string }[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  w = await startWorld();
  await seedWorld(w);
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.origin === w.base) sent.push({ method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(), path: url.pathname });
    return realFetch(input, init);
  }) as typeof fetch;
}, 60_000);
afterAll(async () => {
  globalThis.fetch = realFetch;
  console.log(`tenancy matrix: ${counts.refused} refused attempts (tables compared), ${counts.allowed} positive controls, ${counts.leakChecks} replies checked for the other tenant's data`);
  await w?.close();
});

/** Runs a refused attempt: the reply passes `check`, names nothing of `others`, and no table changes. */
async function refused<R extends { text: string }>(label: string, others: readonly Tenant[], run: () => Promise<R>, check: (r: R) => void, allow: Allowance = {}): Promise<R> {
  const before = await snapshot(w, { ...ALLOWED, ...allow });
  const r = await run();
  check(r);
  for (const t of others) expectNoLeak(r.text, t, label);
  counts.leakChecks += others.length > 0 ? 1 : 0;
  expect(changed(before, await snapshot(w, { ...ALLOWED, ...allow })), `${label}: tables written by a refused attempt`).toEqual([]);
  counts.refused++;
  return r;
}

/** Runs a positive control: it passes `check` and names nothing of `others`; answers the tables it changed. */
async function allowed<R extends { text: string }>(label: string, others: readonly Tenant[], run: () => Promise<R>, check: (r: R, tables: string[]) => void, allow: Allowance = {}, leak: { packages?: boolean } = {}): Promise<R> {
  const before = await snapshot(w, { ...ALLOWED, ...allow });
  const r = await run();
  const tables = changed(before, await snapshot(w, { ...ALLOWED, ...allow }));
  check(r, tables);
  for (const t of others) expectNoLeak(r.text, t, label, leak);
  counts.leakChecks += others.length > 0 ? 1 : 0;
  counts.allowed++;
  return r;
}

const BOTH = [ACME, GLOBEX] as const;

// ---- the web ----------------------------------------------------------------------------------

interface Http {
  status: number;
  text: string;
  headers: Headers;
}
const get = async (path: string, headers: Record<string, string> = {}): Promise<Http> => {
  const res = await fetch(`${w.base}${path}`, { redirect: 'manual', headers: { accept: 'text/html', ...headers } });
  return { status: res.status, text: await res.text(), headers: res.headers };
};
const post = async (path: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Http> => {
  const res = await fetch(`${w.base}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, text: await res.text(), headers: res.headers };
};
const status = (...expected: number[]) => (r: Http) => {
  expect(expected, `answered ${r.status}: ${r.text.slice(0, 300)}`).toContain(r.status);
};

interface Web {
  anonymous: string;
  acmeAdmin: string;
  acmeMember: string;
  globexAdmin: string;
  globexMember: string;
  outsider: string;
  alice: string;
  bob: string;
  expired: string;
  tampered: string;
}
let web: Web;
/** A page's CSRF token with the cookie that goes with it, for `who`. */
const csrf = (who: string, path = '/company') => pageWithCsrf(`${w.base}${path}`, who);

/** How the matrix reaches each route the platform serves: one entry per route (method and path pattern). */
const ROUTES: Record<string, string> = {
  'GET /healthz': 'public',
  '* /discord/interactions': 'unsigned refused here; signed, every command below',
  '* /github/webhooks': 'unsigned refused here; signed, every command below',
  '* /slack/events': 'unsigned refused here; signed, every command, form and button below',
  '* /slack/install': 'public: starts the OAuth installation',
  '* /slack/oauth_redirect': 'a forged state is refused',
  'GET /auth/github': 'public: starts the sign-in',
  'GET /auth/github/callback': 'a forged state is refused; the real flow signs in',
  'GET /auth/slack': 'public: starts the sign-in',
  'GET /auth/slack/callback': 'a forged state and a workspace without the app are refused',
  'POST /auth/logout': 'CSRF',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/': 'public',
  'GET /api/docs/js/scalar.js': 'public',
  'GET /api/v1/packages/:id': 'public aggregates',
  'GET /api/v1/packages/*': 'public aggregates',
  'GET /api/v1/company/receipts': 'company token',
  'GET /api/v1/wishes': 'public',
  'GET /api/v1/wishes/:owner/:repo/:number': 'public',
  'GET /widget/wishes/:owner/:repo/:number': 'public',
  'GET /og/wishes/:owner/:repo/:number': 'public',
  'GET /badge/wishes/:owner/:repo/:number': 'public',
  'GET /badge/packages/*': 'public',
  'GET /': 'public',
  'GET /projects/:owner/:repo': 'public',
  'GET /packages/:id': 'public',
  'GET /packages/*': 'public',
  'GET /wishes/:owner/:repo/:number': 'public',
  'POST /wishes/:owner/:repo/:number/pledge': 'CSRF (guests may pledge)',
  'GET /account': 'maintainer session',
  'POST /account/payouts': 'maintainer session and CSRF',
  'GET /company': 'company session',
  'POST /company/billing': 'company admin and CSRF',
  'POST /company/tokens': 'company admin and CSRF',
  'POST /company/tokens/:id/revoke': 'company admin, CSRF, its own company’s token',
  'POST /company/visibility': 'company admin and CSRF',
  'GET /company/receipts/:file': 'company session',
  'GET /billing/done': 'any session',
  'GET /api/v1/me': 'maintainer session',
  'POST /stripe/webhooks': 'Stripe signature',
  'GET /slack-downloads/*': 'signed, expiring link',
  'POST /admin/periods/:period/close': 'operator token',
  'GET /admin/jobs': 'operator token',
};

describe('the route table', () => {
  it('covers every route the running platform serves, and serves every route it covers', () => {
    const served = new Map<string, Set<string>>();
    for (const r of w.http.routes()) served.set(r.url, (served.get(r.url) ?? new Set()).add(r.method));
    const keys = [...served].flatMap(([url, methods]) =>
      // A mount takes every method; Fastify adds HEAD to each GET.
      methods.has('PUT') && methods.has('DELETE') ? [`* ${url}`] : [...methods].filter((m) => m !== 'HEAD').map((m) => `${m} ${url}`),
    );
    expect(keys.filter((k) => !(k in ROUTES)), 'routes served that the tenancy matrix does not cover: add them to ROUTES and try them below').toEqual([]);
    expect(Object.keys(ROUTES).filter((k) => !keys.includes(k)), 'routes of the matrix the platform no longer serves').toEqual([]);
    console.log(`tenancy matrix: ${keys.length} routes served, all covered`);
  });

  it('matches the paths of the OpenAPI document', async () => {
    const doc = JSON.parse((await get('/api/openapi.json')).text) as { paths: Record<string, unknown> };
    for (const path of Object.keys(doc.paths)) {
      const pattern = `GET ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      expect(pattern in ROUTES || `GET ${path.replace(/\{id\}/, ':id')}` in ROUTES, path).toBe(true);
    }
  });
});

describe('HTTP routes × actors', () => {
  let acmeToken = '';
  let revokedToken = '';
  let globexToken = '';
  const bearer = (t: string) => ({ authorization: `Bearer ${t}`, accept: 'application/json' });

  beforeAll(async () => {
    web = {
      anonymous: '',
      acmeAdmin: await signInSlack(w.base, w.fakes, { team: ACME.team, user: ACME.admin, name: 'Ada' }),
      acmeMember: await signInSlack(w.base, w.fakes, { team: ACME.team, user: ACME.member, name: 'Max' }),
      globexAdmin: await signInSlack(w.base, w.fakes, { team: GLOBEX.team, user: GLOBEX.admin, name: 'Gus' }),
      globexMember: await signInSlack(w.base, w.fakes, { team: GLOBEX.team, user: GLOBEX.member, name: 'Mia' }),
      outsider: await signInSlack(w.base, w.fakes, { team: NO_COMPANY_TEAM, user: 'UOUTSIDER', name: 'Olga' }),
      alice: await signInGithub(w.base, w.fakes, ACME.maintainer),
      bob: await signInGithub(w.base, w.fakes, GLOBEX.maintainer),
      expired: '',
      tampered: '',
    };
    // A session signed in 25 hours ago (sessions last 24): the clock the sealing reads is faked for the sign-in only.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 25 * 3600 * 1000 });
    try {
      web.expired = await signInGithub(w.base, w.fakes, ACME.maintainer);
    } finally {
      vi.useRealTimers();
    }
    web.tampered = web.acmeAdmin.replace(/(upkeep_session=[^;]{12})(.)/, (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'));
    const tokenOf = async (who: string, name: string) => {
      const { token, cookie } = await csrf(who);
      const html = (await post('/company/tokens', cookie, { _csrf: token, name })).text;
      return /data-testid="new-token">(upk_[\w-]{43})</.exec(html)![1]!;
    };
    acmeToken = await tokenOf(web.acmeAdmin, 'finance');
    revokedToken = await tokenOf(web.acmeAdmin, 'old');
    globexToken = await tokenOf(web.globexAdmin, 'globex finance');
    const id = (await w.services.companies.listTokens(w.ids.acme)).find((t) => t.name === 'old')!.id;
    await w.services.companies.revokeToken(w.ids.acme, id, new Date());
  }, 60_000);

  it('public routes answer anyone, with aggregates only: no company name, user id or budget of either tenant', async () => {
    const paths = [
      '/healthz',
      '/api/openapi.json',
      '/api/docs',
      '/api/docs/',
      `/api/v1/packages/${encodeURIComponent(ACME.package)}`,
      `/api/v1/wishes?repo=${ACME.repo}`,
      `/api/v1/wishes/${ACME.repo}/1`,
      `/widget/wishes/${ACME.repo}/1`,
      `/widget/wishes/${ACME.repo}/1.svg`,
      `/badge/wishes/${ACME.repo}/1.json`,
      `/badge/packages/${ACME.package}.json`,
      '/',
      `/projects/${ACME.repo}`,
      `/projects/${GLOBEX.repo}`,
      `/packages/${encodeURIComponent(ACME.package)}`,
      `/packages/${GLOBEX.package}`,
      `/wishes/${ACME.repo}/1`,
      '/slack/install',
      '/auth/github',
      '/auth/slack',
    ];
    for (const path of paths) {
      for (const who of [web.anonymous, web.globexAdmin]) {
        await allowed(`GET ${path}`, BOTH, () => get(path, { cookie: who }), (r, tables) => {
          expect(r.status, path).toBeLessThan(400);
          expect(tables, path).toEqual([]);
        }, {}, { packages: false });
      }
    }
    // The docs' script and the share image are public too (binary or bundled: checked for status only).
    expect((await get('/api/docs/js/scalar.js')).status).toBe(200);
    expect((await get(`/og/wishes/${ACME.repo}/1.png`)).status).toBe(200);
    // The private packages' own public aggregates name no company either.
    const pkg = JSON.parse((await get(`/api/v1/packages/${encodeURIComponent(GLOBEX.privatePackages[0]!)}`, { accept: 'application/json' })).text);
    expect(pkg.fundingCompanies).toBe(1);
  });

  it('GET /api/v1/company/receipts: refused without a token, with a revoked, garbage or operator token, or a session; a token reads its own company only', async () => {
    const path = `/api/v1/company/receipts?period=${CLOSED}`;
    for (const [label, headers] of [
      ['no token', { accept: 'application/json' }],
      ['a revoked token', bearer(revokedToken)],
      ['a garbage token', bearer(`upk_${'x'.repeat(43)}`)],
      ['a token with one character changed', bearer(acmeToken.slice(0, -1) + (acmeToken.endsWith('A') ? 'B' : 'A'))],
      ['the operator token', bearer(ADMIN_TOKEN)],
      ['a company admin session without a token', { cookie: web.acmeAdmin, accept: 'application/json' }],
    ] as const) {
      await refused(`receipts with ${label}`, BOTH, () => get(path, headers), (r) => {
        status(401)(r);
        expect(JSON.parse(r.text).error.code).toBe('unauthorized');
      });
    }
    await allowed('receipts with Acme’s token', [GLOBEX], () => get(path, bearer(acmeToken)), (r) => {
      status(200)(r);
      expect(JSON.parse(r.text).company).toBe(ACME.name);
    });
    await allowed('receipts with Globex’s token', [ACME], () => get(path, bearer(globexToken)), (r) => {
      status(200)(r);
      expect(JSON.parse(r.text).company).toBe(GLOBEX.name);
    });
  });

  it('GET /account and /api/v1/me: only a maintainer session, and only its own login', async () => {
    for (const [label, who] of [
      ['anonymous', web.anonymous],
      ['a company admin (Slack session)', web.acmeAdmin],
      ['an expired maintainer session', web.expired],
      ['a tampered session', web.tampered],
    ] as const) {
      await refused(`GET /account as ${label}`, BOTH, () => get('/account', { cookie: who }), status(401));
      await refused(`GET /api/v1/me as ${label}`, BOTH, () => get('/api/v1/me', { cookie: who, accept: 'application/json' }), status(401));
    }
    await allowed('GET /account as alice', [GLOBEX], () => get('/account', { cookie: web.alice }), (r) => {
      status(200)(r);
      expect(r.text).toContain(ACME.name); // Acme chose to be identifiable to the maintainers it funds
    });
    await allowed('GET /api/v1/me as bob', [ACME], () => get('/api/v1/me', { cookie: web.bob, accept: 'application/json' }), (r) => {
      status(200)(r);
      const me = JSON.parse(r.text);
      expect(me.login).toBe(GLOBEX.maintainer);
      expect(me.funders.identifiable).toEqual([GLOBEX.name]);
      expect(r.text).not.toContain(ACME.repo);
    });
  });

  it('POST /account/payouts: only the maintainer, with their own CSRF token', async () => {
    const alice = await csrf(web.alice, '/account');
    const bob = await csrf(web.bob, '/account');
    const admin = await csrf(web.acmeAdmin);
    await refused('payouts without a session', BOTH, () => post('/account/payouts', '', { _csrf: alice.token }), status(401, 403));
    await refused('payouts without a CSRF token', BOTH, () => post('/account/payouts', alice.cookie, {}), status(403));
    await refused('payouts with another maintainer’s CSRF token', BOTH, () => post('/account/payouts', alice.cookie, { _csrf: bob.token }), status(403));
    await refused('payouts as a company admin', BOTH, () => post('/account/payouts', admin.cookie, { _csrf: admin.token }), status(401, 403));
    await refused('payouts with an expired session', BOTH, () => post('/account/payouts', web.expired, { _csrf: alice.token }), status(401, 403));
    await allowed('payouts as alice', BOTH, () => post('/account/payouts', alice.cookie, { _csrf: alice.token }), (r, tables) => {
      status(303)(r);
      expect(r.headers.get('location')).toMatch(/^https:\/\//);
      expect(tables).toContain('maintainer_account');
    });
  });

  it('GET /company and its receipts: a signed-in Slack user sees their own company only', async () => {
    for (const path of ['/company', `/company/receipts/${CLOSED}.csv`, `/company/receipts/${CLOSED}.json`]) {
      await refused(`${path} anonymous`, BOTH, () => get(path), status(401));
      await refused(`${path} as a maintainer`, BOTH, () => get(path, { cookie: web.alice }), status(401));
      await refused(`${path} with a tampered session`, BOTH, () => get(path, { cookie: web.tampered }), status(401));
      await refused(`${path} from a workspace without a company`, BOTH, () => get(path, { cookie: web.outsider }), status(404));
      await allowed(`${path} as an Acme member`, [GLOBEX], () => get(path, { cookie: web.acmeMember }), (r) => {
        status(200)(r);
        expect(r.text).toMatch(new RegExp(`${ACME.name}|${ACME.privatePackages[0]}`));
      });
      await allowed(`${path} as a Globex admin`, [ACME], () => get(path, { cookie: web.globexAdmin }), (r) => {
        status(200)(r);
        expect(r.text).toMatch(new RegExp(`${GLOBEX.name}|${GLOBEX.privatePackages[0]}`));
      });
    }
    await allowed('/billing/done as a Globex admin', [ACME], () => get('/billing/done', { cookie: web.globexAdmin }), (r) => status(200)(r));
  });

  it('the company forms: refused for a member, a maintainer, anonymous, without or with a foreign CSRF token, from a workspace without a company', async () => {
    const member = await csrf(web.acmeMember);
    const admin = await csrf(web.acmeAdmin);
    const globex = await csrf(web.globexAdmin);
    const outsider = await csrf(web.outsider, '/billing/done');
    const maintainer = await csrf(web.alice, '/account');
    const forms: [string, Record<string, string>][] = [
      ['/company/visibility', { visibility: 'anonymous' }],
      ['/company/tokens', { name: 'stolen' }],
      ['/company/billing', {}],
    ];
    const acmeTokenId = (await w.services.companies.listTokens(w.ids.acme)).find((t) => t.name === 'finance')!.id;
    forms.push([`/company/tokens/${acmeTokenId}/revoke`, {}]);
    for (const [path, fields] of forms) {
      await refused(`${path} as an Acme member`, [GLOBEX], () => post(path, member.cookie, { _csrf: member.token, ...fields }), (r) => {
        status(403)(r);
        expect(r.text).toContain('Nothing was changed.');
      });
      await refused(`${path} anonymous`, BOTH, () => post(path, '', { _csrf: admin.token, ...fields }), status(401, 403));
      await refused(`${path} as a maintainer`, BOTH, () => post(path, maintainer.cookie, { _csrf: maintainer.token, ...fields }), status(401, 403));
      await refused(`${path} without a CSRF token`, [GLOBEX], () => post(path, admin.cookie, fields), status(403));
      await refused(`${path} with Globex’s admin’s CSRF token`, [GLOBEX], () => post(path, admin.cookie, { _csrf: globex.token, ...fields }), status(403));
      await refused(`${path} from a workspace without a company`, BOTH, () => post(path, outsider.cookie, { _csrf: outsider.token, ...fields }), status(404));
    }
    // Another company's admin, with a valid session and token of their own, names Acme's token.
    await refused('Globex’s admin revokes Acme’s token', [ACME], () => post(`/company/tokens/${acmeTokenId}/revoke`, globex.cookie, { _csrf: globex.token }), status(404));
    expect((await get(`/api/v1/company/receipts?period=${CLOSED}`, bearer(acmeToken))).status).toBe(200);

    await allowed('/company/visibility as Acme’s admin', [GLOBEX], () => post('/company/visibility', admin.cookie, { _csrf: admin.token, visibility: 'identifiable' }), status(303));
    await allowed('/company/billing as Acme’s admin', [GLOBEX], () => post('/company/billing', admin.cookie, { _csrf: admin.token }), (r) => {
      status(303)(r);
      expect(r.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    });
    const made = await allowed('/company/tokens as Acme’s admin', [GLOBEX], () => post('/company/tokens', admin.cookie, { _csrf: admin.token, name: 'disposable' }), (r, tables) => {
      status(200)(r);
      expect(tables).toEqual(['api_token']);
    });
    expect(made.text).toMatch(/data-testid="new-token">upk_/);
    const disposable = (await w.services.companies.listTokens(w.ids.acme)).find((t) => t.name === 'disposable')!.id;
    await allowed('revoke as Acme’s admin', [GLOBEX], () => post(`/company/tokens/${disposable}/revoke`, admin.cookie, { _csrf: admin.token }), (r, tables) => {
      status(303)(r);
      expect(tables).toEqual(['api_token']);
    });
  });

  it('POST /wishes/…/pledge: guests may pledge, but only with the CSRF token of their own browser', async () => {
    const path = `/wishes/${ACME.repo}/1/pledge`;
    const guest = await pageWithCsrf(`${w.base}/wishes/${ACME.repo}/1`);
    const other = await pageWithCsrf(`${w.base}/wishes/${ACME.repo}/1`);
    await refused('a web pledge without a CSRF token', BOTH, () => post(path, guest.cookie, { amount: '5' }), status(403));
    await refused('a web pledge with another browser’s CSRF token', BOTH, () => post(path, guest.cookie, { amount: '5', _csrf: other.token }), status(403));
    await allowed('a guest’s web pledge', BOTH, () => post(path, guest.cookie, { amount: '5', _csrf: guest.token }), (r, tables) => {
      status(303)(r);
      expect(tables).toContain('wish');
    });
  });

  it('POST /auth/logout, the sign-in callbacks and the Slack OAuth redirect refuse what is not theirs', async () => {
    const mine = await csrf(web.acmeMember);
    const theirs = await csrf(web.globexMember);
    await refused('logout without a CSRF token', [], () => post('/auth/logout', mine.cookie, {}), status(403));
    await refused('logout with another session’s CSRF token', [], () => post('/auth/logout', mine.cookie, { _csrf: theirs.token }), status(403));
    await refused('GitHub callback with a forged state', BOTH, () => get('/auth/github/callback?code=c&state=forged-state-0123456789'), status(400, 403));
    await refused('Slack callback with a forged state', BOTH, () => get('/auth/slack/callback?code=c&state=forged-state-0123456789'), status(400, 403));
    await refused('Slack OAuth redirect with a forged state', BOTH, () => get('/slack/oauth_redirect?code=c&state=forged'), (r) => {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    });
    // A workspace that never installed the app cannot sign in.
    w.fakes.slack.signInAs({ teamId: 'T0NEVER', userId: 'UNEVER', name: null, enterpriseId: null });
    const start = await fetch(`${w.base}/auth/slack`, { redirect: 'manual' });
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    await refused('Slack sign-in from a workspace without the app', BOTH, () => get(new URL(consent.headers.get('location')!).pathname + new URL(consent.headers.get('location')!).search, { cookie }), status(403));
    await allowed('logout with its own CSRF token', [], () => post('/auth/logout', mine.cookie, { _csrf: mine.token }), (r) => {
      status(303)(r);
      expect(r.headers.getSetCookie().some((c) => /^upkeep_session=;/.test(c))).toBe(true);
    });
  });

  it('the operator routes: refused without the operator token, with a wrong one or a company token', async () => {
    for (const [method, path] of [
      ['POST', `/admin/periods/${CLOSED}/close`],
      ['GET', '/admin/jobs'],
    ] as const) {
      for (const [label, headers] of [
        ['no token', {}],
        ['a wrong token', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
        ['a company token', { authorization: `Bearer ${acmeToken}` }],
        ['a company admin session', { cookie: web.acmeAdmin }],
      ] as const) {
        await refused(`${method} ${path} with ${label}`, BOTH, async () => {
          const res = await fetch(`${w.base}${path}`, { method, headers });
          return { status: res.status, text: await res.text(), headers: res.headers };
        }, status(401, 404));
      }
      await allowed(`${method} ${path} with the operator token`, BOTH, async () => {
        const res = await fetch(`${w.base}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return { status: res.status, text: await res.text(), headers: res.headers };
      }, (r) => expect(r.status).toBeLessThan(300));
    }
  });

  it('the webhooks: unsigned or wrongly signed deliveries are refused and change nothing', async () => {
    const body = JSON.stringify({ type: 1, id: '1', application_id: '1', token: 't', version: 1 });
    const raw = (path: string, headers: Record<string, string>, payload = body) => async () => {
      const res = await fetch(`${w.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
      return { status: res.status, text: await res.text(), headers: res.headers };
    };
    await refused('Discord unsigned', BOTH, raw('/discord/interactions', {}), status(401));
    await refused('GitHub unsigned', BOTH, raw('/github/webhooks', { 'x-github-event': 'issue_comment', 'x-github-delivery': 'd-1' }), status(401));
    await refused('Slack unsigned', BOTH, raw('/slack/events', {}, `team_id=${ACME.team}&user_id=${ACME.admin}&command=%2Fupkeep&text=token`), status(401));
    const event = JSON.stringify(w.stripe.event('customer.created', { id: 'cus_tenancy', object: 'customer' }));
    const signer = new Stripe('sk_test_signer_only');
    await refused('Stripe signed with another secret', BOTH, raw('/stripe/webhooks', { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload: event, secret: 'whsec_other' }) }, event), status(400));
    await allowed('Stripe signed', BOTH, raw('/stripe/webhooks', { 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload: event, secret: STRIPE_WEBHOOK_SECRET }) }, event), status(200));
  });
});

// ---- Slack ------------------------------------------------------------------------------------

interface SlackActor {
  label: string;
  team: string;
  user: string;
  /** Whose data the actor may legitimately read. */
  own: Tenant | null;
}
const acmeAdmin: SlackActor = { label: 'Acme’s admin', team: ACME.team, user: ACME.admin, own: ACME };
const acmeMember: SlackActor = { label: 'an Acme member (not admin)', team: ACME.team, user: ACME.member, own: ACME };
const globexAdminInAcme: SlackActor = { label: 'Globex’s admin inside Acme’s workspace', team: ACME.team, user: GLOBEX.admin, own: ACME };
const globexAdmin: SlackActor = { label: 'Globex’s admin', team: GLOBEX.team, user: GLOBEX.admin, own: GLOBEX };
const globexMember: SlackActor = { label: 'a Globex member', team: GLOBEX.team, user: GLOBEX.member, own: GLOBEX };
const outsider: SlackActor = { label: 'a workspace without a company', team: NO_COMPANY_TEAM, user: 'UOUTSIDER', own: null };
const fresh = (i: 0 | 1): SlackActor => ({ label: 'a new workspace', team: FRESH_TEAMS[i], user: 'UFOUNDER', own: null });
const othersOf = (a: SlackActor): Tenant[] => BOTH.filter((t) => t !== a.own);

const NOT_ADMIN = /Only company admins/;
const NO_COMPANY = /This workspace has no company yet/;
const refusalFor = (a: SlackActor): RegExp => (a.own === null ? NO_COMPANY : NOT_ADMIN);

interface SlackRow {
  /** The command as the refused actors type it. */
  text: string;
  refusedBy: SlackActor[];
  /** The expected refusal, when not the actor's default (not an admin / no company). */
  refusal?: RegExp;
  /** The positive control: who, what they type (default `text`), what they read back. */
  by: SlackActor;
  ok?: string;
  success: RegExp;
  /** The table the positive control must write (commands that change something). */
  writes?: string;
  /** A reader of another tenant (or an outsider) runs the same command: their answer holds nothing of the first tenant. */
  isolation?: SlackActor[];
}

const WRITERS = [acmeMember, globexAdminInAcme, outsider];
const ACME_DEPS = `npm:north-lib=34 ${ACME.privatePackages[0]}=33 ${ACME.privatePackages[1]}=33`;

/** Every company command of the grammar; the keys are the parser's command types, so a new command fails the typecheck until it has a row. */
const SLACK_COMMANDS: Record<CompanyCommandType, SlackRow[]> = {
  setup: [{ text: 'setup Hijack Inc', refusedBy: [acmeMember, globexAdminInAcme], refusal: /already has a company/, by: fresh(0), ok: 'setup Fresh Start Ltd', success: /Fresh Start Ltd/, writes: 'company' }],
  budget: [{ text: 'budget 99', refusedBy: WRITERS, by: acmeAdmin, ok: 'budget 1,234', success: /€1,234\.00/ }],
  deps_add: [{ text: 'deps add npm:acme-private-extra', refusedBy: WRITERS, by: acmeAdmin, success: /npm:acme-private-extra/, writes: 'dependency' }],
  deps_remove: [{ text: 'deps remove npm:acme-private-extra', refusedBy: WRITERS, by: acmeAdmin, success: /npm:acme-private-extra/, writes: 'dependency' }],
  deps_list: [{ text: 'deps list', refusedBy: [outsider], by: acmeMember, success: /npm:acme-private-rocketry/, isolation: [globexMember] }],
  deps_import: [{ text: 'deps import', refusedBy: WRITERS, by: acmeAdmin, success: /views\.open|"type":"modal"|manifest/ }],
  own: [{ text: 'own npm:acme-private-own', refusedBy: WRITERS, by: acmeAdmin, success: /npm:acme-private-own/, writes: 'owned_package' }],
  own_remove: [{ text: 'own remove npm:acme-private-own', refusedBy: WRITERS, by: acmeAdmin, success: /npm:acme-private-own/, writes: 'owned_package' }],
  allocate: [
    { text: `allocate ${ACME_DEPS}`, refusedBy: WRITERS, by: acmeAdmin, success: /34/, writes: 'allocation' },
    { text: 'allocate', refusedBy: WRITERS, by: acmeAdmin, success: /"type":"modal"/ },
  ],
  status: [{ text: 'status', refusedBy: [outsider], by: acmeMember, success: new RegExp(ACME.name), isolation: [globexMember] }],
  history: [{ text: 'history', refusedBy: [outsider], by: acmeMember, success: /November 2026|2026-11/, isolation: [globexMember] }],
  receipt: [{ text: `receipt ${CLOSED}`, refusedBy: [outsider], by: acmeMember, success: /npm:acme-private-rocketry/, isolation: [globexMember] }],
  export: [
    { text: 'export', refusedBy: [outsider], by: acmeMember, success: /slack-downloads/, isolation: [globexMember] },
    { text: `export ${CLOSED}`, refusedBy: [outsider], by: acmeMember, success: /slack-downloads/, isolation: [globexMember] },
  ],
  visibility: [{ text: 'visibility anonymous', refusedBy: WRITERS, by: acmeAdmin, ok: 'visibility identifiable', success: /identifiable/ }],
  token: [{ text: 'token', refusedBy: WRITERS, by: globexAdmin, success: /shown once/, writes: 'api_token' }],
  billing: [{ text: 'billing', refusedBy: WRITERS, by: acmeAdmin, success: /checkout\.stripe\.test/ }],
  wishes: [{ text: `wishes ${ACME.repo}`, refusedBy: [], by: outsider, success: /Dark mode/, isolation: [globexMember] }],
  pledge: [{ text: `pledge ${WISHES.quoted} 5`, refusedBy: [], by: acmeMember, success: /checkout\.stripe\.test/, writes: 'wish' }],
  pledge_withdraw: [{ text: `pledge withdraw ${WISHES.quoted}`, refusedBy: [globexMember, acmeAdmin], refusal: /no unpaid pledge|nothing to withdraw|have no|You have not/i, by: acmeMember, success: /withdr/i, writes: 'wish' }],
  pledges: [{ text: 'pledges', refusedBy: [], by: globexMember, success: /pledge/i, isolation: [acmeAdmin] }],
  subscribe: [{ text: `subscribe ${ACME.repo}`, refusedBy: [acmeMember, globexAdminInAcme], by: acmeAdmin, success: new RegExp(ACME.repo), writes: 'subscription' }],
  subscriptions: [{ text: 'subscriptions', refusedBy: [], by: acmeMember, success: new RegExp(ACME.repo), isolation: [globexMember] }],
  unsubscribe: [{ text: `unsubscribe ${ACME.repo}`, refusedBy: [acmeMember, globexAdminInAcme], by: acmeAdmin, success: new RegExp(ACME.repo), writes: 'subscription' }],
  admin_grant: [{ text: `admin grant <@${GLOBEX.admin}>`, refusedBy: WRITERS, by: acmeAdmin, ok: 'admin grant <@UACMETHIRD>', success: /admin/, writes: 'member' }],
  help: [{ text: 'help', refusedBy: [], by: outsider, success: /setup/, isolation: [globexMember] }],
};

describe('Slack /upkeep × actors', () => {
  const rows = Object.entries(SLACK_COMMANDS).flatMap(([type, list]) => list.map((row) => ({ type, ...row })));

  beforeAll(() => {
    w.advance(61_000); // a fresh rate-limit window for the chat surfaces
  });

  it('has a row for every subcommand of the grammar, each parsed as its row says', () => {
    const heads = new Set(rows.map((r) => r.text.split(' ')[0]));
    expect(SUBCOMMANDS.filter((s) => !heads.has(s))).toEqual([]);
    for (const r of rows) {
      const parsed = parseCompanyCommand(r.text.replace(/<@(\w+)>/, '<@$1>'), 'EUR');
      expect(parsed.ok && parsed.value.type, r.text).toBe(r.type);
    }
  });

  it.each(rows.map((r) => [r.text, r] as const))('%s', async (_text, row) => {
    const say = (a: SlackActor, text: string) => slackSays(w, () => w.slack.command(a.team, a.user, text, { channel: `C0${a.team.slice(2)}` }));
    for (const actor of row.refusedBy) {
      await refused(`/upkeep ${row.text} by ${actor.label}`, othersOf(actor), () => say(actor, row.text), (r) => {
        expect(r.status).toBe(200);
        expect(r.text, `${actor.label}: ${r.text.slice(0, 600)}`).toMatch(row.refusal ?? refusalFor(actor));
        expect(r.ephemeral, 'only the actor sees a refusal').toBe(true);
      });
    }
    for (const reader of row.isolation ?? []) {
      await allowed(`/upkeep ${row.text} by ${reader.label}`, othersOf(reader), () => say(reader, row.text), (r) => expect(r.status).toBe(200));
    }
    await allowed(`/upkeep ${row.ok ?? row.text} by ${row.by.label}`, othersOf(row.by), () => say(row.by, row.ok ?? row.text), (r, tables) => {
      expect(r.status).toBe(200);
      if (row.writes) expect(tables, 'what the rightful actor changed').toContain(row.writes);
      expect(r.text).not.toMatch(NOT_ADMIN);
      expect(r.text).toMatch(row.success);
    });
  });
});

describe('Slack from a workspace that never installed the app', () => {
  it.each(['status', 'token', `receipt ${CLOSED}`])('/upkeep %s gets no answer with anyone’s data and writes nothing', async (text) => {
    await refused(`/upkeep ${text} from a workspace without the app`, BOTH, () => slackSays(w, () => w.slack.command('T0NEVER', 'UNEVER', text)), (r) => {
      expect(r.status).toBeLessThan(500);
      expect(r.text.trim(), 'no answer at all').toBe('');
    });
  });
});

describe('Slack forms and buttons × actors', () => {
  const points = (typed: Record<string, string>) => Object.fromEntries(Object.entries(typed).map(([pkg, v]) => [`p:${pkg}`, { points: { type: 'number_input', value: v } }]));
  const allocation = points({ 'npm:north-lib': '34', [ACME.privatePackages[0]!]: '33', [ACME.privatePackages[1]!]: '33' });
  const manifest = { manifest: { text: { type: 'plain_text_input', value: '{"dependencies":{"left-pad":"1"}}' } } };
  const submit = (a: SlackActor, callback: string, values: Record<string, Record<string, unknown>>) => () => slackSays(w, () => w.slack.submitView(a.team, a.user, { callback_id: callback, id: `V${newTriggerId().replace(/\D/g, '')}` }, values));
  const click = (a: SlackActor, actionId: string, value?: string) => () =>
    slackSays(w, () =>
      w.slack.interaction({
        type: 'block_actions',
        team: { id: a.team, domain: a.team.toLowerCase() },
        user: { id: a.user, username: a.user.toLowerCase(), team_id: a.team },
        api_app_id: 'A0UPKEEP',
        token: 'unused',
        trigger_id: newTriggerId(),
        response_url: w.fakes.slackApi.responseUrl(newTriggerId()),
        container: { type: 'message' },
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: String(Date.now() / 1000), ...(value ? { value } : {}), text: { type: 'plain_text', text: 'x' } }],
      }),
    );

  it.each([
    ['the allocation form', ALLOCATION_CALLBACK, allocation],
    ['the import form', IMPORT_CALLBACK, manifest],
  ] as const)('%s: refused for a member, Globex’s admin in Acme, a workspace without a company; Acme’s admin submits it', async (_label, callback, values) => {
    for (const actor of WRITERS) {
      await refused(`${callback} by ${actor.label}`, othersOf(actor), submit(actor, callback, values), (r) => {
        expect(r.text).toMatch(refusalFor(actor));
        expect(r.text).toContain('"response_action":"errors"');
      });
    }
    await allowed(`${callback} by Acme’s admin`, [GLOBEX], submit(acmeAdmin, callback, values), (r, tables) => {
      expect(r.text).not.toMatch(NOT_ADMIN);
      expect(tables.some((t) => ['allocation', 'dependency'].includes(t)), `${callback} changed ${tables}`).toBe(true);
    });
  });

  it('the App Home setup form: refused in a workspace that has a company; a new workspace sets up', async () => {
    const values = { [SETUP_NAME_BLOCK]: { [SETUP_NAME_ACTION]: { type: 'plain_text_input', value: 'Takeover Ltd' } } };
    for (const actor of [acmeMember, globexAdminInAcme]) {
      await refused(`setup form by ${actor.label}`, [GLOBEX], submit(actor, SETUP_CALLBACK, values), (r) => expect(r.text).toMatch(/already has a company/));
    }
    await allowed('setup form in a new workspace', BOTH, submit(fresh(1), SETUP_CALLBACK, values), (_r, tables) => expect(tables).toContain('company'));
  });

  it('the App Home buttons that open the forms: refused for a member and an outsider; Acme’s admin gets the form', async () => {
    for (const action of [OPEN_ALLOCATION_ACTION, OPEN_IMPORT_ACTION]) {
      for (const actor of WRITERS) {
        await refused(`${action} by ${actor.label}`, othersOf(actor), async () => {
          // Acknowledged at once; the refusal then opens a small form that says why.
          const seen = w.fakes.slackApi.calls.length;
          await click(actor, action)();
          const call = await w.fakes.slackApi.waitFor((c) => w.fakes.slackApi.calls.indexOf(c) >= seen && c.method === 'views.open');
          return { text: JSON.stringify(call.params) };
        }, (r) => expect(r.text).toMatch(refusalFor(actor)));
      }
      await allowed(`${action} by Acme’s admin`, [GLOBEX], async () => {
        const seen = w.fakes.slackApi.calls.length;
        await click(acmeAdmin, action)();
        const call = await w.fakes.slackApi.waitFor((c) => w.fakes.slackApi.calls.indexOf(c) >= seen && c.method === 'views.open');
        return { text: JSON.stringify(call.params) };
      }, (r) => expect(r.text).not.toMatch(NOT_ADMIN));
    }
  });

  it('the Withdraw button of /upkeep pledges takes back only the clicking user’s own pledges', async () => {
    await slackSays(w, () => w.slack.command(ACME.team, ACME.member, `pledge ${WISHES.quoted} 7`));
    for (const actor of [globexMember, acmeAdmin]) {
      await refused(`withdraw button by ${actor.label}`, othersOf(actor), async () => {
        const seen = w.fakes.slackApi.calls.length;
        await click(actor, WITHDRAW_PLEDGE_ACTION, WISHES.quoted)();
        const call = await w.fakes.slackApi.waitFor((c) => w.fakes.slackApi.calls.indexOf(c) >= seen && c.method === 'respond');
        return { text: JSON.stringify(call.params) };
      }, (r) => expect(r.text).toMatch(/no unpaid pledge|nothing to withdraw|have no|You have not/i));
    }
    await allowed('withdraw button by the pledger', [GLOBEX], async () => {
      const seen = w.fakes.slackApi.calls.length;
      await click(acmeMember, WITHDRAW_PLEDGE_ACTION, WISHES.quoted)();
      const call = await w.fakes.slackApi.waitFor((c) => w.fakes.slackApi.calls.indexOf(c) >= seen && c.method === 'respond');
      return { text: JSON.stringify(call.params) };
    }, (r, tables) => {
      expect(r.text).toMatch(/withdr/i);
      expect(tables).toContain('wish');
    });
  });

  it('the pledge form of a notice: anyone may pledge, and the answer names no company', async () => {
    const values = { [AMOUNT_BLOCK]: { [AMOUNT_ACTION]: { type: 'plain_text_input', value: '6' } } };
    await allowed('notice pledge form by a Globex member', [ACME], async () => {
      const r = await slackSays(w, () =>
        w.slack.interaction({
          type: 'view_submission',
          team: { id: GLOBEX.team, domain: 'globex' },
          user: { id: GLOBEX.member, username: 'mia', team_id: GLOBEX.team },
          api_app_id: 'A0UPKEEP',
          token: 'unused',
          trigger_id: newTriggerId(),
          view: { id: 'VNOTICE1', team_id: GLOBEX.team, type: 'modal', callback_id: NOTICE_PLEDGE_CALLBACK, hash: 'h', private_metadata: JSON.stringify({ wishId: WISHES.quoted, channel: null }), state: { values }, blocks: [] },
          response_urls: [],
        }),
      );
      return r;
    }, (r) => expect(r.status).toBe(200));
  });

  it('the App Home shows each workspace its own company only', async () => {
    for (const [actor, other] of [
      [globexAdmin, ACME],
      [acmeMember, GLOBEX],
      [outsider, ACME],
    ] as const) {
      await allowed(`App Home of ${actor.label}`, [other], async () => {
        const seen = w.fakes.slackApi.calls.length;
        await w.slack.event(actor.team, { type: 'app_home_opened', user: actor.user, channel: 'D1', tab: 'home', event_ts: String(Date.now() / 1000) });
        const call = await w.fakes.slackApi.waitFor((c) => w.fakes.slackApi.calls.indexOf(c) >= seen && c.method === 'views.publish');
        return { text: JSON.stringify(call.params) };
      }, (r) => expect(r.text).toContain('"type":"home"'));
    }
  });
});

// ---- GitHub -----------------------------------------------------------------------------------

describe('GitHub issue comments × actors', () => {
  const [owner] = ACME.repo.split('/');
  const issueOf = (id: string) => Number(id.split('#')[1]);
  const NOT_MAINTAINER = /maintainer|write access|collaborator/i;
  /** Another repository's maintainer, and a reader (read permission). */
  const OUTSIDERS = [GLOBEX.maintainer, 'carol'];
  interface GithubRow {
    command: (typeof ISSUE_COMMANDS)[number];
    body: string;
    issue: number;
    refusedBy: string[];
    by: string;
    /** The table the positive control must write. */
    writes: string;
  }
  const ROWS: GithubRow[] = [
    { command: 'spec', body: '/spec The parser streams its input.', issue: issueOf(WISHES.open), refusedBy: OUTSIDERS, by: ACME.maintainer, writes: 'wish' },
    { command: 'quote', body: '/quote 300 EUR 3w', issue: issueOf(WISHES.open), refusedBy: OUTSIDERS, by: ACME.maintainer, writes: 'wish' },
    { command: 'start', body: '/start', issue: issueOf(WISHES.funded), refusedBy: OUTSIDERS, by: ACME.maintainer, writes: 'wish' },
    { command: 'deliver', body: '/deliver', issue: issueOf(WISHES.started), refusedBy: OUTSIDERS, by: ACME.maintainer, writes: 'ledger_transaction' },
    { command: 'cancel', body: '/cancel', issue: issueOf(WISHES.cancellable), refusedBy: OUTSIDERS, by: REQUESTER, writes: 'wish' },
    { command: 'wish', body: '/wish 5', issue: 9, refusedBy: [], by: 'carol', writes: 'wish' },
    { command: 'pledge', body: '/pledge 5', issue: issueOf(WISHES.quoted), refusedBy: [], by: 'carol', writes: 'wish' },
  ];

  beforeAll(() => {
    w.advance(61_000);
  });

  it('has a row for every issue-comment command of the grammar', () => {
    expect(ISSUE_COMMANDS.filter((c) => !ROWS.some((r) => r.command === c))).toEqual([]);
  });

  it.each(ROWS.map((r) => [r.body.split(' ')[0], r] as const))('%s', async (_c, row) => {
    for (const login of row.refusedBy) {
      await refused(`${row.body} by ${login} on ${owner}`, BOTH, async () => {
        const r = await comment(w, ACME.repo, row.issue, login, row.body);
        return { ...r, text: r.replies.join('\n') };
      }, (r) => {
        expect(r.status).toBe(200);
        expect(r.replies, `${login}: one reply saying why`).toHaveLength(1);
        expect(r.text).toMatch(NOT_MAINTAINER);
        expect(r.reactions).toBe(0);
      }, A_COMMENT_HAPPENED);
    }
    await allowed(`${row.body} by ${row.by}`, BOTH, async () => {
      const r = await comment(w, ACME.repo, row.issue, row.by, row.body);
      return { ...r, text: r.replies.join('\n') };
    }, (r, tables) => {
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(/only (the )?maintainers/i);
      expect(tables).toContain(row.writes);
    }, A_COMMENT_HAPPENED);
  });

  it('/link <code>: a code only links the login it was issued for', async () => {
    const someone = user('linker');
    const issued = await interact(w, guildInteraction(2, subcommand('link', 'github', [{ name: 'login', value: ACME.maintainer }]), someone));
    // The code Discord shows, to post as `/link <code>` on any issue.
    const line = /\/link ([^\s`"\\]+)/.exec(issued.text)?.[1];
    expect(line, issued.text).toBeTruthy();
    for (const login of [GLOBEX.maintainer, 'carol']) {
      await refused(`/link by ${login} with alice’s code`, BOTH, async () => {
        const r = await comment(w, ACME.repo, 9, login, `/link ${line}`);
        return { ...r, text: r.replies.join('\n') };
      }, (r) => {
        expect(r.replies).toHaveLength(1);
        expect(r.text).not.toMatch(/is now linked/);
      }, A_COMMENT_HAPPENED);
    }
    await allowed('/link by alice', BOTH, async () => {
      const r = await comment(w, ACME.repo, 9, ACME.maintainer, `/link ${line}`);
      return { ...r, text: r.replies.join('\n') };
    }, (r, tables) => {
      expect(r.text).toMatch(/is now linked/);
      expect(tables).toContain('identity_link');
    }, A_COMMENT_HAPPENED);
  });
});

// ---- Discord ----------------------------------------------------------------------------------

describe('Discord interactions × actors', () => {
  const member: DiscordUser = user('dmember');
  const moderator: DiscordUser = user('dmod');
  const pledger: DiscordUser = user('dpledger');
  const stranger: DiscordUser = user('dstranger');
  const opt = (name: string, value: string) => ({ name, value });
  const slashOf = (name: string, options: { name: string; value: string }[] = []) => slash(name, options);

  beforeAll(() => {
    w.advance(61_000);
  });

  it('covers every registered slash command', () => {
    const covered = ['wishlist', 'wish', 'pledge', 'subscribe', 'unsubscribe', 'subscriptions', 'pledges', 'link', 'unlink', 'help'];
    expect(DISCORD_COMMANDS.map((c) => c.name).filter((n) => !covered.includes(n))).toEqual([]);
  });

  it.each([
    ['subscribe', `repo`],
    ['unsubscribe', `repo`],
  ] as const)('/%s: refused without Manage Channels and in a DM; a moderator may', async (name, option) => {
    const data = () => slashOf(name, [opt(option, ACME.repo)]);
    await refused(`/${name} by a member`, BOTH, () => interact(w, guildInteraction(2, data(), member, MEMBER_PERMISSIONS)), (r) => {
      expect(r.ephemeral).toBe(true);
      expect(r.text).toMatch(/Manage Channels/);
    });
    await refused(`/${name} in a DM`, BOTH, () => interact(w, dmInteraction(2, data(), member)), (r) => {
      expect(r.ephemeral).toBe(true);
      expect(r.text).toMatch(/server channel|in a server/i);
    });
    await allowed(`/${name} by a moderator`, BOTH, () => interact(w, guildInteraction(2, data(), moderator, MODERATOR_PERMISSIONS)), (r, tables) => {
      expect(r.text).not.toMatch(/Manage Channels/);
      expect(tables).toContain('subscription');
    });
  });

  it('public commands answer anyone and name no company, no Slack user, no budget', async () => {
    for (const [label, data] of [
      ['/wishlist', slashOf('wishlist', [opt('repo', ACME.repo)])],
      ['/wish', slashOf('wish', [opt('id', WISHES.quoted)])],
      ['/subscriptions', slashOf('subscriptions')],
      ['/help', slashOf('help')],
    ] as const) {
      await allowed(`${label} by a member`, BOTH, () => interact(w, guildInteraction(2, data, member)), (r) => expect(r.status).toBe(200));
    }
    await allowed('autocomplete of wish ids', BOTH, () => interact(w, guildInteraction(4, slash('wish', [{ name: 'id', value: 'north', focused: true }]), member)), (r) => expect(r.json.type).toBe(8));
  });

  it('pledges, the pledge buttons and the amount form: anyone may pledge; /pledges shows one’s own only; Withdraw takes back one’s own only', async () => {
    await allowed('/pledge by a Discord user', BOTH, () => interact(w, guildInteraction(2, slashOf('pledge', [opt('wish', WISHES.quoted), opt('amount', '4')]), pledger)), (r, tables) => {
      expect(r.text).toMatch(/checkout\.stripe\.test/);
      expect(tables).toContain('wish');
    });
    await allowed('the €5 button', BOTH, () => interact(w, guildInteraction(3, button(`u1:p:500:${WISHES.quoted}`), stranger)), (r, tables) => {
      expect(r.text).toMatch(/checkout\.stripe\.test/);
      expect(tables).toContain('wish');
    });
    await allowed('the Other amount button', BOTH, () => interact(w, guildInteraction(3, button(`u1:o:${WISHES.quoted}`), stranger)), (r) => expect(r.json.type).toBe(9));
    await allowed('the amount form', BOTH, () => interact(w, guildInteraction(5, modalSubmit(`u1:m:${WISHES.quoted}`, '3'), stranger)), (r) => expect(r.text).toMatch(/checkout\.stripe\.test/));
    await allowed('/pledges of someone else', BOTH, () => interact(w, guildInteraction(2, slashOf('pledges'), member)), (r) => {
      expect(r.ephemeral).toBe(true);
      expect(r.text).not.toContain(WISHES.quoted);
    });
    await allowed('/pledges of the pledger', BOTH, () => interact(w, guildInteraction(2, slashOf('pledges'), pledger)), (r) => expect(r.text).toContain(WISHES.quoted));
    await refused('Withdraw by someone without a pledge', BOTH, () => interact(w, guildInteraction(3, button(`u1:w:${WISHES.quoted}`), member)), (r) => {
      expect(r.ephemeral).toBe(true);
      expect(r.text).toMatch(/no unpaid pledge|nothing to withdraw|have no|You have not/i);
    });
    await allowed('Withdraw by the pledger', BOTH, () => interact(w, guildInteraction(3, button(`u1:w:${WISHES.quoted}`), pledger)), (r, tables) => {
      expect(r.text).toMatch(/withdr/i);
      expect(tables).toContain('wish');
    });
  });

  it('/link and /unlink act on the caller’s own account only', async () => {
    await refused('/unlink by someone never linked', BOTH, () => interact(w, guildInteraction(2, subcommand('unlink', 'github', []), member)), (r) => {
      expect(r.ephemeral).toBe(true);
      expect(r.text).toMatch(/not linked|no link|nothing to/i);
    });
    await allowed('/link github by a user', BOTH, () => interact(w, guildInteraction(2, subcommand('link', 'github', [opt('login', GLOBEX.maintainer)]), pledger)), (r, tables) => {
      expect(r.ephemeral).toBe(true);
      expect(tables).toContain('identity_link');
    });
    await allowed('/unlink github by that user', BOTH, () => interact(w, guildInteraction(2, subcommand('unlink', 'github', []), pledger)), (_r, tables) => expect(tables).toContain('identity_link'));
  });
});

describe('identities and channels that belong to someone else', () => {
  it('a Discord user’s /pledges shows a GitHub login’s pledges only once that login confirmed the link on GitHub', async () => {
    const fan = user('carolfan');
    const issued = await interact(w, guildInteraction(2, subcommand('link', 'github', [{ name: 'login', value: 'carol' }]), fan));
    const code = /\/link ([^\s`"\\]+)/.exec(issued.text)?.[1];
    expect(code, issued.text).toBeTruthy();
    // Pending: carol's paid pledges (to #3 and #4) are not the fan's.
    await allowed('/pledges with a link claimed but not confirmed', BOTH, () => interact(w, guildInteraction(2, slash('pledges', []), fan)), (r) => {
      expect(r.text).not.toContain(WISHES.funded);
      expect(r.text).not.toContain(WISHES.started);
    });
    await refused('Withdraw of the claimed login’s pledges before confirming', BOTH, () => interact(w, guildInteraction(3, button(`u1:w:${WISHES.funded}`), fan)), (r) => expect(r.ephemeral).toBe(true));
    await allowed('carol confirms the link on GitHub', BOTH, async () => {
      const r = await comment(w, ACME.repo, 9, 'carol', `/link ${code}`);
      return { ...r, text: r.replies.join('\n') };
    }, (r) => expect(r.text).toMatch(/is now linked/), A_COMMENT_HAPPENED);
    await allowed('/pledges once confirmed', BOTH, () => interact(w, guildInteraction(2, slash('pledges', []), fan)), (r) => expect(r.text).toContain(WISHES.funded));
  });

  it('a Slack channel id of another workspace is another channel: Globex cannot unsubscribe Acme’s channel', async () => {
    const channel = 'C0SHAREDID';
    await allowed('Acme’s admin subscribes a channel', [GLOBEX], () => slackSays(w, () => w.slack.command(ACME.team, ACME.admin, `subscribe ${ACME.repo}`, { channel })), (_r, tables) => expect(tables).toEqual(['subscription']));
    await refused('Globex’s admin unsubscribes the same channel id in Globex', [ACME], () => slackSays(w, () => w.slack.command(GLOBEX.team, GLOBEX.admin, `unsubscribe ${ACME.repo}`, { channel })), (r) => {
      expect(r.ephemeral).toBe(true);
      expect(r.text).toMatch(/does not follow|not following|doesn’t follow|is not subscribed/i);
    });
    await allowed('Globex’s channel of that id follows nothing', [ACME], () => slackSays(w, () => w.slack.command(GLOBEX.team, GLOBEX.member, 'subscriptions', { channel })), (r) => expect(r.text).not.toContain(ACME.repo));
    await allowed('Acme’s admin unsubscribes it', [GLOBEX], () => slackSays(w, () => w.slack.command(ACME.team, ACME.admin, `unsubscribe ${ACME.repo}`, { channel })), (_r, tables) => expect(tables).toEqual(['subscription']));
  });
});

describe('downloads linked from Slack', () => {
  it('a signed CSV link works for its company only while fresh; a tampered or expired one is refused', async () => {
    const reply = await slackSays(w, () => w.slack.command(ACME.team, ACME.member, `export ${CLOSED}`));
    const link = /(\/slack-downloads\/[^\s"|>)\\]+)/.exec(reply.text)?.[1];
    expect(link, reply.text).toBeTruthy();
    const [, , token, file] = link!.split('/');
    const tampered = `/slack-downloads/${token!.slice(0, -2)}${token!.endsWith('AA') ? 'BB' : 'AA'}/${file}`;
    await refused('a tampered download link', BOTH, () => get(tampered), (r) => expect([400, 401, 403, 404]).toContain(r.status));
    await allowed('the download link', [GLOBEX], () => get(link!), (r) => {
      expect(r.status).toBe(200);
      expect(r.text).toContain(ACME.privatePackages[0]);
    });
    w.advance(16 * 60 * 1000);
    await refused('an expired download link', BOTH, () => get(link!), (r) => expect([400, 401, 403, 404, 410]).toContain(r.status));
  });
});

describe('the route table, afterwards', () => {
  it('every route of the matrix was requested by at least one attempt above', () => {
    const patternOf = (url: string) => new RegExp(`^${url.split('/').map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`);
    const missed = Object.keys(ROUTES).filter((key) => {
      const [method, url] = key.split(' ') as [string, string];
      const re = patternOf(url);
      return !sent.some((r) => (method === '*' || r.method === method) && re.test(r.path));
    });
    expect(missed, 'routes no attempt of the matrix reached').toEqual([]);
    console.log(`tenancy matrix: ${sent.length} requests reached ${Object.keys(ROUTES).length} routes`);
  });
});
