// The real Slack app for tests: services on a test database, the Slack adapter built from its
// narrow deps, the real HTTP server. The fake Slack API and the driver live in dev/fakes (the
// demo uses them too) and are re-exported here.
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../edge/logger.ts';
import { createHttpApp } from '../../edge/server.ts';
import { createServices, type Services } from '../../app/services.ts';
import { createSlackAdapter, type SlackAdapter, type SlackDeps } from '../../bots/slack/index.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Database } from '../../prisma/db.ts';
import { PrismaSlackInstallationStore } from '../../prisma/slack-installation-store.ts';
import { SIGNING_SECRET, SlackDriver, type FakeSlackApi, type SlackPostResult } from '../../dev/fakes/slack-api.ts';

export * from '../../dev/fakes/slack-api.ts';

export interface SlackTestApp {
  url: string;
  services: Services;
  /** What the adapter was built from (the composition root builds the same in app/platform.ts). */
  deps: SlackDeps;
  adapter: SlackAdapter;
  driver: SlackDriver;
  close(): Promise<void>;
}

export async function startSlackTestApp({
  db,
  fake,
  clock,
  oauth = false,
  ackBudgetMs,
  extra = {},
  env = {},
}: {
  db: Database;
  fake: FakeSlackApi;
  clock: Clock;
  oauth?: boolean;
  ackBudgetMs?: number;
  /** Ports added to the services (wishes, payments, outbox). */
  extra?: Record<string, unknown>;
  /** More variables for the configuration (e.g. STRIPE_* for billing). */
  env?: Record<string, string>;
}): Promise<SlackTestApp> {
  const config = loadConfig({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    ...(oauth ? { SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: 'client-secret', SLACK_STATE_SECRET: 'state-secret-for-tests', UPKEEP_SESSION_SECRET: 'session-secret-for-tests-0123456789abcdef' } : { SLACK_BOT_TOKEN: 'xoxb-single-workspace' }),
    SLACK_API_URL: fake.apiUrl,
    PUBLIC_URL: 'http://127.0.0.1:1',
    LOG_LEVEL: 'silent',
    CURRENCY: 'EUR',
    ...env,
  });
  const log = createLogger('silent');
  const services = { ...createServices({ config, db, clock, log }), ...extra } as Services;
  const { companies, packages, ledger, wishes, gateway, payments, outbox, subscriptions, inbound, hashToken } = services;
  const deps: SlackDeps = {
    clock: services.clock,
    rateLimiter: services.rateLimiter,
    companies,
    packages,
    ledger,
    wishes,
    gateway,
    payments,
    outbox,
    subscriptions,
    inbound,
    hashToken,
    log,
    publicUrl: config.publicUrl,
    currency: config.currency,
    settings: config.slack!,
    installations: oauth ? new PrismaSlackInstallationStore(db.prisma) : null,
  };
  const adapter = createSlackAdapter(deps, { retries: false, ...(ackBudgetMs !== undefined ? { ackBudgetMs } : {}) });
  const http = createHttpApp({ log, mounts: adapter.mounts, routes: adapter.routes });
  const url = await http.listen(0, '127.0.0.1');
  // Links in replies use the public URL; the tests serve on an ephemeral port.
  deps.publicUrl = url;
  return { url, services, deps, adapter, driver: new SlackDriver(url, fake), close: () => http.close() };
}

/** Everything a user reads in a reply: fallback text and every block's text. */
export function textOf(r: SlackPostResult | Record<string, unknown> | null): string {
  const j = r && 'status' in r && 'json' in r ? (r as SlackPostResult).json : (r as Record<string, unknown> | null);
  if (!j) return '';
  return JSON.stringify(j.blocks ?? []) + '\n' + String(j.text ?? '');
}

