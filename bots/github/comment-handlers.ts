// Registration point for extra issue-comment commands handled outside this adapter (e.g. the
// Discord engineer's `/link <code>` in bots/github/link-command.ts). A module registers its
// handler at import time with `registerCommentHandler`; the app asks every handler, in order,
// before the wish commands. A handler returns true when the comment was its command.
import type { Services } from '../../app/services.ts';
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

export interface CommentTools {
  readonly services: Services;
  /** Posts a reply on the issue. */
  reply(markdown: string): Promise<void>;
}

export type CommentHandler = (comment: IssueComment, tools: CommentTools) => Promise<boolean>;

const handlers: CommentHandler[] = [];

/** Adds a handler (idempotent for the same function). */
export function registerCommentHandler(handler: CommentHandler): void {
  if (!handlers.includes(handler)) handlers.push(handler);
}

/** The registered handlers, in registration order. */
export const commentHandlers = (): readonly CommentHandler[] => handlers;
