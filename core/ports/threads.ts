import type { WishId } from '../wishlist.ts';

/** A wish's discussion thread in one Discord channel that follows its repository. */
export interface WishThread {
  readonly wishId: WishId;
  /** The Discord channel the thread was started in. */
  readonly channel: string;
  /** The thread's id (a Discord channel id itself). */
  readonly threadId: string;
}

/**
 * Discussion threads (CONTRACT §6): one Discord thread per (wish, channel), and which issue
 * comment each relayed Discord message shows, so an edit or a deletion on GitHub reaches the
 * right message and Upkeep's own messages are known. Implemented in prisma/thread-store.ts.
 */
export interface WishThreadStore {
  /** The thread of the wish in `channel`, if one was started. */
  threadOf(wishId: WishId, channel: string): Promise<string | null>;
  /** Remembers a started thread; when one was remembered meanwhile, that one wins and is returned. */
  remember(thread: WishThread): Promise<string>;
  /** The wish a thread belongs to (null: not one of Upkeep's threads). */
  byThread(threadId: string): Promise<WishThread | null>;
  /** The Discord message that shows issue comment `commentId` in the thread of `channel`. */
  relayedMessage(commentId: number, channel: string): Promise<string | null>;
  rememberRelay(input: { commentId: number; channel: string; threadId: string; messageId: string }): Promise<void>;
  /** Forgets a relayed message (its comment was deleted); true when it was remembered. */
  forgetRelay(commentId: number, channel: string): Promise<boolean>;
  /** Whether a Discord message is one Upkeep posted as a relay (never relayed back). */
  isRelayMessage(messageId: string): Promise<boolean>;
}
