/** Chat platforms whose channels can follow packages and repositories. */
export type SubscriptionPlatform = 'slack' | 'discord';
export const SUBSCRIPTION_PLATFORMS: readonly SubscriptionPlatform[] = ['slack', 'discord'];

/** A channel following a package or a repository's wishes (and, with a company, its month-end summaries). */
export interface Subscription {
  readonly platform: SubscriptionPlatform;
  /** Where to post: `T0123/C0456` for Slack (team and channel), the channel id for Discord. */
  readonly channel: string;
  /** `package:npm:react` or `repo:owner/repo` (the Notice `target` it matches). */
  readonly target: string;
  /** The company whose channel it is, when known (Slack), for month-end summaries. */
  readonly companyId: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** Persistence of channel subscriptions. Implemented in prisma/subscription-store.ts. */
export interface SubscriptionStore {
  /** Adds the subscription unless (platform, channel, target) exists; `created` says which. Idempotent. */
  add(input: {
    platform: SubscriptionPlatform;
    channel: string;
    target: string;
    companyId: string | null;
    createdBy: string;
  }): Promise<{ subscription: Subscription; created: boolean }>;
  /** Every channel following `target` (`package:…`, `repo:…`). */
  forTarget(target: string): Promise<Subscription[]>;
  /** Every channel a company subscribed (month-end summaries go there). */
  forCompany(companyId: string): Promise<Subscription[]>;
  /** What one channel follows. */
  forChannel(platform: SubscriptionPlatform, channel: string): Promise<Subscription[]>;
  /** Stops (platform, channel) following `target`; false when it did not follow it. Idempotent. */
  remove(input: { platform: SubscriptionPlatform; channel: string; target: string }): Promise<boolean>;
}
