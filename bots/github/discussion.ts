// A wish's conversation is its GitHub issue: every human comment on an issue (created, edited,
// deleted) is recorded for the wish page to show, whether or not the issue is a wish yet (the
// `/wish` comment itself is part of it). Recording is idempotent and order-proof in the store,
// so a redelivered or late event needs no dedupe here. Bots' comments (the status comment) and
// pull requests' conversations are not recorded.
import type { Context } from 'probot';
import { cleanText } from '../../core/text.ts';
import { wishIdOf } from '../../core/wishlist.ts';
import type { CommentChange } from '../../core/ports/discussion.ts';
import { relayIssueComment } from '../../core/use-cases/wishes/relay-issue-comment.ts';
import type { GithubDeps } from './deps.ts';
import { isBotAccount, splitRepository } from './repository.ts';

export type DiscussionDeps = Pick<GithubDeps, 'discussion' | 'clock' | 'wishes' | 'subscriptions' | 'outbox'>;

/** The issue_comment actions the discussion follows. */
export const DISCUSSION_EVENTS = ['issue_comment.created', 'issue_comment.edited', 'issue_comment.deleted'] as const;

const instant = (v: unknown): Date | null => {
  const d = typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

/** Records what happened to one issue comment. */
export async function onDiscussionComment(deps: DiscussionDeps, context: Context<(typeof DISCUSSION_EVENTS)[number]>): Promise<void> {
  const p = context.payload;
  if (p.issue.pull_request != null || isBotAccount(p.comment.user)) return;
  const wishId = wishIdOf(splitRepository(p.repository.full_name).id, p.issue.number);
  const change = p.action === 'deleted' ? ({ kind: 'deleted', wishId, commentId: p.comment.id, at: deps.clock.now() } as const) : written(deps, p, wishId);
  await deps.discussion.record(change);
  // Relayed to the wish's Discord threads (CONTRACT §6); keyed by comment id, so a redelivery changes nothing.
  await relayIssueComment({ wishes: deps.wishes, subscriptions: deps.subscriptions, outbox: deps.outbox, change });
}

function written(deps: DiscussionDeps, p: Context<'issue_comment.created' | 'issue_comment.edited'>['payload'], wishId: ReturnType<typeof wishIdOf>): CommentChange {
  const createdAt = instant(p.comment.created_at) ?? deps.clock.now();
  return {
    kind: 'written',
    wishId,
    comment: {
      id: p.comment.id,
      author: p.comment.user!.login,
      body: cleanText(p.comment.body ?? ''), // PostgreSQL refuses NUL and lone surrogates (core/text.ts)
      url: typeof p.comment.html_url === 'string' && p.comment.html_url.startsWith('https://') ? p.comment.html_url : null,
      createdAt,
      updatedAt: instant(p.comment.updated_at) ?? createdAt,
    },
  };
}
