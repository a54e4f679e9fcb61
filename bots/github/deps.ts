// What the GitHub App needs from the composition root: the ports it uses, and its settings.
import type { Ports } from '../../core/ports/index.ts';
import type { Logger } from '../../edge/logger.ts';

/** The GitHub App's credentials and API base (GITHUB_APP_ID, GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET, GITHUB_API_URL). */
export interface GithubSettings {
  readonly appId: string;
  /** PEM text. */
  readonly privateKey: string;
  readonly webhookSecret: string;
  readonly apiUrl: string;
}

export type GithubDeps = Pick<Ports, 'clock' | 'wishes' | 'wishMessages' | 'outbox' | 'repositories' | 'ledger' | 'gateway' | 'inbound' | 'identityLinks' | 'hashToken' | 'discussion' | 'subscriptions' | 'rateLimiter'> & {
  log: Logger;
  /** Base of the links Upkeep writes (share pages). */
  publicUrl: string;
  /** Settlement currency: amounts written without one are in it. */
  currency: string;
  settings: GithubSettings;
};
