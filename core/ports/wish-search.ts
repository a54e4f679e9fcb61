import type { RepoId, Wish, WishId, WishStatus } from '../wishlist.ts';

/** One wish as a suggestion lists it. */
export interface WishSuggestion {
  readonly id: WishId;
  readonly title: string;
  readonly status: WishStatus;
}

/**
 * Read-only look-ups behind chat autocomplete (Discord's answers within 3 seconds), matching
 * what a person has typed so far. Implemented in prisma/wish-search.ts.
 */
export interface WishSearch {
  /** Up to `limit` wishes whose id starts with, or whose repository or title contains, `text` (lower case); pledgeable first, then most recently changed. */
  wishes(text: string, limit: number): Promise<WishSuggestion[]>;
  /** Up to `limit` repositories with wishes whose name contains `text` (lower case), most recently active first, with their number of wishes. */
  repositories(text: string, limit: number): Promise<{ repo: RepoId; wishes: number }[]>;
  /** Up to `limit` quoted wishes (collecting pledges), across repositories, the least left to pay first (the home page). */
  closestToFunding(limit: number): Promise<Wish[]>;
}
