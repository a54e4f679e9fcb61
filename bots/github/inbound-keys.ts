// The identities under which the GitHub App's inbound deliveries are deduplicated (core/inbound.ts
// `receiveOnce`), in one place: a delivery, each command of a comment, a `/link` comment, and
// each issue opened about a repository's opt-in.
import { createHash } from 'node:crypto';
import type { InboundDelivery } from '../../core/inbound.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 24);

export const githubInbound = {
  /** A webhook delivery (X-GitHub-Delivery). */
  delivery: (deliveryId: string, event: string): InboundDelivery => ({ source: 'github', externalId: deliveryId, kind: event }),
  /** The `n`-th command of a comment with this signature: an edit re-sends the body, and only new commands count. */
  command: (commentId: number, signature: string, n: number, kind: string): InboundDelivery => ({
    source: 'github-comment',
    externalId: `${commentId}:${sha(signature)}:${n}`,
    kind,
  }),
  /** A `/link <code>` comment. */
  link: (commentId: number): InboundDelivery => ({ source: 'github-comment', externalId: `${commentId}:link`, kind: 'link' }),
  /**
   * An issue about the repository's opt-in: once per distinct text and repository, and per
   * revision when one is given (the same change made again later is said again).
   */
  notice: (repository: string, title: string, body: string, revision: string | null = null): InboundDelivery => ({
    source: 'github-notice',
    externalId: `${repository.toLowerCase()}:${sha(title + body)}${revision ? `:${revision}` : ''}`,
    kind: 'optin',
  }),
  /** The issue proposing `.github/upkeep.yml` to a repository installed without it: once per repository, ever. */
  installProposal: (repository: string): InboundDelivery => ({ source: 'github-notice', externalId: `${repository.toLowerCase()}:install-proposal`, kind: 'optin' }),
} as const;
