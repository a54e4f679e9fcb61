// The public JSON of a wish (CONTRACT §3): what the API, the widget and the share page show.
import type { WishId } from './ids.ts';
import { wishProgress } from './progress.ts';
import type { Wish, WishStatus } from './wish.ts';

/** The public JSON of a wish (CONTRACT §3): aggregates only, no pledger identities. */
export interface PublicWish {
  readonly id: WishId;
  readonly status: WishStatus;
  readonly title: string;
  readonly quote: { readonly amount: number; readonly currency: string; readonly delayDays: number } | null;
  readonly pledged: { readonly amount: number; readonly currency: string };
  readonly paid: { readonly amount: number; readonly currency: string };
  readonly pledgers: number;
  readonly percent: number;
  readonly deadline: string | null;
}

/** Projects a wish onto its public JSON shape. */
export function toPublicWish(wish: Wish): PublicWish {
  const progress = wishProgress(wish);
  return {
    id: wish.id,
    status: wish.status,
    title: wish.title,
    quote: wish.quote ? { amount: wish.quote.amount, currency: wish.quote.currency, delayDays: wish.quote.delayDays } : null,
    pledged: { amount: progress.pledged, currency: wish.currency },
    paid: { amount: progress.paid, currency: wish.currency },
    pledgers: progress.pledgers,
    percent: progress.percent,
    deadline: wish.deadline ? wish.deadline.toISOString() : null,
  };
}
