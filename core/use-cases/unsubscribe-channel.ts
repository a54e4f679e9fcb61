import { hintFor, parseSubscriptionTarget, type SubscriptionTarget } from '../commands.ts';
import { DomainError, unwrap } from '../errors.ts';
import type { Actor, CompanyStore } from '../ports/companies.ts';
import type { SubscriptionPlatform, SubscriptionStore } from '../ports/subscriptions.ts';
import { requireAdmin } from './require-company.ts';
import { subscriptionKey } from './subscribe-channel.ts';

/** What a subscription target is called in replies: `wishes of owner/repo`, or the package id. */
export const targetName = (t: SubscriptionTarget): string => (t.kind === 'repo' ? `wishes of ${t.repo}` : t.package);

/**
 * Stops a chat channel following a package or a repository's wishes. The same people who may
 * subscribe may unsubscribe: anyone in a workspace without a company, its admins once there is
 * one (with `companies` and `actor`). A channel that does not follow the target is told so
 * (`not_found`), with the command that lists what it follows.
 */
export async function unsubscribeChannel({
  subscriptions,
  platform,
  channel,
  target,
  companies,
  actor,
}: {
  subscriptions: Pick<SubscriptionStore, 'remove'>;
  platform: SubscriptionPlatform;
  /** From the verified request, never typed text. */
  channel: string;
  target: string | SubscriptionTarget;
  companies?: CompanyStore;
  actor?: Actor;
}): Promise<{ target: SubscriptionTarget; key: string }> {
  const parsed = typeof target === 'string' ? unwrap(parseSubscriptionTarget(target)) : target;
  const key = subscriptionKey(parsed);
  if (companies && actor && (await companies.findByWorkspace(actor.workspace))) await requireAdmin({ companies, actor });
  const removed = await subscriptions.remove({ platform, channel: channel.trim(), target: key });
  if (!removed) {
    throw new DomainError('not_found', `This channel does not follow ${targetName(parsed)}, so there was nothing to stop.`, { target: key }, hintFor('subscriptions'));
  }
  return { target: parsed, key };
}
