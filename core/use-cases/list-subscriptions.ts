import { parseSubscriptionTarget, type SubscriptionTarget } from '../commands.ts';
import type { Subscription, SubscriptionPlatform, SubscriptionStore } from '../ports/subscriptions.ts';

/** One thing a channel follows, parsed back from its stored key. */
export interface ChannelSubscription {
  readonly target: SubscriptionTarget;
  /** The stored key, `package:npm:react` or `repo:owner/repo`. */
  readonly key: string;
  /** Whether the company's month-end summaries come here too. */
  readonly withCompany: boolean;
  readonly createdBy: string;
  readonly createdAt: Date;
}

function parseKey(s: Subscription): SubscriptionTarget | null {
  const m = /^(package|repo):(.+)$/.exec(s.target);
  if (!m) return null;
  const r = parseSubscriptionTarget(m[2]!);
  return r.ok && r.value.kind === m[1] ? r.value : null;
}

/** What one channel follows (Slack `subscriptions`, Discord `/subscriptions`), repositories first, then packages, by name. */
export async function listSubscriptions({
  subscriptions,
  platform,
  channel,
}: {
  subscriptions: Pick<SubscriptionStore, 'forChannel'>;
  platform: SubscriptionPlatform;
  channel: string;
}): Promise<ChannelSubscription[]> {
  const rows = await subscriptions.forChannel(platform, channel.trim());
  const list: ChannelSubscription[] = [];
  for (const s of rows) {
    const target = parseKey(s);
    if (target) list.push({ target, key: s.target, withCompany: s.companyId !== null, createdBy: s.createdBy, createdAt: s.createdAt });
  }
  return list.sort((a, b) => (a.target.kind === b.target.kind ? (a.key < b.key ? -1 : 1) : a.target.kind === 'repo' ? -1 : 1));
}
