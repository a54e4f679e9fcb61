// How far a wish's funding has come: totals shown on status comments, banners and chat messages.
import type { Pledger, Wish } from './wish.ts';

/** Sum of PAID pledges: only money actually received funds a wish. */
export const paidTotal = (wish: Pick<Wish, 'pledges'>): number =>
  wish.pledges.reduce((sum, p) => (p.status === 'paid' ? sum + p.amount : sum), 0);

/** One key per pledger across front-ends (`github:alice`, `slack:T1:U1`). */
export const pledgerKey = (p: Pledger): string => `${p.source}:${p.id}`;

/** Distinct pledgers whose pledges still stand (not refunded). */
export function activePledgers(wish: Pick<Wish, 'pledges'>): Pledger[] {
  const seen = new Map<string, Pledger>();
  for (const p of wish.pledges) if (p.status !== 'refunded' && !seen.has(pledgerKey(p.pledger))) seen.set(pledgerKey(p.pledger), p.pledger);
  return [...seen.values()];
}

export interface WishProgress {
  /** Committed + paid, minor units. */
  readonly pledged: number;
  readonly paid: number;
  /** Distinct pledgers with a standing pledge. */
  readonly pledgers: number;
  /** floor(paid × 100 / quote); 0 without a quote; may exceed 100. */
  readonly percent: number;
}

/** Totals shown on status comments, banners and chat messages. */
export function wishProgress(wish: Wish): WishProgress {
  let pledged = 0;
  for (const p of wish.pledges) if (p.status !== 'refunded') pledged += p.amount;
  const paid = paidTotal(wish);
  return {
    pledged,
    paid,
    pledgers: activePledgers(wish).length,
    percent: wish.quote ? Math.floor((paid * 100) / wish.quote.amount) : 0,
  };
}

