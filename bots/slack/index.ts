// The Slack adapter's contribution to the platform: POST /slack/events (and /slack/install,
// /slack/oauth_redirect in OAuth mode) plus the signed CSV download route; nothing when Slack is
// not configured.
import type { Platform } from '../../app/platform.ts';
import type { Services } from '../../app/services.ts';
import { createSlackAdapter, type SlackAdapter } from './app.ts';

export function attachSlack(platform: Pick<Platform, 'mounts' | 'routes'>, services: Services): SlackAdapter | null {
  if (!services.config.slack) return null;
  const adapter = createSlackAdapter({ services, slack: services.config.slack });
  platform.mounts.push(...adapter.mounts);
  platform.routes.push(...adapter.routes);
  return adapter;
}
