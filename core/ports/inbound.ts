/**
 * The log of inbound deliveries (GitHub deliveries and comment commands, Slack retries, Discord
 * interactions, Stripe events): one row per (source, external id). Use it through
 * `receiveOnce` (core/inbound.ts), which owns the claim-and-release policy.
 */
export interface InboundLog {
  /** Records the delivery; true the first time, false for every later call (also under concurrency). */
  claim(source: string, externalId: string, kind?: string | null, payload?: unknown): Promise<boolean>;
  /** Whether the delivery is already recorded (nothing is written). */
  seen(source: string, externalId: string): Promise<boolean>;
  /** Forgets the delivery, so a redelivery is handled again. */
  release(source: string, externalId: string): Promise<void>;
}
