// A local fake of Sign in with Slack (OpenID Connect) on 127.0.0.1, for tests and the demo: the
// browser's authorize redirect, discovery and the signing keys (SLACK_WEB_URL = `url`), and the
// Web API methods `openid.connect.token` and `openid.connect.userInfo` (SLACK_API_URL = `apiUrl`).
// Any other Web API method is passed on to `forwardApi` (the Slack API fake,
// dev/fakes/slack-api.ts) when one is given, so the bot and sign-in share one SLACK_API_URL.
// ID tokens are RS256 JWTs signed with the key published at /openid/connect/keys, with Slack's
// claims (`https://slack.com/team_id`, `https://slack.com/user_id`...); codes are single use.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { forward, type OAuthCall } from './github-oauth.ts';

export interface SlackIdentity {
  teamId: string;
  userId: string;
  name?: string | null;
  teamName?: string;
  /** Enterprise Grid id, when the workspace belongs to one. */
  enterpriseId?: string | null;
  email?: string;
}

/** What the next ID token gets wrong, for security tests (applied once). */
export interface IdTokenFault {
  /** A nonce other than the one the authorization carried. */
  nonce?: string;
  /** Signed by a key that is not the published one (same `kid`). */
  foreignKey?: boolean;
  /** Already expired. */
  expired?: boolean;
  audience?: string;
  issuer?: string;
  /** No `name` in the token, so the server has to read openid.connect.userInfo. */
  withoutName?: boolean;
}

export interface FakeSlackOidc {
  /** SLACK_WEB_URL. */
  url: string;
  /** SLACK_API_URL (trailing slash, as the Web API base). */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  calls: OAuthCall[];
  /** Who approves the next authorizations (until changed). */
  signInAs(identity: SlackIdentity): void;
  /** The next authorization is refused by the user (`error=access_denied`), once. */
  denyNext(): void;
  /** The next ID token carries this fault, once. */
  faultNextIdToken(fault: IdTokenFault): void;
  /** The next code exchange answers `{ ok: false, error }`, once. */
  failNextExchange(error: string): void;
  of(path: string): OAuthCall[];
  reset(): void;
  close(): Promise<void>;
}

const CODE_TTL_MS = 10 * 60_000;
const KID = 'fake-slack-key-1';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function credentialsOf(req: IncomingMessage, params: Record<string, string>): { id: string | undefined; secret: string | undefined } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { id, secret: rest.join(':') };
  }
  return { id: params.client_id, secret: params.client_secret };
}

/** Slack's claims about a user, as the ID token and userInfo carry them. */
function claimsOf(who: SlackIdentity): Record<string, unknown> {
  return {
    sub: who.userId,
    'https://slack.com/user_id': who.userId,
    'https://slack.com/team_id': who.teamId,
    'https://slack.com/team_name': who.teamName ?? `Team ${who.teamId}`,
    ...(who.enterpriseId ? { 'https://slack.com/enterprise_id': who.enterpriseId } : {}),
    ...(who.email ? { email: who.email, email_verified: true } : {}),
    ...(who.name ? { name: who.name, given_name: who.name.split(' ')[0] } : {}),
  };
}

export async function startFakeSlackOidc({
  clientId = '1111.2222',
  clientSecret = 'fake-slack-client-secret',
  forwardApi,
}: { clientId?: string; clientSecret?: string; forwardApi?: string } = {}): Promise<FakeSlackOidc> {
  const calls: OAuthCall[] = [];
  const keys = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { who: SlackIdentity; redirectUri: string; nonce: string | undefined; expires: number }>();
  const tokens = new Map<string, SlackIdentity>();
  let identity: SlackIdentity = { teamId: 'T0FAKE', userId: 'U0FAKE', name: 'Fake User', teamName: 'Acme' };
  let deny = false;
  let fault: IdTokenFault | null = null;
  let exchangeError: string | null = null;
  let url = '';

  const idToken = async (who: SlackIdentity, nonce: string | undefined): Promise<string> => {
    const f = fault ?? {};
    fault = null;
    const now = Math.floor(Date.now() / 1000);
    const claims = claimsOf(who);
    if (f.withoutName) delete claims.name;
    const n = f.nonce ?? nonce;
    const key: CryptoKey = f.foreignKey ? foreign.privateKey : keys.privateKey;
    return new SignJWT({ ...claims, ...(n !== undefined ? { nonce: n } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
      .setIssuer(f.issuer ?? url)
      .setAudience(f.audience ?? clientId)
      .setIssuedAt(f.expired ? now - 7200 : now)
      .setExpirationTime(f.expired ? now - 3600 : now + 300)
      .sign(key);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const at = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      const form = body.length > 0 ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : {};
      const params: Record<string, string> = { ...Object.fromEntries(at.searchParams), ...form };
      const ours = ['/openid/connect/authorize', '/openid/connect/keys', '/.well-known/openid-configuration', '/api/openid.connect.token', '/api/openid.connect.userInfo'];
      if (!ours.includes(at.pathname) && at.pathname.startsWith('/api/') && forwardApi) {
        return forward(req, res, new URL(at.pathname.slice('/api/'.length) + at.search, 'http://x/'), body, forwardApi);
      }
      calls.push({ method: req.method ?? 'GET', path: at.pathname, params, authorization: req.headers.authorization ?? null });

      switch (at.pathname) {
        case '/.well-known/openid-configuration':
          return json(res, 200, {
            issuer: url,
            authorization_endpoint: `${url}/openid/connect/authorize`,
            token_endpoint: `${url}/api/openid.connect.token`,
            userinfo_endpoint: `${url}/api/openid.connect.userInfo`,
            jwks_uri: `${url}/openid/connect/keys`,
            scopes_supported: ['openid', 'profile', 'email'],
            response_types_supported: ['code'],
            response_modes_supported: ['form_post'],
            grant_types_supported: ['authorization_code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            claims_supported: ['sub', 'auth_time', 'iss'],
            claims_parameter_supported: false,
            request_parameter_supported: false,
            request_uri_parameter_supported: true,
            token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          });
        case '/openid/connect/keys':
          return json(res, 200, { keys: [jwk] });
        case '/openid/connect/authorize': {
          const redirect = params.redirect_uri;
          const scopes = (params.scope ?? '').split(/[\s,]+/);
          if (params.client_id !== clientId || !redirect || params.response_type !== 'code' || !scopes.includes('openid')) {
            res.writeHead(400, { 'content-type': 'text/plain' });
            res.end('Invalid client_id, redirect_uri, response_type or scope.');
            return;
          }
          const back = new URL(redirect);
          if (deny) {
            deny = false;
            back.searchParams.set('error', 'access_denied');
          } else {
            const code = randomBytes(10).toString('hex');
            codes.set(code, { who: identity, redirectUri: redirect, nonce: params.nonce, expires: Date.now() + CODE_TTL_MS });
            back.searchParams.set('code', code);
          }
          if (params.state !== undefined) back.searchParams.set('state', params.state);
          res.writeHead(302, { location: back.toString() });
          res.end();
          return;
        }
        case '/api/openid.connect.token': {
          const { id, secret } = credentialsOf(req, params);
          if (id !== clientId || secret !== clientSecret) return json(res, 200, { ok: false, error: 'invalid_client_id' });
          if (exchangeError) {
            const error = exchangeError;
            exchangeError = null;
            return json(res, 200, { ok: false, error });
          }
          const grant = codes.get(params.code ?? '');
          codes.delete(params.code ?? '');
          if (!grant || grant.expires < Date.now()) return json(res, 200, { ok: false, error: 'invalid_code' });
          if (params.redirect_uri !== grant.redirectUri) return json(res, 200, { ok: false, error: 'bad_redirect_uri' });
          const token = `xoxp-${randomBytes(12).toString('hex')}`;
          tokens.set(token, grant.who);
          return json(res, 200, { ok: true, access_token: token, token_type: 'Bearer', id_token: await idToken(grant.who, grant.nonce) });
        }
        case '/api/openid.connect.userInfo': {
          const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? params.token;
          const who = bearer ? tokens.get(bearer) : undefined;
          if (!who) return json(res, 200, { ok: false, error: 'invalid_auth' });
          return json(res, 200, { ok: true, ...claimsOf(who) });
        }
        default:
          return json(res, 404, { ok: false, error: 'unknown_method' });
      }
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { ok: false, error: 'fake_failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    clientId,
    clientSecret,
    calls,
    signInAs: (next) => void (identity = next),
    denyNext: () => void (deny = true),
    faultNextIdToken: (next) => void (fault = next),
    failNextExchange: (error) => void (exchangeError = error),
    of: (path) => calls.filter((c) => c.path === path),
    reset: () => {
      calls.length = 0;
      deny = false;
      fault = null;
      exchangeError = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
