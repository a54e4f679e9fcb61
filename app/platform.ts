// Assembles the front-ends that are configured: each adapter contributes a mount (its
// webhook path) or routes, or nothing when its variables are absent.
import type { RoutePlugin } from '../edge/http.ts';
import { operatorRoutes, paymentRoutes, webRoutes } from './web.ts';
import { createDiscordContribution, type DiscordDeps, type DiscordSettings } from '../bots/discord/app.ts';
import { slackContribution, type SlackDeps, type SlackSettings } from '../bots/slack/index.ts';
import { PrismaSlackInstallationStore } from '../prisma/slack-installation-store.ts';
import { githubContribution } from '../bots/github/index.ts';
import { githubDeps } from './github.ts';
import { attachWorker } from '../worker/index.ts';
import { startThreadGateway, type ThreadGateway } from '../bots/discord/gateway/client.ts';
import { queueTarget, workerDeps } from './worker.ts';
import type { HealthProbe, Mount } from '../edge/contribution.ts';
import type { Services } from './services.ts';

export interface Platform {
  mounts: Mount[];
  routes: RoutePlugin[];
  probes: HealthProbe[];
  /** Called on shutdown, in reverse order of start. */
  stops: (() => Promise<void>)[];
}

/** Every configured front-end's contribution; an adapter whose variables are absent adds nothing. */
export async function assemblePlatform(services: Services): Promise<Platform> {
  const platform: Platform = { mounts: [], routes: [], probes: [], stops: [] };
  const mounts = [
    ...(services.config.discord ? (createDiscordContribution(discordDeps(services, services.config.discord)).mounts ?? []) : []), // POST /discord/interactions
    ...(services.config.github ? ((await githubContribution(githubDeps(services, services.config.github))).mounts ?? []) : []), // POST /github/webhooks
  ];
  platform.mounts.push(...mounts.filter((m) => m !== null));
  platform.routes.push(...webRoutes(services)); // /api/v1/…, /api/openapi.json, /api/docs, /widget/…, /wishes/…
  platform.routes.push(...paymentRoutes(services)); // POST /stripe/webhooks (offline: none)
  if (services.config.slack) {
    const slack = slackContribution(slackDeps(services, services.config.slack)); // POST /slack/events (+ /slack/install, /slack/oauth_redirect), GET /slack-downloads/…
    platform.mounts.push(...(slack.mounts ?? []));
    platform.routes.push(...(slack.routes ?? []));
  }
  const gw = threadRelay(services); // Discord thread messages → issues (one process holds it)
  if (gw) platform.stops.push(() => gw.stop());
  const jobs = await attachWorker(platform, workerDeps(services), queueTarget(services)); // queues, jobs and schedules, in-process
  platform.routes.push(...operatorRoutes(services, jobs)); // /admin/* (404 without UPKEEP_ADMIN_TOKEN)
  return platform;
}

/** The Discord adapter's dependencies: the ports it names, nothing else. */
export function discordDeps(s: Services, settings: DiscordSettings): DiscordDeps {
  const { clock, wishes, wishSearch, wishMessages, gateway, outbox, subscriptions, identityLinks, inbound, hashToken, rateLimiter, log } = s;
  return { clock, wishes, wishSearch, wishMessages, gateway, outbox, subscriptions, identityLinks, inbound, hashToken, rateLimiter, log, currency: s.config.currency, publicUrl: s.config.publicUrl, settings };
}

/** The Slack adapter's dependencies: the ports it names, its settings and (OAuth) the installation store. */
export function slackDeps(s: Services, settings: SlackSettings): SlackDeps {
  const { clock, companies, packages, ledger, wishes, gateway, payments, outbox, subscriptions, inbound, hashToken, rateLimiter, log } = s;
  const installations = settings.oauth ? new PrismaSlackInstallationStore(s.db.prisma) : null;
  return { clock, companies, packages, ledger, wishes, gateway, payments, outbox, subscriptions, inbound, hashToken, rateLimiter, log, publicUrl: s.config.publicUrl, currency: s.config.currency, settings, installations };
}

/**
 * The Gateway connection that relays Discord thread messages to issues, when `DISCORD_GATEWAY=on`
 * and a bot token is set. Every `npm start` and `npm run worker` may start it: a lease lets one
 * process at a time hold the connection, and another takes over when it stops.
 */
export function threadRelay(s: Services): ThreadGateway | null {
  const discord = s.config.discord;
  if (!s.config.discordGateway || !discord?.botToken) return null;
  const { threads, identityLinks, outbox, inbound, leases, log } = s;
  return startThreadGateway({ threads, identityLinks, outbox, inbound, leases, log, settings: { apiUrl: discord.apiUrl, botToken: discord.botToken } });
}
