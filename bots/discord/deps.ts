// What the Discord adapter needs, and nothing more: the composition root builds it.
import type { Ports } from '../../core/ports/index.ts';
import type { Logger } from '../../edge/logger.ts';

/** The Discord application, from the developer portal. */
export interface DiscordSettings {
  applicationId: string;
  /** The Ed25519 public key, 64 hex digits. */
  publicKey: string;
  /** Needed to register commands and post in channels; answering interactions works without it. */
  botToken: string | null;
  /** REST base without the version (`https://discord.com/api`, or a local fake in tests). */
  apiUrl: string;
}

export type DiscordDeps = Pick<Ports, 'clock' | 'wishes' | 'wishSearch' | 'wishMessages' | 'gateway' | 'outbox' | 'subscriptions' | 'identityLinks' | 'inbound' | 'hashToken' | 'rateLimiter'> & {
  log: Logger;
  /** The platform's currency: amounts typed without one are in it. */
  currency: string;
  /** PUBLIC_URL: the share page a card links to. */
  publicUrl: string;
  settings: DiscordSettings;
};
