// Web sign-in for tests: the local fakes of GitHub's OAuth and Slack's OpenID Connect endpoints,
// the environment that points the app at them, the web app on a chosen port (callback URLs are
// built from PUBLIC_URL), and sign-ins through the real flow (fetch, manual redirects) that
// return the cookie header to send as that person.
import { expect } from 'vitest';
import { loadConfig, type Config } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics, webRoutes } from '../app/web.ts';
import type { Clock } from '../core/ports/clock.ts';
import { systemClock } from '../core/ports/clock.ts';
import { startFakeGithubOAuth, type FakeGithubOAuth, type GithubUser } from '../dev/fakes/github-oauth.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../dev/fakes/slack-api.ts';
import { startFakeSlackOidc, type FakeSlackOidc, type SlackIdentity } from '../dev/fakes/slack-oidc.ts';
import type { RoutePlugin } from '../edge/http.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import type { Database } from '../prisma/db.ts';
import { sessions } from '../web/auth/session.ts';
import { freePort } from '../dev/free-port.ts';

export const SESSION_SECRET = 'web-session-secret-for-tests-0123456789';
/** The workspace of the bot token in single-workspace mode (the Slack API fake's auth.test says so). */
export const APP_TEAM = 'T0ACME';

export interface SignInFakes {
  github: FakeGithubOAuth;
  slack: FakeSlackOidc;
  /** The Slack Web API fake behind the OIDC fake (auth.test, and anything the bot calls). */
  slackApi: FakeSlackApi;
  close(): Promise<void>;
}

/** Both providers' fakes; `githubApi` is the GitHub App's fake, when the test also runs the App. */
export async function startSignInFakes({ githubApi, team = APP_TEAM }: { githubApi?: string; team?: string } = {}): Promise<SignInFakes> {
  const slackApi = await startFakeSlackApi();
  slackApi.on('auth.test', () => ({ ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'upkeep', team_id: team, user_id: 'UBOT', bot_id: 'BBOT' }));
  const slack = await startFakeSlackOidc({ forwardApi: slackApi.apiUrl });
  const github = await startFakeGithubOAuth(githubApi ? { forwardApi: githubApi } : {});
  return {
    github,
    slack,
    slackApi,
    close: async () => {
      await Promise.all([github.close(), slack.close(), slackApi.close()]);
    },
  };
}

/**
 * The variables that turn both sign-ins on against the fakes. `installed`: multi-workspace mode
 * (any workspace with an installation); otherwise the single workspace of the bot token.
 */
export function signInEnv(fakes: SignInFakes, { workspaces = 'single' }: { workspaces?: 'single' | 'installed' } = {}): Record<string, string> {
  return {
    UPKEEP_SESSION_SECRET: SESSION_SECRET,
    GITHUB_CLIENT_ID: fakes.github.clientId,
    GITHUB_CLIENT_SECRET: fakes.github.clientSecret,
    GITHUB_WEB_URL: fakes.github.url,
    GITHUB_API_URL: fakes.github.url,
    SLACK_SIGNING_SECRET: 'slack-signing-secret-for-web-tests',
    SLACK_CLIENT_ID: fakes.slack.clientId,
    SLACK_CLIENT_SECRET: fakes.slack.clientSecret,
    SLACK_WEB_URL: fakes.slack.url,
    SLACK_API_URL: fakes.slack.apiUrl,
    ...(workspaces === 'installed' ? { SLACK_STATE_SECRET: 'slack-state-secret-for-web-tests' } : { SLACK_BOT_TOKEN: 'xoxb-web-tests' }),
  };
}

export { freePort };

export interface WebTestApp {
  url: string;
  config: Config;
  services: Services;
  http: HttpApp;
  close(): Promise<void>;
}

/** The web routes of the platform (sessions, /auth/*, API, pages) plus `routes`, served at PUBLIC_URL. */
export async function startWebApp({ db, env, clock = systemClock, routes = [] }: { db: Database; env: Record<string, string>; clock?: Clock; routes?: RoutePlugin[] }): Promise<WebTestApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ PUBLIC_URL: url, PORT: String(port), LOG_LEVEL: 'silent', CURRENCY: 'EUR', ...env });
  const services = createServices({ config, db, clock, log: createLogger('silent') });
  const http = createHttpApp({ ...httpBasics(services), routes: [...webRoutes(services), ...routes] });
  await http.listen(port, '127.0.0.1');
  return { url, config, services, http, close: () => http.close() };
}

/** The cookies a browser keeps: Set-Cookie applied in order (an expired cookie is removed). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(header?: string) {
    for (const part of (header ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at > 0) this.cookies.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
  }

  take(res: Response): this {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface SignInRun {
  /** The provider's authorization URL the app redirected to. */
  authorize: URL;
  /** The callback URL the provider sent the browser back to. */
  callback: URL;
  /** The app's answer to the callback. */
  response: Response;
  /** Its body (a page when refused). */
  body: string;
  jar: CookieJar;
}

/** Follows a sign-in as a browser would: /auth/<provider> → the fake → the callback (manual redirects). */
export async function runSignIn(base: string, provider: 'github' | 'slack', jar = new CookieJar(), { replaceCallback }: { replaceCallback?: (callback: URL) => URL } = {}): Promise<SignInRun> {
  const start = await fetch(`${base}/auth/${provider}`, { redirect: 'manual', headers: { cookie: jar.header() } });
  expect(start.status, `GET /auth/${provider}`).toBe(302);
  jar.take(start);
  const authorize = new URL(start.headers.get('location')!);
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status, 'the provider redirects back').toBe(302);
  let callback = new URL(consent.headers.get('location')!);
  if (replaceCallback) callback = replaceCallback(callback);
  const response = await fetch(callback, { redirect: 'manual', headers: { cookie: jar.header(), accept: 'text/html' } });
  const body = await response.text();
  jar.take(response);
  return { authorize, callback, response, body, jar };
}

/** Signs in as the maintainer `login` through GitHub's flow; the cookie header to send as them. */
export async function signInGithub(base: string, fakes: Pick<SignInFakes, 'github'>, who: string | GithubUser): Promise<string> {
  fakes.github.signInAs(typeof who === 'string' ? { login: who, name: null } : who);
  const run = await runSignIn(base, 'github');
  expect(run.response.status, run.body).toBe(303);
  expect(run.response.headers.get('location')).toBe('/account');
  return run.jar.header();
}

/** Signs in as a Slack user of `team` (the app's workspace by default); the cookie header to send as them. */
export async function signInSlack(
  base: string,
  fakes: Pick<SignInFakes, 'slack'>,
  { team = APP_TEAM, user, name = null, enterprise = null, teamName }: { team?: string; user: string; name?: string | null; enterprise?: string | null; teamName?: string },
): Promise<string> {
  const identity: SlackIdentity = { teamId: team, userId: user, name, enterpriseId: enterprise, ...(teamName ? { teamName } : {}) };
  fakes.slack.signInAs(identity);
  const run = await runSignIn(base, 'slack');
  expect(run.response.status, run.body).toBe(303);
  expect(run.response.headers.get('location')).toBe('/company');
  return run.jar.header();
}

/** The value of the hidden `_csrf` field of a page's form. */
export function csrfFrom(html: string): string {
  const input = /<input\b[^>]*\bname="_csrf"[^>]*>/.exec(html)?.[0];
  const value = input ? /\bvalue="([^"]*)"/.exec(input)?.[1] : undefined;
  if (!value) throw new Error('the page has no _csrf field');
  return value.replace(/&amp;/g, '&');
}

/**
 * Routes for tests of the session module, registered after it like any page plugin: who is signed
 * in, a page with a form, and the form's POST (CSRF-checked) that counts what it applied.
 */
export function sessionProbeRoutes(applied: { count: number }): RoutePlugin {
  return async (app) => {
    const { default: formbody } = await import('@fastify/formbody');
    await app.register(formbody);
    app.get('/test/session', async (request) => ({ session: sessions.read(request) }));
    app.get('/test/form', async (request, reply) => {
      const token = await sessions.csrfToken(request, reply);
      return reply.type('text/html; charset=utf-8').send(`<!doctype html><main><form method="post" action="/test/form"><input type="hidden" name="_csrf" value="${token}"><button>Apply</button></form><form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${token}"><button>Sign out</button></form></main>`);
    });
    app.post('/test/form', { preHandler: sessions.verifyCsrf }, async () => {
      applied.count += 1;
      return { applied: applied.count };
    });
  };
}

/** POSTs a form as a browser does. */
export function postForm(url: string, cookie: string, fields: Record<string, string>, accept = 'text/html'): Promise<Response> {
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept }, body: new URLSearchParams(fields).toString() });
}

/** Opens a page as a browser would and reads its form's token; `cookie` then also holds the CSRF cookie. */
export async function pageWithCsrf(url: string, cookie = ''): Promise<{ html: string; token: string; cookie: string }> {
  const res = await fetch(url, { headers: { cookie, accept: 'text/html' } });
  expect(res.status, url).toBe(200);
  const html = await res.text();
  return { html, token: csrfFrom(html), cookie: new CookieJar(cookie).take(res).header() };
}
