// What both sign-ins share: starting one (state bound to the browser), and the callback's checks
// in order: consent given, the state this browser started (single use: the sign-in cookie is spent
// and the state is claimed once in the inbound log), then the provider's own exchange. Any
// refusal is a page that says what happened and links to try again; nothing changes.
import { generateState, OAuth2RequestError } from 'arctic';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { receiveOnce } from '../../core/inbound.ts';
import type { AuthDeps } from './deps.ts';
import { authPage } from './pages.tsx';
import { beginSignIn, sameText, startSession, takeSignIn, type PendingSignIn, type WebSession } from './session.ts';

export type Provider = PendingSignIn['provider'];

export const PROVIDER_NAME: Record<Provider, string> = { github: 'GitHub', slack: 'Slack' };

/** A refusal of the sign-in, shown as a page. */
export class SignInRefused extends Error {
  constructor(
    readonly status: 400 | 403 | 502,
    readonly title: string,
    message: string,
    /** Logged, never shown. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** Query parameters as the provider sends them back; anything odd reads as absent. */
const text = z.string().min(1).max(2048).optional().catch(undefined);
export const callbackQuery = z.object({ code: text, state: text, error: text, error_description: text });
export type CallbackQuery = z.infer<typeof callbackQuery>;

export const callbackPath = (provider: Provider) => `/auth/${provider}/callback`;

/** Remembers a new sign-in in this browser and redirects to the provider's authorization page. */
export function startSignIn(request: FastifyRequest, reply: FastifyReply, provider: Provider, authorizeUrl: (state: string, nonce: string | null) => URL, withNonce: boolean) {
  const state = generateState();
  const nonce = withNonce ? generateState() : null;
  beginSignIn(request, reply, { provider, state, nonce });
  return reply.header('cache-control', 'no-store').redirect(authorizeUrl(state, nonce).toString(), 302);
}

export function sendPage(reply: FastifyReply, status: number, page: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}

const tryAgain = (provider: Provider) => ({ href: `/auth/${provider}`, label: `Sign in with ${PROVIDER_NAME[provider]} again` });

/** Runs the callback: the checks, then `finish` (exchange and identity), then the session. */
export async function completeSignIn(
  deps: Pick<AuthDeps, 'inbound' | 'log'>,
  request: FastifyRequest,
  reply: FastifyReply,
  provider: Provider,
  query: CallbackQuery,
  finish: (code: string, pending: PendingSignIn) => Promise<{ who: WebSession; to: string }>,
) {
  const name = PROVIDER_NAME[provider];
  const pending = takeSignIn(request, reply);
  const refuse = (e: SignInRefused) => {
    deps.log.info({ provider, status: e.status, reason: e.reason ?? e.message }, 'web sign-in refused');
    return sendPage(reply, e.status, authPage({ title: e.title, message: e.message, action: tryAgain(provider) }));
  };
  if (query.error) {
    const denied = query.error === 'access_denied';
    return refuse(
      new SignInRefused(
        denied ? 403 : 400,
        denied ? 'Sign-in cancelled' : 'Sign-in failed',
        denied ? `You did not allow Upkeep on ${name}, so you are not signed in.` : `${name} did not sign you in (${query.error}).`,
        query.error_description,
      ),
    );
  }
  if (!pending || pending.provider !== provider || !query.state || !sameText(query.state, pending.state)) {
    return refuse(
      new SignInRefused(403, 'This sign-in link is not valid', `This link did not come from a sign-in started in this browser, or it has expired (after 10 minutes). Nothing was changed; start again.`, pending ? 'state mismatch' : 'no sign-in cookie'),
    );
  }
  if (!query.code) return refuse(new SignInRefused(400, 'Sign-in failed', `${name} sent no authorization code back. Start again.`));
  const code = query.code;
  const received = await receiveOnce(deps.inbound, { source: 'web-signin', externalId: `${provider}:${pending.state}`, kind: provider }, 'claim-first', async () => {
    try {
      return await finish(code, pending);
    } catch (e) {
      // The claim is kept whatever happened: a state is good for one attempt only.
      if (e instanceof SignInRefused) return e;
      if (e instanceof OAuth2RequestError) return new SignInRefused(400, 'Sign-in failed', `${name} did not accept the sign-in (${e.code}). Start again.`, e.description ?? undefined);
      deps.log.warn({ err: e, provider }, 'web sign-in failed');
      return new SignInRefused(502, `${name} could not be reached`, `Upkeep could not finish the sign-in with ${name}. Try again in a moment.`);
    }
  });
  if (received.duplicate) return refuse(new SignInRefused(403, 'This sign-in link was already used', 'Each sign-in link works once. Nothing was changed; start again.', 'replayed state'));
  const outcome = received.value;
  if (outcome instanceof SignInRefused) return refuse(outcome);
  startSession(request, reply, outcome.who);
  return reply.header('cache-control', 'no-store').redirect(outcome.to, 303);
}

/** The page of a sign-in the operator has not configured. */
export function notConfigured(reply: FastifyReply, provider: Provider, variables: string) {
  const who = provider === 'github' ? 'Maintainer sign-in' : 'Company sign-in';
  return sendPage(
    reply,
    404,
    authPage({
      title: `${who} is not configured`,
      message: `Signing in with ${PROVIDER_NAME[provider]} is not set up on this Upkeep.`,
      detail: `The operator enables it by setting ${variables} (see the README, "Web sign-in").`,
    }),
  );
}
