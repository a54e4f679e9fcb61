// The Slack adapter's contribution to the platform: POST /slack/events (and /slack/install,
// /slack/oauth_redirect in OAuth mode) plus the signed CSV download route. The composition root
// calls it only when Slack is configured.
import type { Contribution } from '../../edge/contribution.ts';
import { createSlackAdapter, type SlackAdapterOptions } from './adapter.ts';
import type { SlackDeps } from './deps.ts';

export type { SlackDeps, SlackInstallations, SlackSettings } from './deps.ts';
export { createSlackAdapter, type SlackAdapter, type SlackAdapterOptions } from './adapter.ts';

export function slackContribution(deps: SlackDeps, options: SlackAdapterOptions = {}): Contribution {
  const { mounts, routes } = createSlackAdapter(deps, options);
  return { mounts, routes };
}
