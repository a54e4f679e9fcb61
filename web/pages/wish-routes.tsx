// Routes of the wish page: GET /wishes/{owner}/{repo}/{n} (anyone; a 404 page for an unknown
// wish) and POST /wishes/{owner}/{repo}/{n}/pledge (a guest's pledge: CSRF-checked first, then
// the form; a refusal is a page with the error's status and nothing recorded; a pledge answers
// 303 to Stripe Checkout, or offline back to the page, which says it is a commitment).
import formbody from '@fastify/formbody';
import type {} from '@fastify/helmet';
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { z } from 'zod';
import { isDomainError } from '../../core/errors.ts';
import type { Ports } from '../../core/ports/index.ts';
import { getWishPage } from '../../core/use-cases/wishes/get-wish-page.ts';
import { placeWebPledge } from '../../core/use-cases/wishes/place-web-pledge.ts';
import { parseWishId, type WishId } from '../../core/wishlist.ts';
import { statusOf, type RoutePlugin } from '../../edge/http.ts';
import type { Sessions } from '../auth/session.ts';
import { renderPage } from './layout.tsx';
import { NoCheckoutPage, PledgeRefusedPage, WishNotFoundPage, WishPageView, wishLinks, type PledgeNotice } from './wish.tsx';

export type WishPageDeps = Pick<Ports, 'wishes' | 'discussion' | 'clock' | 'gateway' | 'outbox' | 'rateLimiter'> & {
  sessions: Pick<Sessions, 'csrfToken' | 'verifyCsrf'>;
  /** Base of canonical URLs, share links and snippets (PUBLIC_URL). */
  publicUrl: string;
  /** Settlement currency (CURRENCY): what a typed amount is in. */
  currency: string;
};

/**
 * The form posts here and the answer sends the browser on to Stripe Checkout (form-action must
 * allow it, as browsers check redirects of a form); issue bodies and comments may show https
 * images.
 */
const WISH_PAGE_HELMET = { contentSecurityPolicy: { directives: { 'form-action': ["'self'", 'https:'], 'img-src': ["'self'", 'https:', 'data:'] } } };

const PLEDGE_BODY_LIMIT = 16 * 1024;

const params = z.object({ owner: z.string().max(200), repo: z.string().max(200), number: z.string().max(20) });
const NOTICE_VALUES = ['paid', 'cancelled', 'recorded'] as const satisfies readonly PledgeNotice[];

/** The page carries a CSRF token tied to this browser: never kept by a shared cache. */
function send(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'private, no-store').type('text/html; charset=utf-8').send(renderPage(page));
}

const field = (body: unknown, name: string): string | null => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : null;
};

const wishIdFrom = (p: z.infer<typeof params>): WishId | null => {
  const id = parseWishId(`${p.owner}/${p.repo}#${p.number}`);
  return id.ok ? id.value : null;
};

const addressOf = (p: z.infer<typeof params>) => `${p.owner}/${p.repo}#${p.number}`;

export function wishPageRoutes(deps: WishPageDeps): RoutePlugin {
  const { sessions, publicUrl } = deps;
  return async (app) => {
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody, { bodyLimit: PLEDGE_BODY_LIMIT });

    app.get(
      '/wishes/:owner/:repo/:number',
      { helmet: WISH_PAGE_HELMET, schema: { params, querystring: z.object({ pledge: z.string().max(20).optional() }) } },
      async (request, reply) => {
        const id = wishIdFrom(request.params);
        if (!id) return send(reply, <WishNotFoundPage address={addressOf(request.params)} />, 404);
        let page;
        try {
          page = await getWishPage({ wishes: deps.wishes, discussion: deps.discussion, clock: deps.clock, gateway: deps.gateway, id });
        } catch (e) {
          if (isDomainError(e) && e.code === 'wish_not_found') return send(reply, <WishNotFoundPage address={addressOf(request.params)} />, 404);
          throw e;
        }
        const asked = request.query.pledge;
        const notice = NOTICE_VALUES.find((n) => n === asked) ?? null;
        const csrf = await sessions.csrfToken(request, reply);
        return send(reply, <WishPageView page={page} publicUrl={publicUrl} csrf={csrf} notice={notice} />);
      },
    );

    app.post(
      '/wishes/:owner/:repo/:number/pledge',
      { preHandler: sessions.verifyCsrf, bodyLimit: PLEDGE_BODY_LIMIT, schema: { params } },
      async (request, reply) => {
        const id = wishIdFrom(request.params);
        if (!id) return send(reply, <WishNotFoundPage address={addressOf(request.params)} />, 404);
        const back = wishLinks(publicUrl, id).path;
        const body = request.body;
        try {
          const placed = await placeWebPledge({
            wishes: deps.wishes,
            gateway: deps.gateway,
            outbox: deps.outbox,
            clock: deps.clock,
            id,
            currency: deps.currency,
            form: { amount: field(body, 'amount'), preset: field(body, 'preset'), name: field(body, 'name'), email: field(body, 'email') },
            rateLimiter: deps.rateLimiter,
            address: request.ip,
          });
          reply.header('cache-control', 'no-store');
          if (placed.checkoutUrl) return reply.redirect(placed.checkoutUrl, 303);
          if (placed.offline) return reply.redirect(`${back}?pledge=recorded`, 303);
          return send(reply, <NoCheckoutPage back={back} />, 502);
        } catch (e) {
          if (!isDomainError(e)) throw e;
          if (e.code === 'wish_not_found') return send(reply, <WishNotFoundPage address={addressOf(request.params)} />, 404);
          // The pledge stands but the provider failed: not the visitor's fault.
          const recorded = e.code === 'payment_failed';
          if (e.code === 'rate_limited') reply.header('retry-after', String(e.details.retryAfterSeconds));
          return send(reply, <PledgeRefusedPage message={e.userMessage} back={back} recorded={recorded} />, recorded ? 502 : statusOf(e.code));
        }
      },
    );
  };
}
