// Assembles the front-ends that are configured: each adapter contributes a mount (its
// webhook path) or routes, or nothing when its variables are absent.
import type { Route } from '../edge/http.ts';
import { adminRoutes } from '../web/admin.ts';
import { stripeWebhookMount } from '../web/stripe-webhooks.ts';
import { createDiscordMount } from '../bots/discord/app.ts';
import '../bots/github/link-command.ts'; // registers `/link <code>` (Discord identity links) with the GitHub bot's comment handlers
import { attachSlack } from '../bots/slack/index.ts';
import { createGithubMount } from '../bots/github/index.ts';
import { wishRoutes } from '../web/wishes.ts';
import { attachWorker } from '../worker/index.ts';
import type { HealthProbe, Mount } from './server.ts';
import type { Services } from './services.ts';

export interface Platform {
  mounts: Mount[];
  routes: Route[];
  probes: HealthProbe[];
  /** Called on shutdown, in reverse order of start. */
  stops: (() => Promise<void>)[];
}

/** Every configured front-end's contribution; an adapter whose variables are absent adds nothing. */
export async function assemblePlatform(services: Services): Promise<Platform> {
  const platform: Platform = { mounts: [], routes: [], probes: [], stops: [] };
  const mounts = [
    stripeWebhookMount(services), // POST /stripe/webhooks (offline: none)
    createDiscordMount(services), // POST /discord/interactions
    await createGithubMount(services), // POST /github/webhooks
  ];
  platform.mounts.push(...mounts.filter((m) => m !== null));
  platform.routes.push(...wishRoutes(services)); // GET /api/v1/wishes…
  attachSlack(platform, services); // POST /slack/events (+ /slack/install, /slack/oauth_redirect), GET /slack-downloads/…
  const jobs = await attachWorker(platform, services); // queues, jobs and schedules, in-process
  platform.routes.push(...adminRoutes(services, jobs)); // /admin/* (404 without UPKEEP_ADMIN_TOKEN)
  return platform;
}
