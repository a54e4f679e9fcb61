import type { Result } from '../errors.ts';
import type { Pledger, RepoId, Wish, WishChange, WishId } from '../wishlist.ts';

/**
 * Persistence of wishes (the aggregate of core/wishlist.ts) and their event log. Implemented
 * in prisma/wish-store.ts. Every change runs under a row lock, so concurrent pledges and
 * payments serialise and the quoted → funded edge is crossed exactly once.
 */
export interface WishStore {
  get(id: WishId): Promise<Wish | null>;
  /** Stores a new wish and its events; false (nothing written) when the issue already has one. */
  create(change: WishChange): Promise<boolean>;
  /**
   * Locks the wish, applies `transition` to its current value and saves the new value with
   * the events in one transaction. Throws DomainError `wish_not_found`, or the transition's
   * own refusal (nothing is written then). A transition with no events writes nothing.
   */
  update(id: WishId, transition: (wish: Wish) => Result<WishChange>): Promise<WishChange>;
  /** Every wish of a repository, newest first. */
  listByRepository(repo: RepoId): Promise<Wish[]>;
  /** Wishes holding a pledge by any of these pledgers (`source` and `id` as recorded), newest first, at most `limit`. */
  pledgedBy(pledgers: readonly Pick<Pledger, 'source' | 'id'>[], limit?: number): Promise<Wish[]>;
  /** Ids of quoted wishes whose deadline is at or before `now` (candidates to expire). */
  expiring(now: Date): Promise<WishId[]>;
  /** Ids of quoted wishes whose deadline is after `now` and at or before `until` (candidates for the deadline reminder). */
  approachingDeadline(now: Date, until: Date): Promise<WishId[]>;
  /** Cancelled or expired wishes that still hold a pledge not refunded (refunds left to make). */
  owingRefunds(): Promise<WishId[]>;
  /** The bot's status comment on the wish's issue, when one was posted. */
  statusCommentId(id: WishId): Promise<number | null>;
  setStatusCommentId(id: WishId, commentId: number | null): Promise<void>;
}
