// Web sign-in end to end against the local fakes of GitHub's OAuth and Slack's OpenID Connect
// endpoints, through the real server (fetch, manual redirects): maintainers land on /account,
// Slack users on /company with the workspace Slack signed; the session is readable by any page
// plugin registered after the session module; signing out ends it. Plus the configuration rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { actorOf } from '../bots/slack/workspace.ts';
import { PrismaSlackInstallationStore } from '../prisma/slack-installation-store.ts';
import { companyActor, type WebSession } from '../web/auth/session.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import {
  APP_TEAM,
  CookieJar,
  pageWithCsrf,
  postForm,
  runSignIn,
  SESSION_SECRET,
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

const sessionOf = async (base: string, cookie: string): Promise<WebSession | null> => ((await (await fetch(`${base}/test/session`, { headers: { cookie } })).json()) as { session: WebSession | null }).session;

/** The attributes of the Set-Cookie line for `name`. */
const cookieLine = (res: Response, name: string): string => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`)) ?? '';

describe('maintainer sign-in with GitHub', () => {
  it('redirects to GitHub with the client id, the callback and a state bound to the browser by a short-lived cookie', async () => {
    const res = await fetch(`${app.url}/auth/github`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin + to.pathname).toBe(`${fakes.github.url}/login/oauth/authorize`);
    expect(to.searchParams.get('client_id')).toBe(fakes.github.clientId);
    expect(to.searchParams.get('redirect_uri')).toBe(`${app.url}/auth/github/callback`);
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    const line = cookieLine(res, 'upkeep_signin');
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Path=\/auth/);
    expect(line).toMatch(/Max-Age=600/);
    expect(line).not.toMatch(/Secure/);
    // The state itself is not readable in the cookie: it is sealed.
    expect(line).not.toContain(to.searchParams.get('state')!);
  });

  it('exchanges the code, reads the login from GET /user and starts a maintainer session, then 303 to /account', async () => {
    fakes.github.signInAs({ login: 'alice', name: 'Alice Liddell' });
    const before = fakes.github.of('/login/oauth/access_token').length;
    const run = await runSignIn(app.url, 'github');
    expect(run.response.status).toBe(303);
    expect(run.response.headers.get('location')).toBe('/account');
    const exchange = fakes.github.of('/login/oauth/access_token').slice(before);
    expect(exchange).toHaveLength(1);
    expect(exchange[0]!.params).toMatchObject({ code: run.callback.searchParams.get('code'), redirect_uri: `${app.url}/auth/github/callback` });
    expect(Buffer.from(exchange[0]!.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe(`${fakes.github.clientId}:${fakes.github.clientSecret}`);
    expect(fakes.github.of('/user').at(-1)!.authorization).toMatch(/^Bearer ghu_/);

    const line = cookieLine(run.response, 'upkeep_session');
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Max-Age=86400/);
    expect(line).not.toContain('alice');
    expect(await sessionOf(app.url, run.jar.header())).toEqual({ kind: 'maintainer', login: 'alice', name: 'Alice Liddell' });
  });

  it('signInGithub (the helper pages use) gives a cookie of that maintainer', async () => {
    const cookie = await signInGithub(app.url, fakes, 'bob');
    expect(await sessionOf(app.url, cookie)).toEqual({ kind: 'maintainer', login: 'bob', name: null });
  });
});

describe('company sign-in with Slack (OpenID Connect)', () => {
  it('redirects to Slack with scope openid profile, a state and a nonce', async () => {
    const res = await fetch(`${app.url}/auth/slack`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin + to.pathname).toBe(`${fakes.slack.url}/openid/connect/authorize`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ response_type: 'code', client_id: fakes.slack.clientId, scope: 'openid profile', redirect_uri: `${app.url}/auth/slack/callback` });
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(to.searchParams.get('nonce')).not.toBe(to.searchParams.get('state'));
  });

  it('verifies the ID token and starts a company session with the workspace Slack signed, then 303 to /company', async () => {
    fakes.slack.signInAs({ teamId: APP_TEAM, userId: 'U0ADMIN', name: 'Ada Admin' });
    const run = await runSignIn(app.url, 'slack');
    expect(run.response.status, run.body).toBe(303);
    expect(run.response.headers.get('location')).toBe('/company');
    const exchange = fakes.slack.of('/api/openid.connect.token').at(-1)!;
    expect(exchange.params).toMatchObject({ grant_type: 'authorization_code', code: run.callback.searchParams.get('code'), redirect_uri: `${app.url}/auth/slack/callback` });
    const session = await sessionOf(app.url, run.jar.header());
    expect(session).toEqual({ kind: 'company', teamId: APP_TEAM, userId: 'U0ADMIN', enterpriseId: null, name: 'Ada Admin' });
    // The web acts as the same Slack user the slash commands identify.
    expect(companyActor(session as Extract<WebSession, { kind: 'company' }>)).toEqual(actorOf('U0ADMIN', APP_TEAM, null));
  });

  it('reads the name from openid.connect.userInfo when the ID token has none', async () => {
    fakes.slack.signInAs({ teamId: APP_TEAM, userId: 'U0MEMBER', name: 'Mo Member' });
    fakes.slack.faultNextIdToken({ withoutName: true });
    const before = fakes.slack.of('/api/openid.connect.userInfo').length;
    const run = await runSignIn(app.url, 'slack');
    expect(run.response.status).toBe(303);
    expect(fakes.slack.of('/api/openid.connect.userInfo').length).toBe(before + 1);
    expect(await sessionOf(app.url, run.jar.header())).toMatchObject({ userId: 'U0MEMBER', name: 'Mo Member' });
  });

  it('single workspace: a user of another workspace is refused with a page that says so, and gets no session', async () => {
    fakes.slack.signInAs({ teamId: 'T0OTHER', userId: 'U0STRANGER', name: 'Stranger', teamName: 'Globex' });
    const run = await runSignIn(app.url, 'slack');
    expect(run.response.status).toBe(403);
    expect(run.response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(run.body).toContain('Globex (T0OTHER)');
    expect(run.body).toContain('serves another workspace');
    expect(run.body).toContain('href="/auth/slack"');
    expect(run.jar.get('upkeep_session')).toBeUndefined();
  });

  it('signInSlack (the helper pages use) gives a cookie of that Slack user', async () => {
    const cookie = await signInSlack(app.url, fakes, { user: 'U0HELPER', name: 'Helper' });
    expect(await sessionOf(app.url, cookie)).toEqual({ kind: 'company', teamId: APP_TEAM, userId: 'U0HELPER', enterpriseId: null, name: 'Helper' });
  });
});

describe('multi-workspace: any workspace that installed the app', () => {
  let multi: WebTestApp;
  beforeAll(async () => {
    multi = await startWebApp({ db, env: signInEnv(fakes, { workspaces: 'installed' }), routes: [sessionProbeRoutes({ count: 0 })] });
    const store = new PrismaSlackInstallationStore(db.prisma);
    await store.storeInstallation({ team: { id: 'T0INSTALLED' }, enterprise: undefined, user: { id: 'U0I', token: undefined, scopes: undefined }, bot: { token: 'xoxb-installed', scopes: [], id: 'B1', userId: 'UB1' }, tokenType: 'bot', isEnterpriseInstall: false, appId: 'A1', authVersion: 'v2' });
    await store.storeInstallation({ team: undefined, enterprise: { id: 'E0GRID' }, user: { id: 'U0E', token: undefined, scopes: undefined }, bot: { token: 'xoxb-grid', scopes: [], id: 'B2', userId: 'UB2' }, tokenType: 'bot', isEnterpriseInstall: true, appId: 'A1', authVersion: 'v2' });
  });
  afterAll(async () => {
    await multi?.close();
  });

  it('signs in a user of an installed workspace, and of a workspace of an org-wide installed grid', async () => {
    const cookie = await signInSlack(multi.url, fakes, { team: 'T0INSTALLED', user: 'U0INST', name: 'Ina' });
    expect(await sessionOf(multi.url, cookie)).toMatchObject({ teamId: 'T0INSTALLED', userId: 'U0INST', enterpriseId: null });
    const grid = await signInSlack(multi.url, fakes, { team: 'T0GRIDTEAM', enterprise: 'E0GRID', user: 'U0GRID' });
    const session = (await sessionOf(multi.url, grid)) as Extract<WebSession, { kind: 'company' }>;
    expect(session).toMatchObject({ teamId: 'T0GRIDTEAM', enterpriseId: 'E0GRID' });
    expect(companyActor(session)).toEqual(actorOf('U0GRID', 'T0GRIDTEAM', 'E0GRID'));
  });

  it('refuses a workspace that never installed the app', async () => {
    fakes.slack.signInAs({ teamId: 'T0NEVER', userId: 'U0N', name: 'Nev', teamName: 'Initech' });
    const run = await runSignIn(multi.url, 'slack');
    expect(run.response.status).toBe(403);
    expect(run.body).toContain('Upkeep is not installed in the Slack workspace Initech (T0NEVER)');
    expect(run.jar.get('upkeep_session')).toBeUndefined();
  });
});

describe('sessions in other plugins, and signing out', () => {
  it('a plugin registered after the session module reads the session; without a cookie it reads null', async () => {
    expect(await sessionOf(app.url, '')).toBeNull();
    const cookie = await signInGithub(app.url, fakes, 'carol');
    expect(await sessionOf(app.url, cookie)).toMatchObject({ login: 'carol' });
  });

  it('POST /auth/logout with the page token ends the session and goes home', async () => {
    const cookie = await signInGithub(app.url, fakes, 'dave');
    const page = await pageWithCsrf(`${app.url}/test/form`, cookie);
    const res = await postForm(`${app.url}/auth/logout`, page.cookie, { _csrf: page.token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(cookieLine(res, 'upkeep_session')).toMatch(/Max-Age=0/);
    const after = new CookieJar(page.cookie).take(res).header();
    expect(after).not.toContain('upkeep_session');
    expect(await sessionOf(app.url, after)).toBeNull();
  });
});

describe('refusals at sign-in: a page with a link to try again, never a 500, no session', () => {
  it('denied consent on GitHub', async () => {
    fakes.github.denyNext();
    const run = await runSignIn(app.url, 'github');
    expect(run.response.status).toBe(403);
    expect(run.body).toContain('Sign-in cancelled');
    expect(run.body).toContain('You did not allow Upkeep on GitHub');
    expect(run.body).toContain('href="/auth/github"');
    expect(run.jar.get('upkeep_session')).toBeUndefined();
  });

  it('denied consent on Slack', async () => {
    fakes.slack.denyNext();
    const run = await runSignIn(app.url, 'slack');
    expect(run.response.status).toBe(403);
    expect(run.body).toContain('You did not allow Upkeep on Slack');
    expect(run.jar.get('upkeep_session')).toBeUndefined();
  });

  it('a code GitHub refuses at the exchange', async () => {
    fakes.github.failNextExchange('bad_verification_code');
    const run = await runSignIn(app.url, 'github');
    expect(run.response.status).toBe(400);
    expect(run.body).toContain('GitHub did not accept the sign-in (bad_verification_code)');
    expect(run.jar.get('upkeep_session')).toBeUndefined();
  });

  it('a code Slack refuses at the exchange', async () => {
    fakes.slack.failNextExchange('invalid_code');
    const run = await runSignIn(app.url, 'slack');
    expect(run.response.status).toBe(400);
    expect(run.body).toContain('Slack did not accept the sign-in (invalid_code)');
    expect(run.jar.get('upkeep_session')).toBeUndefined();
  });

  it('a provider that cannot be reached: 502 page, no stack', async () => {
    const down = await startWebApp({ db, env: { ...signInEnv(fakes), GITHUB_API_URL: 'http://127.0.0.1:9' } });
    try {
      fakes.github.signInAs({ login: 'erin' });
      const run = await runSignIn(down.url, 'github');
      expect(run.response.status).toBe(502);
      expect(run.body).toContain('GitHub could not be reached');
      expect(run.body).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/);
      expect(run.jar.get('upkeep_session')).toBeUndefined();
    } finally {
      await down.close();
    }
  });
});

describe('not configured', () => {
  let bare: WebTestApp;
  beforeAll(async () => {
    bare = await startWebApp({ db, env: {} });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it.each([
    ['/auth/github', 'Maintainer sign-in is not configured', 'GITHUB_CLIENT_ID'],
    ['/auth/github/callback?code=x&state=y', 'Maintainer sign-in is not configured', 'GITHUB_CLIENT_ID'],
    ['/auth/slack', 'Company sign-in is not configured', 'SLACK_CLIENT_ID'],
    ['/auth/slack/callback', 'Company sign-in is not configured', 'SLACK_CLIENT_ID'],
  ])('%s answers a 404 page saying so', async (path, title, variable) => {
    const res = await fetch(`${bare.url}${path}`, { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(title);
    expect(html).toContain(variable);
    expect(html).toMatch(/<main\b/);
  });
});

describe('configuration', () => {
  const slackApp = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' };

  it.each([
    [{ GITHUB_CLIENT_ID: 'Iv1.x', GITHUB_CLIENT_SECRET: 'y' }, /UPKEEP_SESSION_SECRET: required once a web sign-in is configured \(GITHUB_CLIENT_ID\)/],
    [{ ...slackApp, SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'y' }, /UPKEEP_SESSION_SECRET: required once a web sign-in is configured \(SLACK_CLIENT_ID\)/],
    [{ GITHUB_CLIENT_ID: 'Iv1.x', GITHUB_CLIENT_SECRET: 'y', UPKEEP_SESSION_SECRET: 'too-short' }, /UPKEEP_SESSION_SECRET: must be at least 32 characters/],
    [{ GITHUB_CLIENT_ID: 'Iv1.x', UPKEEP_SESSION_SECRET: SESSION_SECRET }, /GitHub sign-in is partly configured: set GITHUB_CLIENT_SECRET/],
    [{ GITHUB_WEB_URL: 'github.com' }, /GITHUB_WEB_URL: must be a URL/],
    [{ SLACK_WEB_URL: 'ftp://slack.com' }, /SLACK_WEB_URL: must be a URL/],
    [{ SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'y', UPKEEP_SESSION_SECRET: SESSION_SECRET }, /Slack sign-in .* set SLACK_SIGNING_SECRET/],
    [{ ...slackApp, SLACK_STATE_SECRET: 'z' }, /SLACK_STATE_SECRET \(multi-workspace OAuth\) needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('has no sign-in by default, and the public GitHub and Slack endpoints once configured', () => {
    expect(loadConfig({}).signIn).toEqual({ sessionSecret: null, github: null, slack: null });
    const on = loadConfig({ ...slackApp, GITHUB_CLIENT_ID: 'Iv1.x', GITHUB_CLIENT_SECRET: 'y', SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'z', UPKEEP_SESSION_SECRET: SESSION_SECRET }).signIn;
    expect(on.github).toEqual({ clientId: 'Iv1.x', clientSecret: 'y', webUrl: 'https://github.com', apiUrl: 'https://api.github.com' });
    expect(on.slack).toEqual({ clientId: '1.2', clientSecret: 'z', webUrl: 'https://slack.com', apiUrl: 'https://slack.com/api/', workspaces: { kind: 'single', botToken: 'xoxb-1' } });
  });

  it('Slack: client id and secret beside the bot token sign in that workspace (the bot stays single-workspace); with the state secret, installed workspaces', () => {
    const single = loadConfig({ ...slackApp, SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'z', UPKEEP_SESSION_SECRET: SESSION_SECRET });
    expect(single.slack).toMatchObject({ botToken: 'xoxb-1', oauth: null });
    expect(single.signIn.slack?.workspaces).toEqual({ kind: 'single', botToken: 'xoxb-1' });
    const multi = loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'z', SLACK_STATE_SECRET: 'st', UPKEEP_SESSION_SECRET: SESSION_SECRET });
    expect(multi.slack?.oauth).toEqual({ clientId: '1.2', clientSecret: 'z', stateSecret: 'st' });
    expect(multi.signIn.slack?.workspaces).toEqual({ kind: 'installed' });
  });
});
