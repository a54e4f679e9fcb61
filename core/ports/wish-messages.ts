import type { WishId } from '../wishlist.ts';

/**
 * What kind of posted message: a wish card in a Discord channel (a notice or a `/wish` reply),
 * edited in place when its wish changes; or the bot's reply to a `/pledge` comment on GitHub,
 * edited to say "paid" once that pledge is paid.
 */
export type WishMessageKind = 'discord_card' | 'github_pledge_reply';

/** A message Upkeep posted about a wish and keeps up to date. */
export interface WishMessage {
  readonly wishId: WishId;
  readonly kind: WishMessageKind;
  /** The Discord channel id, or the issue (`owner/repo#n`) on GitHub. */
  readonly channel: string;
  /** The Discord message id, or the GitHub comment id. */
  readonly messageId: string;
  /** The pledge a `/pledge` reply answered. */
  readonly pledgeId: string | null;
  /** What the message last said that matters (`paid` once a pledge reply says so); null before. */
  readonly state: string | null;
}

/** Messages posted about wishes, to edit them later. Implemented in prisma/wish-messages.ts. */
export interface WishMessageStore {
  /** Remembers a posted message; remembering it again changes nothing. */
  remember(message: Omit<WishMessage, 'state'>): Promise<void>;
  /** The wish's messages of one kind, newest first (at most `limit`). */
  list(wishId: WishId, kind: WishMessageKind, limit?: number): Promise<WishMessage[]>;
  /** Records what the message says now (e.g. `paid`). */
  setState(kind: WishMessageKind, channel: string, messageId: string, state: string): Promise<void>;
  /** Forgets a message that no longer exists (deleted by someone, channel gone). */
  forget(kind: WishMessageKind, channel: string, messageId: string): Promise<void>;
}
