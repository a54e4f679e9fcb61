// What the Slack adapter needs, declared where it is used: the ports it calls, its settings and
// the installation store the composition root builds. Nothing here hands it a database or the
// whole configuration.
import type { InstallationStore } from '@slack/bolt';
import type { Ports } from '../../core/ports/index.ts';
import type { Logger } from '../../edge/logger.ts';

/** The Slack app's settings (from SLACK_* variables; app/config.ts reads them). */
export interface SlackSettings {
  signingSecret: string;
  /** Single workspace: the bot token. Null in multi-workspace OAuth mode. */
  botToken: string | null;
  /** Multi-workspace installation (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET). */
  oauth: { clientId: string; clientSecret: string; stateSecret: string } | null;
  /** Web API base, e.g. `https://slack.com/api/` (tests point it at a local fake). */
  apiUrl: string;
}

/** OAuth installations as Bolt stores them, plus the bot token of a team (notices are posted with it). */
export interface SlackInstallations extends InstallationStore {
  /** The bot token installed in `teamId` (or its enterprise), null when the app was never installed there. */
  botTokenOf(teamId: string): Promise<string | null>;
}

export type SlackDeps = Pick<
  Ports,
  'clock' | 'companies' | 'packages' | 'ledger' | 'wishes' | 'gateway' | 'payments' | 'outbox' | 'subscriptions' | 'inbound' | 'hashToken' | 'rateLimiter'
> & {
  log: Logger;
  /** Base of the links in replies (CSV downloads, the receipts API); read at each use. */
  publicUrl: string;
  /** The settlement currency (ISO 4217) amounts are typed in. */
  currency: string;
  settings: SlackSettings;
  /** Required in OAuth mode; null for a single workspace. */
  installations: SlackInstallations | null;
};
