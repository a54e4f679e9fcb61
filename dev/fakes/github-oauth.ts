// A local fake of GitHub's web sign-in (the GitHub App's user authorization) on 127.0.0.1, for
// tests and the demo: the browser's authorize redirect, the server's code exchange and `GET /user`.
// Point GITHUB_WEB_URL and GITHUB_API_URL at `url`; any other API path is passed on to
// `forwardApi` (the GitHub App's fake, dev/fakes/github-api.ts) when one is given.
// Codes are single-use and expire like GitHub's; every call is recorded.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GithubUser {
  login: string;
  name?: string | null;
  id?: number;
}

export interface OAuthCall {
  method: string;
  path: string;
  /** Query or form parameters. */
  params: Record<string, string>;
  authorization: string | null;
}

export interface FakeGithubOAuth {
  url: string;
  clientId: string;
  clientSecret: string;
  calls: OAuthCall[];
  /** Who approves the next authorizations (until changed). */
  signInAs(user: GithubUser): void;
  /** The next authorization is refused by the user (`error=access_denied`), once. */
  denyNext(): void;
  /** The next code exchange answers this OAuth error (`bad_verification_code`...), once. */
  failNextExchange(error: string): void;
  /** Calls of one path (`/login/oauth/access_token`, `/user`). */
  of(path: string): OAuthCall[];
  reset(): void;
  close(): Promise<void>;
}

const CODE_TTL_MS = 10 * 60_000;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function paramsOf(body: Buffer, type: string): Record<string, string> {
  const text = body.toString('utf8');
  if (text === '') return {};
  if (type.includes('application/json')) {
    try {
      return Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Client credentials from HTTP Basic or the form, as GitHub accepts both. */
function credentialsOf(req: IncomingMessage, params: Record<string, string>): { id: string | undefined; secret: string | undefined } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { id, secret: rest.join(':') };
  }
  return { id: params.client_id, secret: params.client_secret };
}

export async function startFakeGithubOAuth({
  clientId = 'Iv1.fakeclient',
  clientSecret = 'fake-github-client-secret',
  forwardApi,
}: { clientId?: string; clientSecret?: string; forwardApi?: string } = {}): Promise<FakeGithubOAuth> {
  const calls: OAuthCall[] = [];
  const codes = new Map<string, { user: GithubUser; redirectUri: string; expires: number }>();
  const tokens = new Map<string, GithubUser>();
  let user: GithubUser = { login: 'octocat', name: 'The Octocat' };
  let deny = false;
  let exchangeError: string | null = null;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      const params = { ...Object.fromEntries(url.searchParams), ...paramsOf(body, String(req.headers['content-type'] ?? '')) };
      const known = ['/login/oauth/authorize', '/login/oauth/access_token', '/user'].includes(url.pathname);
      if (!known && forwardApi) return forward(req, res, url, body, forwardApi);
      calls.push({ method: req.method ?? 'GET', path: url.pathname, params, authorization: req.headers.authorization ?? null });

      if (url.pathname === '/login/oauth/authorize' && req.method === 'GET') {
        const redirect = params.redirect_uri;
        if (params.client_id !== clientId || !redirect) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('The client_id or redirect_uri is wrong.');
          return;
        }
        const back = new URL(redirect);
        if (deny) {
          deny = false;
          back.searchParams.set('error', 'access_denied');
          back.searchParams.set('error_description', 'The user has denied your application access.');
        } else {
          const code = randomBytes(10).toString('hex');
          codes.set(code, { user, redirectUri: redirect, expires: Date.now() + CODE_TTL_MS });
          back.searchParams.set('code', code);
        }
        if (params.state !== undefined) back.searchParams.set('state', params.state);
        res.writeHead(302, { location: back.toString() });
        res.end();
        return;
      }

      if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
        const { id, secret } = credentialsOf(req, params);
        // GitHub answers 200 with an error body for a bad code or bad credentials.
        if (id !== clientId || secret !== clientSecret) return json(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
        if (exchangeError) {
          const error = exchangeError;
          exchangeError = null;
          return json(res, 200, { error, error_description: 'The code passed is incorrect or expired.' });
        }
        const grant = codes.get(params.code ?? '');
        codes.delete(params.code ?? '');
        if (!grant || grant.expires < Date.now() || (params.redirect_uri && params.redirect_uri !== grant.redirectUri)) {
          return json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
        }
        const token = `ghu_${randomBytes(12).toString('hex')}`;
        tokens.set(token, grant.user);
        return json(res, 200, { access_token: token, token_type: 'bearer', scope: '', expires_in: 28800 });
      }

      if (url.pathname === '/user' && req.method === 'GET') {
        const bearer = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const who = bearer ? tokens.get(bearer[1]!) : undefined;
        if (!who) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        return json(res, 200, { login: who.login, id: who.id ?? 1000 + who.login.length, name: who.name ?? null, type: 'User' });
      }

      json(res, 404, { message: 'Not Found' });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { message: 'fake failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    calls,
    signInAs: (next) => void (user = next),
    denyNext: () => void (deny = true),
    failNextExchange: (error) => void (exchangeError = error),
    of: (path) => calls.filter((c) => c.path === path),
    reset: () => {
      calls.length = 0;
      deny = false;
      exchangeError = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes a request the fake does not serve to another fake, answering what it answers. */
export async function forward(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, base: string): Promise<void> {
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
  const answer = await fetch(`${base.replace(/\/+$/, '')}${url.pathname}${url.search}`, {
    method: req.method ?? 'GET',
    headers,
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    redirect: 'manual',
  });
  const bytes = Buffer.from(await answer.arrayBuffer());
  const out: Record<string, string> = {};
  answer.headers.forEach((v, k) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
  });
  res.writeHead(answer.status, { ...out, 'content-length': bytes.length });
  res.end(bytes);
}
