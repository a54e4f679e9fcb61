// Web sessions: who is signed in, in an encrypted HttpOnly SameSite=Lax cookie
// (@fastify/secure-session's sealing, keys derived from UPKEEP_SESSION_SECRET), the short-lived
// sign-in cookie that binds an OAuth `state`/`nonce` to the browser, and CSRF tokens for forms.
//
// Route plugins are registered each in its own encapsulated scope (edge/server.ts), so nothing here
// relies on decorators or hooks reaching other plugins: `sessionPlugin` records its keys for the
// app's HTTP server, and `sessions` finds them from any request of that server.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { fastifyCookie as cookie } from '@fastify/cookie';
import secureSession from '@fastify/secure-session';
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../core/ports/companies.ts';
import type { RoutePlugin } from '../../edge/http.ts';
import { csrfRefusedPage } from './pages.tsx';

export type WebSession =
  | { kind: 'maintainer'; login: string; name: string | null }
  | { kind: 'company'; teamId: string; userId: string; enterpriseId: string | null; name: string | null };

export interface Sessions {
  /** The signed-in person of this request, or null (a tampered or expired cookie is null). */
  read(request: FastifyRequest): WebSession | null;
  /** The CSRF token for the forms of this page: put it in a hidden field named `_csrf`. */
  csrfToken(request: FastifyRequest, reply: FastifyReply): string | Promise<string>;
  /** preHandler for every POST from a page: refuses (403 JSON error `csrf_invalid`, or an HTML page for browsers) a missing or wrong token, changes nothing. */
  verifyCsrf: preHandlerHookHandler;
}

export const SESSION_COOKIE = 'upkeep_session';
export const CSRF_COOKIE = 'upkeep_csrf';
export const SIGN_IN_COOKIE = 'upkeep_signin';
/** The form field (or `x-csrf-token` header) that carries the token. */
export const CSRF_FIELD = '_csrf';

/**
 * A session lasts a day from sign-in; then the person signs in again. Sessions live only in the
 * cookie, so signing out removes it from the browser, and a copied cookie ends with its day.
 */
export const SESSION_SECONDS = 24 * 3600;
/** A sign-in must come back from GitHub or Slack within ten minutes. */
export const SIGN_IN_SECONDS = 10 * 60;

const sessionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('maintainer'), login: z.string().min(1), name: z.string().nullable() }),
  z.object({ kind: z.literal('company'), teamId: z.string().min(1), userId: z.string().min(1), enterpriseId: z.string().nullable(), name: z.string().nullable() }),
]);
const sealedSession = z.object({ who: sessionSchema, sid: z.string().min(16) });

/** A sign-in on its way to GitHub or Slack: what the callback must find again. */
export interface PendingSignIn {
  provider: 'github' | 'slack';
  state: string;
  nonce: string | null;
}
const pendingSchema = z.object({ provider: z.enum(['github', 'slack']), state: z.string().min(16), nonce: z.string().nullable() });

interface Keys {
  seal(data: Record<string, unknown>, which: Sealed): string;
  open(text: string | undefined, which: Sealed): Record<string, unknown> | null;
  csrfKey: Buffer;
  secure: boolean;
}
type Sealed = 'session' | 'signin';

// One entry per HTTP server the plugin is registered on (several apps may run in one process).
const registry = new WeakMap<Server, Keys>();

const derive = (secret: string, purpose: string): Buffer => Buffer.from(hkdfSync('sha256', secret, 'upkeep-web', purpose, 32));

/** A RoutePlugin that registers cookies/session/CSRF support on the app (register it before the page plugins). */
export function sessionPlugin(settings: { secret: string; secureCookies: boolean }): RoutePlugin {
  if (settings.secret.length < 32) throw new Error('UPKEEP_SESSION_SECRET must be at least 32 characters');
  return async (app) => {
    await app.register(secureSession, [
      { sessionName: 'upkeepSession', cookieName: SESSION_COOKIE, key: derive(settings.secret, 'session'), expiry: SESSION_SECONDS },
      { sessionName: 'upkeepSignIn', cookieName: SIGN_IN_COOKIE, key: derive(settings.secret, 'signin'), expiry: SIGN_IN_SECONDS },
    ]);
    const names: Record<Sealed, string> = { session: 'upkeepSession', signin: 'upkeepSignIn' };
    registry.set(app.server, {
      seal: (data, which) => app.encodeSecureSession(app.createSecureSession({ ...data }), names[which]),
      open: (text, which) => {
        if (!text) return null;
        try {
          return (app.decodeSecureSession(text, undefined, names[which])?.data() as Record<string, unknown> | undefined) ?? null;
        } catch {
          return null;
        }
      },
      csrfKey: derive(settings.secret, 'csrf'),
      secure: settings.secureCookies,
    });
  };
}

function keysOf(request: FastifyRequest): Keys | null {
  return registry.get(request.server.server) ?? null;
}

function cookiesOf(request: FastifyRequest): Record<string, string> {
  const header = request.headers.cookie;
  if (!header) return {};
  try {
    return cookie.parse(header);
  } catch {
    return {};
  }
}

function setCookie(reply: FastifyReply, keys: Keys, name: string, value: string, maxAge: number, path = '/'): void {
  reply.header('set-cookie', cookie.serialize(name, value, { httpOnly: true, sameSite: 'lax', secure: keys.secure, path, maxAge }));
}

function clearCookie(reply: FastifyReply, keys: Keys, name: string, path = '/'): void {
  reply.header('set-cookie', cookie.serialize(name, '', { httpOnly: true, sameSite: 'lax', secure: keys.secure, path, maxAge: 0, expires: new Date(0) }));
}

function sealedOf(request: FastifyRequest): { who: WebSession; sid: string } | null {
  const keys = keysOf(request);
  if (!keys) return null;
  const parsed = sealedSession.safeParse(keys.open(cookiesOf(request)[SESSION_COOKIE], 'session'));
  return parsed.success ? parsed.data : null;
}

/** Starts the session of `who` (a new session id: CSRF tokens issued before no longer count). */
export function startSession(request: FastifyRequest, reply: FastifyReply, who: WebSession): void {
  const keys = requireKeys(request);
  setCookie(reply, keys, SESSION_COOKIE, keys.seal({ who, sid: randomBytes(18).toString('base64url') }, 'session'), SESSION_SECONDS);
}

/** Ends the session of this browser. */
export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  const keys = keysOf(request);
  if (keys) clearCookie(reply, keys, SESSION_COOKIE);
}

const SIGN_IN_PATH = '/auth';

/** Remembers, in this browser only, the sign-in being started. */
export function beginSignIn(request: FastifyRequest, reply: FastifyReply, pending: PendingSignIn): void {
  const keys = requireKeys(request);
  setCookie(reply, keys, SIGN_IN_COOKIE, keys.seal({ ...pending }, 'signin'), SIGN_IN_SECONDS, SIGN_IN_PATH);
}

/** The sign-in this browser started (null when none, expired or tampered); the cookie is spent either way. */
export function takeSignIn(request: FastifyRequest, reply: FastifyReply): PendingSignIn | null {
  const keys = keysOf(request);
  if (!keys) return null;
  const raw = cookiesOf(request)[SIGN_IN_COOKIE];
  if (raw !== undefined) clearCookie(reply, keys, SIGN_IN_COOKIE, SIGN_IN_PATH);
  const parsed = pendingSchema.safeParse(keys.open(raw, 'signin'));
  return parsed.success ? parsed.data : null;
}

/** Constant-time equality of two strings. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function requireKeys(request: FastifyRequest): Keys {
  const keys = keysOf(request);
  if (!keys) throw new Error('sessionPlugin is not registered on this app');
  return keys;
}

// CSRF: a random secret in its own HttpOnly cookie (signed, so it cannot be planted), and tokens
// that are an HMAC of a salt, that secret and the session id: a token is good only in the browser
// it was issued to, for the session it was issued in.
const pendingSecrets = new WeakMap<FastifyRequest, string>();

const mac = (key: Buffer, text: string): string => createHmac('sha256', key).update(text).digest('base64url');

function csrfSecretOf(request: FastifyRequest, keys: Keys): string | null {
  const raw = cookiesOf(request)[CSRF_COOKIE];
  const [secret, sig] = (raw ?? '').split('.');
  if (!secret || !sig || !sameText(sig, mac(keys.csrfKey, `cookie:${secret}`))) return null;
  return secret;
}

const tokenFor = (keys: Keys, salt: string, secret: string, sid: string): string => `${salt}.${mac(keys.csrfKey, `token:${salt}:${secret}:${sid}`)}`;

function csrfValid(request: FastifyRequest, token: unknown): boolean {
  const keys = keysOf(request);
  if (!keys || typeof token !== 'string') return false;
  const secret = csrfSecretOf(request, keys);
  const [salt] = token.split('.');
  if (!secret || !salt) return false;
  return sameText(token, tokenFor(keys, salt, secret, sealedOf(request)?.sid ?? ''));
}

function tokenOf(request: FastifyRequest): unknown {
  const body = request.body;
  if (body && typeof body === 'object' && CSRF_FIELD in body) return (body as Record<string, unknown>)[CSRF_FIELD];
  return request.headers['x-csrf-token'];
}

const wantsHtml = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept ?? '';
  const type = request.headers['content-type'] ?? '';
  return /text\/html/.test(accept) || (!/application\/json/.test(accept) && /application\/x-www-form-urlencoded|multipart\/form-data/.test(type));
};

/** The Sessions helper for route plugins (works on any request once sessionPlugin is registered). */
export const sessions: Sessions = {
  read: (request) => sealedOf(request)?.who ?? null,
  csrfToken(request, reply) {
    const keys = requireKeys(request);
    let secret = csrfSecretOf(request, keys) ?? pendingSecrets.get(request) ?? null;
    if (!secret) {
      secret = randomBytes(18).toString('base64url');
      pendingSecrets.set(request, secret);
      setCookie(reply, keys, CSRF_COOKIE, `${secret}.${mac(keys.csrfKey, `cookie:${secret}`)}`, SESSION_SECONDS);
    }
    return tokenFor(keys, randomBytes(9).toString('base64url'), secret, sealedOf(request)?.sid ?? '');
  },
  verifyCsrf: async function verifyCsrf(request, reply) {
    if (csrfValid(request, tokenOf(request))) return;
    const message = 'This form has expired or did not come from an Upkeep page, so nothing was changed. Reload the page and try again.';
    reply.code(403).header('cache-control', 'no-store');
    if (wantsHtml(request)) void reply.type('text/html; charset=utf-8').send(csrfRefusedPage(message));
    else void reply.send({ error: { code: 'csrf_invalid', message } });
    return reply;
  },
};

/**
 * Who a company session acts as, exactly as the Slack adapter identifies a Slack user
 * (bots/slack/workspace.ts actorOf): `slack:U…` in `slack:T…`, or `slack:E…:T…` in an Enterprise Grid.
 */
export function companyActor(session: Extract<WebSession, { kind: 'company' }>): Actor {
  const workspace = session.enterpriseId ? `slack:${session.enterpriseId}:${session.teamId}` : `slack:${session.teamId}`;
  return { userRef: `slack:${session.userId}`, workspace };
}
