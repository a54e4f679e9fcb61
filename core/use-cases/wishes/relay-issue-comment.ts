// An issue comment of a wish (created, edited, deleted), relayed to the wish's thread in every
// Discord channel that follows its repository, through the outbox: one notice per (comment
// event, channel), keyed by the comment id, so a redelivered webhook changes nothing.
import { noticeKeys } from '../../keys.ts';
import type { CommentChange } from '../../ports/discussion.ts';
import type { Ports } from '../../ports/index.ts';
import type { Notice } from '../../ports/notifications.ts';
import { wishIdParts } from '../../wishlist.ts';
import { DISCORD_EXCERPT, relayLine, relaysToDiscord, shorten, visibleText } from './relay-rules.ts';

export type RelayIssueCommentOptions = Pick<Ports, 'wishes' | 'subscriptions' | 'outbox'> & {
  /** What GitHub said happened (a human's comment: bots' comments never get here). */
  change: CommentChange;
};

/** Records the relay notices of one comment event; returns how many channels it goes to. */
export async function relayIssueComment({ wishes, subscriptions, outbox, change }: RelayIssueCommentOptions): Promise<number> {
  const wish = await wishes.get(change.wishId);
  if (!wish) return 0;
  if (change.kind === 'written' && !relaysToDiscord(change.comment)) return 0;
  const channels = (await subscriptions.forTarget(`repo:${wishIdParts(change.wishId).repoId}`)).filter((s) => s.platform === 'discord').map((s) => s.channel);
  if (channels.length === 0) return 0;
  const commentId = change.kind === 'written' ? change.comment.id : change.commentId;
  const edited = change.kind === 'written' && change.comment.updatedAt.getTime() > change.comment.createdAt.getTime();
  const event = change.kind === 'deleted' ? 'deleted' : edited ? `edited:${change.comment.updatedAt.toISOString()}` : 'created';
  const base =
    change.kind === 'deleted'
      ? { text: `A comment on ${change.wishId} was deleted.`, data: { wishId: change.wishId, title: wish.title, direction: 'to_discord', commentId, event: 'deleted' } }
      : {
          text: relayLine({ kind: 'github', login: change.comment.author }, 'GitHub', visibleText(change.comment.body)),
          data: {
            wishId: change.wishId,
            title: wish.title,
            direction: 'to_discord',
            commentId,
            event: edited ? 'edited' : 'created',
            author: change.comment.author,
            body: shorten(visibleText(change.comment.body), DISCORD_EXCERPT),
            url: change.comment.url,
          },
        };
  const notices: Notice[] = [...new Set(channels)].map((channel) => ({
    key: noticeKeys.threadComment(commentId, event),
    target: `direct:discord:${channel}`,
    kind: 'wish_thread',
    ...base,
  }));
  await outbox.enqueue(notices);
  return notices.length;
}
