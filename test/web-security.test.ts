// Web sign-in security, through the real server and the local fakes: a forged or replayed
// `state`, a callback without the browser's sign-in cookie, a wrong nonce, an ID token signed by
// another key (or expired, or for another client), a tampered session cookie, and POSTs without
// or with a wrong CSRF token. Each is refused, and nothing changed: no session, no claim, no effect.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebSession } from '../web/auth/session.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import {
  CookieJar,
  pageWithCsrf,
  postForm,
  runSignIn,
  sessionProbeRoutes,
  signInEnv,
  signInGithub,
  signInSlack,
  startSignInFakes,
  startWebApp,
  type SignInFakes,
  type WebTestApp,
} from './web-support.ts';

let db: TestDatabase;
let fakes: SignInFakes;
let app: WebTestApp;
const applied = { count: 0 };

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  fakes = await startSignInFakes();
  app = await startWebApp({ db, env: signInEnv(fakes), routes: [sessionProbeRoutes(applied)] });
});
afterAll(async () => {
  await app?.close();
  await fakes?.close();
  await db?.close();
});
beforeEach(() => {
  applied.count = 0;
  fakes.github.signInAs({ login: 'alice', name: 'Alice' });
  fakes.slack.signInAs({ teamId: 'T0ACME', userId: 'U0ADMIN', name: 'Ada' });
});

const sessionOf = async (cookie: string): Promise<WebSession | null> => ((await (await fetch(`${app.url}/test/session`, { headers: { cookie } })).json()) as { session: WebSession | null }).session;

/** Sign-in claims recorded (one per state used). */
const claims = async (): Promise<number> => {
  const rows = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>("SELECT count(*) AS n FROM inbound_event WHERE source = 'web-signin'");
  return Number(rows[0]!.n);
};

/** A refusal page: HTML, the status, a link to start again, no session cookie set. */
function expectRefusedPage(run: { response: Response; body: string; jar: CookieJar }, status: number, provider: 'github' | 'slack', text: RegExp) {
  expect(run.response.status).toBe(status);
  expect(run.response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(run.body).toMatch(text);
  expect(run.body).toContain(`href="/auth/${provider}"`);
  expect(run.response.headers.getSetCookie().some((l) => l.startsWith('upkeep_session='))).toBe(false);
  expect(run.jar.get('upkeep_session')).toBeUndefined();
}

describe('state', () => {
  it.each(['github', 'slack'] as const)('%s: a forged state is refused before any code exchange; nothing is claimed', async (provider) => {
    const exchanges = fakes.github.calls.length + fakes.slack.calls.length;
    const before = await claims();
    const run = await runSignIn(app.url, provider, new CookieJar(), {
      replaceCallback: (cb) => {
        cb.searchParams.set('state', 'forged-state-forged-state-forged');
        return cb;
      },
    });
    expectRefusedPage(run, 403, provider, /This sign-in link is not valid/);
    // Only the authorize redirect reached the provider: no exchange, no user read.
    const after = [...fakes.github.calls, ...fakes.slack.calls].slice(exchanges).map((c) => c.path);
    expect(after).toEqual([provider === 'github' ? '/login/oauth/authorize' : '/openid/connect/authorize']);
    expect(await claims()).toBe(before);
  });

  it('a callback opened in a browser that did not start the sign-in (no sign-in cookie) is refused', async () => {
    const start = await fetch(`${app.url}/auth/github`, { redirect: 'manual' });
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    // Another browser (the victim's) opens the attacker's callback URL.
    const res = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('did not come from a sign-in started in this browser');
    expect(res.headers.getSetCookie().some((l) => l.startsWith('upkeep_session='))).toBe(false);
  });

  it.each(['github', 'slack'] as const)('%s: a replayed state (the same callback URL and cookie again) is refused; one claim, no second session', async (provider) => {
    const before = await claims();
    const start = await fetch(`${app.url}/auth/${provider}`, { redirect: 'manual' });
    const signInCookie = new CookieJar().take(start).header();
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    const first = await fetch(callback, { redirect: 'manual', headers: { cookie: signInCookie } });
    expect(first.status).toBe(303);
    expect(await claims()).toBe(before + 1);
    // The same URL with the same (captured) sign-in cookie.
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: signInCookie } });
    expect(replay.status).toBe(403);
    expect(await replay.text()).toContain('This sign-in link was already used');
    expect(replay.headers.getSetCookie().some((l) => l.startsWith('upkeep_session='))).toBe(false);
    expect(await claims()).toBe(before + 1);
  });

  it('a state started for GitHub does not complete a Slack callback', async () => {
    const start = await fetch(`${app.url}/auth/github`, { redirect: 'manual' });
    const jar = new CookieJar().take(start);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const res = await fetch(`${app.url}/auth/slack/callback?code=anything&state=${state}`, { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((l) => l.startsWith('upkeep_session='))).toBe(false);
  });
});

describe('the ID token', () => {
  it.each([
    ['a wrong nonce', { nonce: 'not-the-nonce-of-this-browser' }, /was not for the sign-in started in this browser/],
    ['a signature by another key', { foreignKey: true }, /could not be verified/],
    ['an expired token', { expired: true }, /could not be verified/],
    ['another client as audience', { audience: 'someone-else' }, /could not be verified/],
    ['another issuer', { issuer: 'https://evil.example' }, /could not be verified/],
  ])('%s is refused: no session', async (_name, fault, text) => {
    fakes.slack.faultNextIdToken(fault);
    const run = await runSignIn(app.url, 'slack');
    expectRefusedPage(run, 403, 'slack', text);
    expect(await sessionOf(run.jar.header())).toBeNull();
  });

  it('the same sign-in with a good token succeeds (the refusals above are the token\'s)', async () => {
    const run = await runSignIn(app.url, 'slack');
    expect(run.response.status).toBe(303);
    expect(await sessionOf(run.jar.header())).toMatchObject({ kind: 'company', userId: 'U0ADMIN' });
  });
});

describe('the session cookie', () => {
  it('a tampered cookie reads as nobody, whichever byte changed', async () => {
    const cookie = await signInGithub(app.url, fakes, 'alice');
    expect(await sessionOf(cookie)).toMatchObject({ login: 'alice' });
    const value = new CookieJar(cookie).get('upkeep_session')!;
    const decoded = decodeURIComponent(value);
    // Ciphertext and nonce bytes (not base64 padding, which decodes to the same bytes).
    const nonceAt = decoded.indexOf(';') + 1;
    for (const at of [0, 10, Math.floor(nonceAt / 2), nonceAt + 5, decoded.length - 1]) {
      const flipped = decoded.slice(0, at) + (decoded[at] === 'A' ? 'B' : 'A') + decoded.slice(at + 1);
      expect(await sessionOf(`upkeep_session=${encodeURIComponent(flipped)}`), `byte ${at}`).toBeNull();
    }
    expect(await sessionOf('upkeep_session=garbage')).toBeNull();
    expect(await sessionOf('upkeep_session=')).toBeNull();
  });

  it('a session cookie sealed with another UPKEEP_SESSION_SECRET reads as nobody', async () => {
    const other = await startWebApp({ db, env: { ...signInEnv(fakes), UPKEEP_SESSION_SECRET: 'another-secret-another-secret-another-secret' }, routes: [sessionProbeRoutes({ count: 0 })] });
    try {
      const foreign = await signInGithub(other.url, fakes, 'mallory');
      expect(await sessionOf(foreign)).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('is Secure when PUBLIC_URL is https', async () => {
    const secure = await startWebApp({ db, env: { ...signInEnv(fakes), PUBLIC_URL: 'https://upkeep.example' } });
    try {
      const res = await fetch(`${secure.url}/auth/github`, { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://upkeep.example/auth/github/callback');
      expect(res.headers.getSetCookie().find((l) => l.startsWith('upkeep_signin='))).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });
});

describe('CSRF on POSTs from pages', () => {
  it('the page token is accepted (the refusals below are the token\'s)', async () => {
    const cookie = await signInGithub(app.url, fakes, 'alice');
    const page = await pageWithCsrf(`${app.url}/test/form`, cookie);
    const res = await postForm(`${app.url}/test/form`, page.cookie, { _csrf: page.token }, 'application/json');
    expect(res.status).toBe(200);
    expect(applied.count).toBe(1);
  });

  it('a POST without a token is refused with 403 csrf_invalid and has no effect', async () => {
    const cookie = await signInGithub(app.url, fakes, 'alice');
    const page = await pageWithCsrf(`${app.url}/test/form`, cookie);
    const res = await postForm(`${app.url}/test/form`, page.cookie, {}, 'application/json');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'csrf_invalid', message: expect.stringContaining('nothing was changed') } });
    expect(applied.count).toBe(0);
  });

  it('a browser gets a page, not JSON', async () => {
    const page = await pageWithCsrf(`${app.url}/test/form`);
    const res = await postForm(`${app.url}/test/form`, page.cookie, {});
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('This form could not be sent');
    expect(applied.count).toBe(0);
  });

  it.each([
    ['a made-up token', async (page: { token: string; cookie: string }) => ({ token: 'abc.def', cookie: page.cookie })],
    ['a token altered by one character', async (page: { token: string; cookie: string }) => ({ token: page.token.slice(0, -1) + (page.token.endsWith('A') ? 'B' : 'A'), cookie: page.cookie })],
    ['a token of another browser', async (page: { token: string; cookie: string }) => ({ token: (await pageWithCsrf(`${app.url}/test/form`)).token, cookie: page.cookie })],
    ['a good token without the CSRF cookie', async (page: { token: string; cookie: string }) => ({ token: page.token, cookie: page.cookie.split('; ').filter((c) => !c.startsWith('upkeep_csrf=')).join('; ') })],
    ['a token issued before sign-in', async (page: { token: string; cookie: string }) => {
      const anonymous = await pageWithCsrf(`${app.url}/test/form`);
      const signedIn = await signInGithub(app.url, fakes, 'alice');
      return { token: anonymous.token, cookie: `${anonymous.cookie}; ${signedIn}` };
    }],
  ])('%s is refused and has no effect', async (_name, make) => {
    const cookie = await signInGithub(app.url, fakes, 'alice');
    const page = await pageWithCsrf(`${app.url}/test/form`, cookie);
    const { token, cookie: sent } = await make(page);
    const res = await postForm(`${app.url}/test/form`, sent, { _csrf: token }, 'application/json');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_invalid');
    expect(applied.count).toBe(0);
  });

  it('POST /auth/logout without a token is refused and the session goes on', async () => {
    const cookie = await signInSlack(app.url, fakes, { user: 'U0STAY' });
    const page = await pageWithCsrf(`${app.url}/test/form`, cookie);
    const res = await postForm(`${app.url}/auth/logout`, page.cookie, {});
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((l) => l.startsWith('upkeep_session='))).toBe(false);
    expect(await sessionOf(page.cookie)).toMatchObject({ userId: 'U0STAY' });
  });
});
