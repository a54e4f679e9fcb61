// Routes of the signed-in pages: /account (maintainers), /company (Slack users), /billing/done,
// and the forms they post. Every POST carries a CSRF token (checked before anything else) and
// answers 303 or a page; a refusal is a page with the domain error's status, never a 500.
import formbody from '@fastify/formbody';
import type {} from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isDomainError } from '../../core/errors.ts';
import { parsePeriod } from '../../core/period.ts';
import type { Actor } from '../../core/ports/companies.ts';
import type { Visibility } from '../../core/ports/companies.ts';
import { createToken } from '../../core/use-cases/create-token.ts';
import { getCompanyDashboard } from '../../core/use-cases/get-company-dashboard.ts';
import { getReceipt } from '../../core/use-cases/get-receipt.ts';
import { maintainerOnboardingLink } from '../../core/use-cases/payments/maintainer-onboarding-link.ts';
import { budgetSetupLink } from '../../core/use-cases/payments/budget-setup-link.ts';
import { requireCompany } from '../../core/use-cases/require-company.ts';
import { revokeToken } from '../../core/use-cases/revoke-token.ts';
import { setVisibility } from '../../core/use-cases/set-visibility.ts';
import { statusOf, type RoutePlugin, type ZodFastify } from '../../edge/http.ts';
import { receiptCsv, receiptJson } from '../api.ts';
import { companyActor, type WebSession } from '../auth/session.ts';
import { receiptSchema } from '../schemas.ts';
import { AccountPage, AccountSignInPage } from './account.tsx';
import { BillingDonePage, CompanyPage, CompanySignInPage, NoCompanyPage } from './company.tsx';
import { accountOf, type PageDeps } from './deps.ts';
import { MessagePage, renderPage } from './layout.tsx';
import type { VNode } from 'preact';

/** Pages holding forms that lead to Stripe (Checkout, Connect onboarding): the 303 after the POST goes there. */
const TO_STRIPE = { contentSecurityPolicy: { directives: { 'form-action': ["'self'", 'https:'] } } };

/** What a redirect back to /company may say (fixed texts: nothing from the URL is shown). */
const COMPANY_NOTICES = {
  visibility: 'Visibility saved.',
  revoked: 'The token is revoked: it no longer opens the API.',
} as const;

type CompanySession = Extract<WebSession, { kind: 'company' }>;
type MaintainerSession = Extract<WebSession, { kind: 'maintainer' }>;

const nameOf = (s: WebSession | null): string | null =>
  s === null ? null : s.kind === 'maintainer' ? `@${s.login}` : (s.name ?? 'a Slack user');

function send(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'private, no-store').type('text/html; charset=utf-8').send(renderPage(page));
}

/** The page for a domain refusal (not an admin, no such token...), with its HTTP status. */
async function refusal(deps: PageDeps, request: FastifyRequest, reply: FastifyReply, error: unknown, back: string): Promise<FastifyReply> {
  if (!isDomainError(error)) throw error;
  const session = deps.sessions.read(request);
  const csrf = session ? await deps.sessions.csrfToken(request, reply) : null;
  const title = error.code === 'not_admin' ? 'Only admins can change this' : 'That did not work';
  return send(
    reply,
    <MessagePage title={title} signedInAs={nameOf(session)} csrf={csrf} link={{ href: back, text: 'Back' }}>
      <p>{error.userMessage}</p>
      <p>Nothing was changed.</p>
    </MessagePage>,
    statusOf(error.code),
  );
}

function signedOut(reply: FastifyReply, page: VNode): FastifyReply {
  return send(reply, page, 401);
}

const field = (body: unknown, name: string): string | null => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : null;
};

export function pageRoutes(deps: PageDeps): RoutePlugin {
  const { sessions } = deps;

  const maintainer = (request: FastifyRequest): MaintainerSession | null => {
    const s = sessions.read(request);
    return s?.kind === 'maintainer' ? s : null;
  };
  const slackUser = (request: FastifyRequest): { session: CompanySession; actor: Actor } | null => {
    const s = sessions.read(request);
    return s?.kind === 'company' ? { session: s, actor: companyActor(s) } : null;
  };

  const accountSignIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const s = sessions.read(request);
    return signedOut(reply, <AccountSignInPage signInConfigured={deps.signIn.github} signedInAs={nameOf(s)} csrf={s ? await sessions.csrfToken(request, reply) : null} />);
  };
  const companySignIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const s = sessions.read(request);
    return signedOut(reply, <CompanySignInPage signInConfigured={deps.signIn.slack} signedInAs={nameOf(s)} csrf={s ? await sessions.csrfToken(request, reply) : null} />);
  };

  const dashboardOf = (actor: Actor) =>
    getCompanyDashboard({ companies: deps.companies, packages: deps.packages, ledger: deps.ledger, payments: deps.payments, gateway: deps.gateway, clock: deps.clock, actor });

  /** The company page (after a POST that made a token, with the token shown once). */
  const companyPage = async (request: FastifyRequest, reply: FastifyReply, extra: { notice?: string | null; created?: Parameters<typeof CompanyPage>[0]['created'] } = {}) => {
    const who = slackUser(request);
    if (!who) return companySignIn(request, reply);
    const csrf = await sessions.csrfToken(request, reply);
    const signedInAs = who.session.name ?? 'a Slack user';
    let dashboard;
    try {
      dashboard = await dashboardOf(who.actor);
    } catch (e) {
      if (isDomainError(e) && e.code === 'company_not_found') return send(reply, <NoCompanyPage signedInAs={signedInAs} csrf={csrf} />, 404);
      throw e;
    }
    return send(reply, <CompanyPage dashboard={dashboard} csrf={csrf} signedInAs={signedInAs} notice={extra.notice ?? null} created={extra.created ?? null} />);
  };

  /** A company form: CSRF first (preHandler), then a Slack session, then the use-case (which checks the role). */
  const companyPost = (app: ZodFastify, url: string, handle: (actor: Actor, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    app.post(url, { preHandler: sessions.verifyCsrf, bodyLimit: 16 * 1024 }, async (request, reply) => {
      const who = slackUser(request);
      if (!who) return companySignIn(request, reply);
      try {
        return await handle(who.actor, request, reply);
      } catch (e) {
        return refusal(deps, request, reply, e, '/company');
      }
    });

  return async (app) => {
    // Forms post urlencoded bodies (the session plugin may already have registered the parser).
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody, { bodyLimit: 16 * 1024 });

    app.get('/account', { helmet: TO_STRIPE }, async (request, reply) => {
      const s = maintainer(request);
      if (!s) return accountSignIn(request, reply);
      const [account, csrf] = await Promise.all([accountOf(deps, s.login), sessions.csrfToken(request, reply)]);
      return send(reply, <AccountPage account={account} csrf={csrf} />);
    });

    app.post('/account/payouts', { preHandler: sessions.verifyCsrf, bodyLimit: 16 * 1024 }, async (request, reply) => {
      const s = maintainer(request);
      if (!s) return accountSignIn(request, reply);
      try {
        const link = await maintainerOnboardingLink({ payments: deps.payments, gateway: deps.gateway, login: s.login, publicUrl: deps.publicUrl });
        if (link.url) return reply.header('cache-control', 'no-store').redirect(link.url, 303);
        const csrf = await sessions.csrfToken(request, reply);
        return send(
          reply,
          <MessagePage title={link.offline ? 'Payouts are offline' : 'Stripe gave no link'} signedInAs={`@${s.login}`} csrf={csrf} link={{ href: '/account', text: 'Back to your account' }}>
            <p>
              {link.offline
                ? 'This Upkeep instance runs without Stripe: there is no payout account to connect, and the operator pays what you are owed by hand.'
                : 'Stripe did not return an onboarding link; nothing was changed. Try again in a moment.'}
            </p>
          </MessagePage>,
          link.offline ? 200 : 502,
        );
      } catch (e) {
        return refusal(deps, request, reply, e, '/account');
      }
    });

    app.get(
      '/company',
      { helmet: TO_STRIPE, schema: { querystring: z.object({ done: z.string().optional() }) } },
      async (request, reply) => {
        const done = request.query.done;
        const notice = done !== undefined && done in COMPANY_NOTICES ? COMPANY_NOTICES[done as keyof typeof COMPANY_NOTICES] : null;
        return companyPage(request, reply, { notice });
      },
    );

    companyPost(app, '/company/billing', async (actor, request, reply) => {
      const link = await budgetSetupLink({ companies: deps.companies, payments: deps.payments, gateway: deps.gateway, actor, rateLimiter: deps.rateLimiter, address: request.ip, now: deps.clock.now() });
      if (link.url) return reply.header('cache-control', 'no-store').redirect(link.url, 303);
      const csrf = await sessions.csrfToken(request, reply);
      return send(
        reply,
        <MessagePage title={link.offline ? 'Payments are offline' : 'Stripe gave no link'} csrf={csrf} signedInAs={slackUser(request)?.session.name ?? 'a Slack user'} link={{ href: '/company', text: 'Back to the company page' }}>
          <p>
            {link.offline
              ? 'This Upkeep instance runs without Stripe: budgets are recorded as owed at each month-end and settled by the operator, so no card is needed.'
              : 'Stripe did not return a Checkout link; nothing was changed. Try again in a moment.'}
          </p>
        </MessagePage>,
        link.offline ? 200 : 502,
      );
    });

    companyPost(app, '/company/tokens', async (actor, request, reply) => {
      const created = await createToken({ companies: deps.companies, actor, name: field(request.body, 'name'), randomBytes: deps.randomBytes, hash: deps.hashToken });
      return companyPage(request, reply, { created });
    });

    app.post(
      '/company/tokens/:id/revoke',
      { preHandler: sessions.verifyCsrf, bodyLimit: 16 * 1024, schema: { params: z.object({ id: z.string().max(64) }) } },
      async (request, reply) => {
        const who = slackUser(request);
        if (!who) return companySignIn(request, reply);
        try {
          await revokeToken({ companies: deps.companies, clock: deps.clock, actor: who.actor, tokenId: request.params.id });
          return reply.redirect('/company?done=revoked', 303);
        } catch (e) {
          return refusal(deps, request, reply, e, '/company');
        }
      },
    );

    companyPost(app, '/company/visibility', async (actor, request, reply) => {
      await setVisibility({ companies: deps.companies, actor, visibility: (field(request.body, 'visibility') ?? '') as Visibility });
      return reply.redirect('/company?done=visibility', 303);
    });

    // The API's receipt, for the signed-in company: the same JSON and CSV as /api/v1/company/receipts.
    app.get('/company/receipts/:file', { schema: { params: z.object({ file: z.string().max(32) }) } }, async (request, reply) => {
      const who = slackUser(request);
      if (!who) return companySignIn(request, reply);
      const m = /^(.+)\.(csv|json)$/.exec(request.params.file);
      try {
        if (!m) return reply.code(400).send({ error: { code: 'invalid_input', message: 'Ask for a month as CSV or JSON, e.g. /company/receipts/2026-11.csv or /company/receipts/2026-11.json.' } });
        const parsed = parsePeriod(m[1]!);
        if (!parsed.ok) return reply.code(400).send({ error: { code: parsed.error.code, message: parsed.error.userMessage } });
        const company = await requireCompany({ companies: deps.companies, actor: who.actor });
        const receipt = await getReceipt({ ledger: deps.ledger, company, period: parsed.value, payments: deps.payments });
        reply.header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="upkeep-receipt-${receipt.period}.${m[2]}"`);
        if (m[2] === 'csv') return reply.type('text/csv; charset=utf-8').send(receiptCsv(receipt));
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(receiptSchema.parse(receiptJson(receipt))));
      } catch (e) {
        return refusal(deps, request, reply, e, '/company');
      }
    });

    app.get('/billing/done', async (request, reply) => {
      const s = sessions.read(request);
      const csrf = s ? await sessions.csrfToken(request, reply) : null;
      return send(reply, <BillingDonePage signedInAs={nameOf(s)} csrf={csrf} />);
    });
  };
}
