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


const DAY_MS = 86_400_000;

/** What a wish still needs, as banners and pages say it ("€120 to go", "12 days left"). */
export interface FundingGap {
  /** The quote minus what was paid, never negative; null without a quote. */
  readonly toGo: number | null;
  /** Whole days (rounded up) until the deadline of a quoted wish; null when nothing is running out. */
  readonly daysLeft: number | null;
}

/** How far a wish is from its quote and how long it has left, at `now`. */
export function fundingGap(wish: Pick<Wish, 'quote' | 'pledges' | 'status' | 'deadline'>, now: Date): FundingGap {
  const toGo = wish.quote ? Math.max(0, wish.quote.amount - paidTotal(wish)) : null;
  const running = wish.status === 'quoted' && wish.deadline !== null;
  const daysLeft = running ? Math.max(0, Math.ceil((wish.deadline!.getTime() - now.getTime()) / DAY_MS)) : null;
  return { toGo, daysLeft };
}
