// The web layer's share of the composition: each route plugin gets the ports it names, and
// /healthz gets the database probe.
import type { HealthProbe } from '../edge/contribution.ts';
import type { RoutePlugin } from '../edge/http.ts';
import { stripeWebhookRoutes } from '../payments/stripe-webhook.ts';
import type { Database } from '../prisma/db.ts';
import { adminRoutes, type AdminJobs } from '../web/admin.ts';
import { apiRoutes } from '../web/api.ts';
import { apiDocument, openApiRoutes } from '../web/openapi.ts';
import { widgetRoutes } from '../web/widget.ts';
import { wishRoutes } from '../web/wishes.ts';
import type { HttpAppOptions } from '../edge/server.ts';
import type { Services } from './services.ts';

/** The public routes: API, its OpenAPI document and reference, banner and share page. */
export function webRoutes(s: Services): RoutePlugin[] {
  const { fundingStats, packages, clock, companies, ledger, hashToken, wishes } = s;
  return [
    openApiRoutes,
    apiRoutes({ fundingStats, packages, clock, companies, ledger, hashToken, currency: s.config.currency }),
    wishRoutes({ wishes }),
    widgetRoutes({ wishes, publicUrl: s.config.publicUrl }),
  ];
}

/** POST /stripe/webhooks, or nothing when payments are offline. */
export function paymentRoutes(s: Services): RoutePlugin[] {
  const { wishes, ledger, outbox, clock, gateway, payments, inbound, log } = s;
  const stripe = stripeWebhookRoutes({ wishes, ledger, outbox, clock, gateway, payments, inbound, log, settings: s.config.stripe });
  return stripe ? [stripe] : [];
}

/** /admin/* on the job runtime; none without UPKEEP_ADMIN_TOKEN. */
export function operatorRoutes(s: Services, jobs: AdminJobs): RoutePlugin[] {
  return adminRoutes({ ledger: s.ledger, clock: s.clock, log: s.log, adminToken: s.config.adminToken, jobs });
}

export function databaseProbe(db: Database): HealthProbe {
  return { name: 'database', check: async () => void (await db.prisma.$queryRawUnsafe('SELECT 1')) };
}

/** What every HTTP app of the platform shares: the logger, the health probes (the database's first), the document's header. */
export function httpBasics(s: Services, probes: readonly HealthProbe[] = []): Pick<HttpAppOptions, 'log' | 'probes' | 'health' | 'openapi'> {
  return { log: s.log, probes: [databaseProbe(s.db), ...probes], health: { database: s.db.kind }, openapi: apiDocument(s.config.publicUrl) };
}
