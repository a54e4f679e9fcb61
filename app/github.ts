// Builds the GitHub App's dependencies from the services: the ports it names, nothing else.
import type { GithubDeps, GithubSettings } from '../bots/github/index.ts';
import type { Services } from './services.ts';

export function githubDeps(s: Services, settings: GithubSettings): GithubDeps {
  const { clock, wishes, wishMessages, outbox, repositories, ledger, gateway, inbound, identityLinks, hashToken, discussion, subscriptions, rateLimiter, log } = s;
  return { clock, wishes, wishMessages, outbox, repositories, ledger, gateway, inbound, identityLinks, hashToken, discussion, subscriptions, rateLimiter, log, publicUrl: s.config.publicUrl, currency: s.config.currency, settings };
}
