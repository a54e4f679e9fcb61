// Issue-comment commands beside the wish commands (e.g. `/link <code>` in link-command.ts): the
// app asks each handler of its list, in order, before the wish commands. A handler returns true
// when the comment was its command.
import type { Ports } from '../../core/ports/index.ts';
import type { RepoId } from '../../core/wishlist.ts';

export interface IssueComment {
  /** `owner/repo`, lower-case. */
  readonly repo: RepoId;
  readonly issueNumber: number;
  readonly commentId: number;
  /** The comment author's GitHub login (as GitHub spells it). */
  readonly author: string;
  readonly body: string;
  /** True for a `created` comment, false for an `edited` one. */
  readonly created: boolean;
  /** The webhook delivery id (X-GitHub-Delivery). */
  readonly deliveryId: string;
}

/** The ports the extra comment commands use. */
export type CommentHandlerDeps = Pick<Ports, 'identityLinks' | 'clock' | 'hashToken' | 'inbound'>;

export interface CommentTools {
  readonly deps: CommentHandlerDeps;
  /** Posts a reply on the issue. */
  reply(markdown: string): Promise<void>;
}

export type CommentHandler = (comment: IssueComment, tools: CommentTools) => Promise<boolean>;
