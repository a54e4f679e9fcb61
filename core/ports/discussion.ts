import type { WishId } from '../wishlist.ts';

/** One comment of a wish's GitHub issue, as the wish page shows it (read-only). */
export interface WishComment {
  /** GitHub's comment id. */
  readonly id: number;
  /** The author's GitHub login. */
  readonly author: string;
  /** Markdown, as written on GitHub (rendered and sanitised by the page). */
  readonly body: string;
  /** The comment on GitHub, when the delivery said where. */
  readonly url: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What GitHub said happened to an issue comment (`issue_comment` created, edited or deleted). */
export type CommentChange =
  | { readonly kind: 'written'; readonly wishId: WishId; readonly comment: WishComment }
  | { readonly kind: 'deleted'; readonly wishId: WishId; readonly commentId: number; readonly at: Date };

/**
 * A wish's conversation is its GitHub issue: the comments GitHub delivered, kept so the wish page
 * can show them without calling GitHub. Implemented in prisma/discussion-store.ts. Recording is
 * idempotent and order-proof: a redelivery changes nothing, an older edit never overwrites a newer
 * one, and a deleted comment stays deleted (its text is erased).
 */
export interface WishDiscussion {
  /** The standing comments of the wish's issue, oldest first. */
  comments(wishId: WishId): Promise<WishComment[]>;
  record(change: CommentChange): Promise<void>;
}
