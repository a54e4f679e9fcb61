// Assembles the front-ends that are configured: each adapter contributes a mount (its
// webhook path) or routes, or nothing when its variables are absent.
import type { Route } from '../web/http.ts';
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

/** Every adapter's contribution. Adapters return null when not configured. */
export async function assemblePlatform(services: Services): Promise<Platform> {
  const platform: Platform = { mounts: [], routes: [], probes: [], stops: [] };
  // Each front-end adds itself below (one line each).
  platform.mounts.push(...[stripeWebhookMount(services)].filter((m) => m !== null)); // POST /stripe/webhooks (null when offline)
  platform.mounts.push(...[createDiscordMount(services)].filter((m) => m !== null)); // POST /discord/interactions (null when not configured)
  platform.mounts.push(...[await createGithubMount(services)].filter((m) => m !== null)), platform.routes.push(...wishRoutes(services)); // POST /github/webhooks (null when not configured), GET /api/v1/wishes…
  attachSlack(platform, services); // POST /slack/events (+ /slack/install, /slack/oauth_redirect with OAuth), GET /slack-downloads/… (nothing when not configured)
  const jobs = await attachWorker(platform, services); // worker/: queues, jobs, schedules (in-process)
  platform.routes.push(...adminRoutes(services, jobs));
  return platform;
}
