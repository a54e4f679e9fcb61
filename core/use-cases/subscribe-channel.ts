import { parseSubscriptionTarget, type SubscriptionTarget } from '../commands.ts';
import { DomainError, unwrap } from '../errors.ts';
import type { Actor, CompanyStore } from '../ports/companies.ts';
import { SUBSCRIPTION_PLATFORMS, type Subscription, type SubscriptionPlatform, type SubscriptionStore } from '../ports/subscriptions.ts';
import { requireAdmin } from './require-company.ts';

/** The Notice/subscription target key of a parsed target: `package:npm:react`, `repo:owner/repo`. */
export function subscriptionKey(target: SubscriptionTarget): string {
  return target.kind === 'package' ? `package:${target.package}` : `repo:${target.repo}`;
}

/** Longest channel reference stored. */
const CHANNEL_MAX = 200;

/**
 * Makes a chat channel follow a package (`npm:react`) or a repository's wishes (`owner/repo`):
 * wish progress, funded/started/delivered, and (with a company) month-end summaries are posted
 * there. Subscribing twice is harmless (`created: false`).
 *
 * Without `companies`/`actor` anyone may subscribe (only public wish news is posted). With them,
 * when the actor's workspace has a company, the channel also receives that company's month-end
 * summaries, which disclose what it funds: only its admins may subscribe then, and `companyId`
 * is the company of the workspace (whatever was passed).
 */
export async function subscribeChannel({
  subscriptions,
  platform,
  channel,
  target,
  createdBy,
  companyId = null,
  companies,
  actor,
}: {
  subscriptions: SubscriptionStore;
  platform: SubscriptionPlatform;
  /** `T0123/C0456` (Slack) or a Discord channel id; from the verified request, never typed text. */
  channel: string;
  /** What the user typed (`npm:react`, `owner/repo`, a GitHub URL) or an already parsed target. */
  target: string | SubscriptionTarget;
  /** `slack:U0123`, `discord:1234`. */
  createdBy: string;
  companyId?: string | null;
  companies?: CompanyStore;
  /** The verified user and workspace; with `companies`, decides the company and who may subscribe. */
  actor?: Actor;
}): Promise<{ subscription: Subscription; created: boolean; target: SubscriptionTarget; key: string }> {
  if (!SUBSCRIPTION_PLATFORMS.includes(platform)) throw new RangeError(`unknown subscription platform ${JSON.stringify(platform)}`);
  if (typeof channel !== 'string' || channel.trim() === '' || channel.length > CHANNEL_MAX) {
    throw new DomainError('invalid_input', 'Run this command in the channel that should receive the notifications.', { channel });
  }
  const parsed: SubscriptionTarget =
    typeof target === 'string'
      ? unwrap(parseSubscriptionTarget(target))
      : target && (target.kind === 'package' || target.kind === 'repo')
        ? target
        : unwrap(parseSubscriptionTarget(String(target)));
  const key = subscriptionKey(parsed);
  if (companies && actor) {
    const company = await companies.findByWorkspace(actor.workspace);
    if (company) await requireAdmin({ companies, actor });
    companyId = company?.id ?? null;
  }
  const { subscription, created } = await subscriptions.add({ platform, channel: channel.trim(), target: key, companyId, createdBy });
  return { subscription, created, target: parsed, key };
}
