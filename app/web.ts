// The web layer's share of the composition: each route plugin gets the ports it names, and
// /healthz gets the database probe.
import { randomBytes } from 'node:crypto';
import { runProbe, withDeadline, type HealthProbe } from '../edge/contribution.ts';
import { HttpError, type RoutePlugin } from '../edge/http.ts';
import { stripeWebhookRoutes } from '../payments/stripe-webhook.ts';
import type { Database } from '../prisma/db.ts';
import { adminRoutes, type AdminJobs } from '../web/admin.ts';
import { apiRoutes } from '../web/api.ts';
import { apiDocument, openApiRoutes } from '../web/openapi.ts';
import { widgetRoutes } from '../web/widget.ts';
import { ogRoutes } from '../web/og.ts';
import { badgeRoutes } from '../web/badges.ts';
import { wishRoutes } from '../web/wishes.ts';
import { signInRoutes, sessions } from '../web/auth/index.ts';
import { meRoutes } from '../web/me.ts';
import type { PageDeps } from '../web/pages/deps.ts';
import { pageRoutes } from '../web/pages/routes.tsx';
import { wishPageRoutes } from '../web/pages/wish-routes.tsx';
import { joinLinks } from '../web/pages/home.tsx';
import { publicPageRoutes } from '../web/pages/public-routes.tsx';
import { PrismaSlackInstallationStore } from '../prisma/slack-installation-store.ts';
import type { HttpAppOptions } from '../edge/server.ts';
import type { Services } from './services.ts';

/** The public routes: API, its OpenAPI document and reference, banner and share page. */
export function webRoutes(s: Services): RoutePlugin[] {
  const { fundingStats, packages, clock, companies, ledger, hashToken, wishes, payments } = s;
  return [
    ...signInRoutes({ inbound: s.inbound, log: s.log, publicUrl: s.config.publicUrl, settings: s.config.signIn, installedIn: async (team) => (await new PrismaSlackInstallationStore(s.db.prisma).botTokenOf(team)) !== null }), // sessions, /auth/* (before the pages)
    openApiRoutes,
    apiRoutes({ fundingStats, packages, clock, companies, ledger, hashToken, payments, currency: s.config.currency }),
    wishRoutes({ wishes }),
    widgetRoutes({ wishes, clock, publicUrl: s.config.publicUrl }),
    ogRoutes({ wishes, clock }),
    badgeRoutes({ wishes, clock, fundingStats, packages, currency: s.config.currency }),
    publicPageRoutes({ clock, fundingStats, packages, repositories: s.repositories, wishes, wishSearch: s.wishSearch, publicUrl: s.config.publicUrl, currency: s.config.currency, join: joinLinks({ publicUrl: s.config.publicUrl, slackInstall: s.config.slack?.oauth != null, githubAppSlug: s.config.github ? s.config.githubAppSlug : null, discordApplicationId: s.config.discord?.applicationId ?? null }) }), // /, /projects/*, /packages/*
    wishPageRoutes({ wishes, discussion: s.discussion, clock, gateway: s.gateway, outbox: s.outbox, rateLimiter: s.rateLimiter, sessions, publicUrl: s.config.publicUrl, currency: s.config.currency }), // /wishes/* (page, pledge form)
    ...accountAndCompanyRoutes(s), // /account, /company, /billing/done, /api/v1/me
  ];
}

/** The signed-in pages (maintainer account, company page) and /api/v1/me. */
export function accountAndCompanyRoutes(s: Services): RoutePlugin[] {
  const { clock, companies, packages, ledger, payments, gateway, repositories, wishes, hashToken, rateLimiter } = s;
  const deps: PageDeps = {
    ...{ clock, companies, packages, ledger, payments, gateway, repositories, wishes, hashToken, rateLimiter },
    sessions,
    publicUrl: s.config.publicUrl,
    currency: s.config.currency,
    signIn: { github: s.config.signIn.github !== null, slack: s.config.signIn.slack !== null },
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  };
  return [pageRoutes(deps), meRoutes(deps)];
}

/** POST /stripe/webhooks, or nothing when payments are offline. */
export function paymentRoutes(s: Services): RoutePlugin[] {
  const { clock, gateway, inboundEffects, log } = s;
  const stripe = stripeWebhookRoutes({ clock, gateway, inboundEffects, log, settings: s.config.stripe });
  return stripe ? [stripe] : [];
}

/** /admin/* on the job runtime; none without UPKEEP_ADMIN_TOKEN. */
export function operatorRoutes(s: Services, jobs: AdminJobs & { readonly probe: HealthProbe }): RoutePlugin[] {
  return adminRoutes({ ledger: s.ledger, clock: s.clock, log: s.log, adminToken: s.config.adminToken, jobs: answeringFast(jobs) });
}

/** Longest an operator waits for the queue to take a close once its probe answered. */
const ENQUEUE_TIMEOUT_MS = 5_000;

const queueDown = () =>
  new HttpError(503, 'queue_unavailable', 'The job queue is not answering, so nothing was enqueued. Try again once /healthz reports the queue ok.', { 'retry-after': '30' });

/**
 * The job runtime as the operator routes see it: a queue that is down (ioredis holds commands
 * while disconnected) answers 503 within the probe's timeout instead of holding the request.
 * A close that times out after all may still be enqueued when the queue returns: harmless, a
 * close is idempotent (job id `close-<period>`).
 */
function answeringFast(jobs: AdminJobs & { readonly probe: HealthProbe }): AdminJobs {
  const ready = async () => {
    if ((await runProbe(jobs.probe)).state !== 'ok') throw queueDown();
  };
  return {
    backend: jobs.backend,
    queues: jobs.queues,
    counts: async () => {
      await ready();
      return withDeadline(jobs.counts(), ENQUEUE_TIMEOUT_MS, queueDown);
    },
    enqueueClose: async (period) => {
      await ready();
      return withDeadline(jobs.enqueueClose(period), ENQUEUE_TIMEOUT_MS, queueDown);
    },
  };
}

export function databaseProbe(db: Database): HealthProbe {
  return { name: 'database', check: async () => void (await db.prisma.$queryRawUnsafe('SELECT 1')) };
}

/** What every HTTP app of the platform shares: the logger, the health probes (the database's first), the document's header. */
export function httpBasics(s: Services, probes: readonly HealthProbe[] = []): Pick<HttpAppOptions, 'log' | 'probes' | 'health' | 'openapi' | 'trustedProxies'> {
  return { log: s.log, probes: [databaseProbe(s.db), ...probes], health: { database: s.db.kind }, openapi: apiDocument(s.config.publicUrl), trustedProxies: s.config.trustedProxies };
}
