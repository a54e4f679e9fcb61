// Which wishes are closest to funding: the order of the wishlists on public pages (the home page,
// a project's space), and the cards they show ("€120 to go", "12 days left").
import type { Money } from '../money.ts';
import { paidTotal, fundingGap } from './progress.ts';
import { toPublicWish, type PublicWish } from './public-wish.ts';
import type { Wish, WishStatus } from './wish.ts';

/** Quoted wishes take money towards a quote; open ones wait for a quote; the others take no pledge. */
const RANK: Record<WishStatus, number> = { quoted: 0, open: 1, funded: 2, in_progress: 2, delivered: 3, cancelled: 4, expired: 4 };

/** What is left to pay of the quote (never negative); null without a quote. */
const leftToPay = (wish: Wish): number | null => (wish.quote ? Math.max(0, wish.quote.amount - paidTotal(wish)) : null);

/**
 * Closest to funding first: quoted wishes, then open ones (no quote yet); among them the least
 * left to pay, then the highest share of the quote paid, the nearest deadline, the id.
 * Example: quotes €300 with €240 paid (€60 to go) and €1,000 with €900 paid (€100 to go): the
 * €300 wish comes first, although it is at 80 % and the other at 90 %.
 */
export function byClosenessToFunding(a: Wish, b: Wish): number {
  const rank = RANK[a.status] - RANK[b.status];
  if (rank !== 0) return rank;
  const toGo = (leftToPay(a) ?? Number.MAX_SAFE_INTEGER) - (leftToPay(b) ?? Number.MAX_SAFE_INTEGER);
  if (toGo !== 0) return toGo;
  const share = (w: Wish) => (w.quote ? paidTotal(w) / w.quote.amount : 0);
  const percent = share(b) - share(a);
  if (percent !== 0) return percent;
  const deadline = (a.deadline?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.deadline?.getTime() ?? Number.MAX_SAFE_INTEGER);
  if (deadline !== 0) return deadline;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A wish as a public list shows it: its public JSON plus what it still needs at `now`. */
export interface WishCard extends PublicWish {
  /** The quote minus what was paid; null without a quote. */
  readonly toGo: Money | null;
  /** Whole days until the deadline of a quoted wish; null otherwise. */
  readonly daysLeft: number | null;
  /** When it was delivered (delivered wishes only). */
  readonly deliveredAt: string | null;
}

/** The card of `wish` at `now` (aggregates only: no pledger identity). */
export function wishCard(wish: Wish, now: Date): WishCard {
  const gap = fundingGap(wish, now);
  return {
    ...toPublicWish(wish),
    toGo: gap.toGo === null ? null : { amount: gap.toGo, currency: wish.currency },
    daysLeft: gap.daysLeft,
    deliveredAt: wish.deliveredAt ? wish.deliveredAt.toISOString() : null,
  };
}
