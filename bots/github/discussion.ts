// A wish's conversation is its GitHub issue: every human comment on an issue (created, edited,
// deleted) is recorded for the wish page to show, whether or not the issue is a wish yet (the
// `/wish` comment itself is part of it). Recording is idempotent and order-proof in the store,
// so a redelivered or late event needs no dedupe here. Bots' comments (the status comment) and
// pull requests' conversations are not recorded.
import type { Context } from 'probot';
import { wishIdOf } from '../../core/wishlist.ts';
import type { GithubDeps } from './deps.ts';
import { isBotAccount, splitRepository } from './repository.ts';

export type DiscussionDeps = Pick<GithubDeps, 'discussion' | 'clock'>;

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
  if (p.action === 'deleted') {
    await deps.discussion.record({ kind: 'deleted', wishId, commentId: p.comment.id, at: deps.clock.now() });
    return;
  }
  const createdAt = instant(p.comment.created_at) ?? deps.clock.now();
  await deps.discussion.record({
    kind: 'written',
    wishId,
    comment: {
      id: p.comment.id,
      author: p.comment.user!.login,
      body: p.comment.body ?? '',
      url: typeof p.comment.html_url === 'string' && p.comment.html_url.startsWith('https://') ? p.comment.html_url : null,
      createdAt,
      updatedAt: instant(p.comment.updated_at) ?? createdAt,
    },
  });
}
