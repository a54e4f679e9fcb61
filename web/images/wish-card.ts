// What the banner, the embed, the preview image and the badge say about a wish, in words
// people read: amounts formatted here (formatMoney) from the core's progress and funding gap.
// Public aggregates only: totals and a count of pledgers, never who gave what.
import { z } from 'zod';
import { formatMoney } from '../../core/money.ts';
import type { WishStore } from '../../core/ports/wishes.ts';
import { fundingGap, parseWishId, toPublicWish, type Wish, type WishId, type WishStatus } from '../../core/wishlist.ts';
import { plural } from '../../core/plural.ts';

export interface WishCard {
  /** `acme/ui#7`. */
  readonly id: string;
  /** `acme/ui`. */
  readonly repository: string;
  readonly number: string;
  readonly title: string;
  readonly status: WishStatus;
  /** The state in a word or two: `Collecting pledges`, `Funded`. */
  readonly state: string;
  /** How much of the bar is filled, 0–100. */
  readonly percent: number;
  /** `€180.00 raised of €300.00`, or `€20.00 pledged` before a quote. */
  readonly headline: string;
  /** `€120.00 to go`, or what the state means (`Fully funded`, `Pledges refunded`). */
  readonly outcome: string;
  /** True while `outcome` is an amount still to raise. */
  readonly collecting: boolean;
  /** `3 pledgers`, `60% funded`, `12 days left`… in order. */
  readonly details: readonly string[];
}

const STATE: Record<WishStatus, string> = {
  open: 'Awaiting a quote',
  quoted: 'Collecting pledges',
  funded: 'Funded',
  in_progress: 'In progress',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

const OUTCOME: Record<WishStatus, string> = {
  open: 'Awaiting a quote',
  quoted: 'Fully funded',
  funded: 'Fully funded',
  in_progress: 'Funded, being built',
  delivered: 'Funded and delivered',
  cancelled: 'Pledges refunded',
  expired: 'Pledges refunded',
};


/** The card of a wish at `now` (for the days left). */
export function wishCard(wish: Wish, now: Date): WishCard {
  const w = toPublicWish(wish);
  const gap = fundingGap(wish, now);
  const [repository, number] = w.id.split('#') as [string, string];
  const raised = formatMoney(w.paid);
  const quote = w.quote ? formatMoney({ amount: w.quote.amount, currency: w.quote.currency }) : null;
  const collecting = w.status === 'quoted' && gap.toGo !== null && gap.toGo > 0;
  const pending = w.pledged.amount - w.paid.amount;
  const details = [
    w.pledgers === 0 ? 'No pledgers yet' : plural(w.pledgers, 'pledger', 'pledgers'),
    ...(quote ? [`${w.percent}% funded`] : []),
    ...(gap.daysLeft === null ? [] : [gap.daysLeft === 0 ? 'Last day' : plural(gap.daysLeft, 'day left', 'days left')]),
    // Pledges committed but not paid yet (a checkout not completed, offline commitments).
    ...(pending > 0 && w.status !== 'cancelled' && w.status !== 'expired' ? [`${formatMoney({ amount: pending, currency: w.pledged.currency })} awaiting payment`] : []),
  ];
  return {
    id: w.id,
    repository,
    number,
    title: w.title,
    status: w.status,
    state: STATE[w.status],
    percent: Math.max(0, Math.min(100, w.percent)),
    headline: quote ? `${raised} raised of ${quote}` : `${formatMoney(w.pledged)} pledged`,
    outcome: collecting ? `${formatMoney({ amount: gap.toGo!, currency: w.quote!.currency })} to go` : OUTCOME[w.status],
    collecting,
    details,
  };
}

/** One sentence saying everything the card shows (an image's accessible name, a badge's title). */
export function cardSentence(card: WishCard): string {
  return `${card.id} ${card.title}: ${card.state}; ${card.headline}; ${card.outcome}; ${card.details.join(', ')}.`;
}

/** The wish id a path names (`owner`, `repo`, `7.svg` with `suffix` `.svg`), or null when the path is malformed. */
export function wishIdOfPath(params: { owner: string; repo: string; number: string }, suffix: string): WishId | null {
  const number = params.number.endsWith(suffix) ? params.number.slice(0, -suffix.length) : params.number;
  const id = parseWishId(`${params.owner}/${params.repo}#${number}`);
  return id.ok ? id.value : null;
}

/**
 * The wish a path names (`owner`, `repo`, `7.svg` with `suffix` `.svg`), or null when the
 * path is malformed or no wish is open on that issue: images answer a placeholder then.
 */
export async function findWish(wishes: Pick<WishStore, 'get'>, params: { owner: string; repo: string; number: string }, suffix: string): Promise<Wish | null> {
  const id = wishIdOfPath(params, suffix);
  return id ? wishes.get(id) : null;
}

/** The path parameters of a wish's images (`number` carries the extension: `7.svg`). */
export const wishPathParams = z.object({ owner: z.string(), repo: z.string(), number: z.string() });
