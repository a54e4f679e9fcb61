/**
 * The wish aggregate: community crowdfunding of a feature described in a GitHub issue.
 *
 * Lifecycle: open → quoted → funded → in_progress → delivered, or cancelled / expired.
 * Amounts are integers in minor units of the wish's currency (the settlement currency);
 * instants are `Date`s passed in by the caller.
 */
import type { WishId } from './ids.ts';

export type WishStatus = 'open' | 'quoted' | 'funded' | 'in_progress' | 'delivered' | 'cancelled' | 'expired';
export const WISH_STATUSES: readonly WishStatus[] = ['open', 'quoted', 'funded', 'in_progress', 'delivered', 'cancelled', 'expired'];

/** A quote is valid this long: a wish not funded 60 days after its latest quote expires. */
export const QUOTE_VALIDITY_DAYS = 60;

/** Progress milestones announced to subscribers, in percent of the quote paid. */
export type Milestone = 25 | 50 | 75 | 100;
export const MILESTONES: readonly Milestone[] = [25, 50, 75, 100];

/** Someone who pledges, from whichever front-end; GitHub pledgers are identified by lower-case login. */
export interface Pledger {
  /** `web`: a guest on the wish page (core/use-cases/wishes/place-web-pledge.ts). */
  readonly source: 'github' | 'discord' | 'slack' | 'web';
  readonly id: string;
  readonly display: string;
  /** A web guest's e-mail, for the payment receipt and the operator: never shown publicly. */
  readonly email?: string;
}

export type PledgeStatus = 'committed' | 'paid' | 'refunded';

export interface Pledge {
  readonly id: string;
  readonly pledger: Pledger;
  /** Minor units of the wish's currency. */
  readonly amount: number;
  readonly status: PledgeStatus;
  readonly createdAt: Date;
}

export interface Spec {
  readonly text: string;
  readonly author: string;
  readonly at: Date;
}

export interface Quote {
  /** Minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly delayDays: number;
  /** The maintainer's login. */
  readonly by: string;
  readonly at: Date;
}

export interface WishLogEntry {
  readonly at: Date;
  readonly actor: string;
  /** What was done; `fund` is the automatic quoted → funded step. */
  readonly action: WishAction | 'fund';
}

export interface Wish {
  readonly id: WishId;
  readonly title: string;
  /** The functional description, from the issue body. */
  readonly description: string;
  /** Login of whoever opened the wish. */
  readonly requester: string;
  /** Settlement currency of every amount of this wish. */
  readonly currency: string;
  readonly status: WishStatus;
  readonly spec: Spec | null;
  /** The standing quote. */
  readonly quote: Quote | null;
  /** Every quote, oldest first, including superseded ones. */
  readonly quoteHistory: readonly Quote[];
  readonly pledges: readonly Pledge[];
  /** `QUOTE_VALIDITY_DAYS` after the latest quote; null before any quote. */
  readonly deadline: Date | null;
  /** Milestones already announced, so that none is announced twice (even across re-quotes). */
  readonly milestones: readonly Milestone[];
  readonly createdAt: Date;
  readonly fundedAt: Date | null;
  readonly startedAt: Date | null;
  readonly deliveredAt: Date | null;
  /** Number of the pull request that delivered the wish. */
  readonly deliveredBy: number | null;
  readonly cancelledAt: Date | null;
  readonly expiredAt: Date | null;
  readonly log: readonly WishLogEntry[];
}

/** What can be done to a wish; the `action` of refused transitions and log entries. */
export type WishAction = 'open' | 'spec' | 'quote' | 'pledge' | 'pay' | 'refund' | 'start' | 'deliver' | 'cancel' | 'expire';

// ---------------------------------------------------------------------------------------
// Events

interface EventBase {
  readonly wishId: WishId;
  readonly at: Date;
}

export type WishEvent =
  | (EventBase & { readonly type: 'opened'; readonly requester: string; readonly commitment: Pledge | null })
  | (EventBase & { readonly type: 'specified'; readonly author: string; readonly revised: boolean })
  /** First quote; `notify` lists the pledgers so far (the requester's commitment). */
  | (EventBase & { readonly type: 'quoted'; readonly quote: Quote; readonly notify: readonly Pledger[] })
  /** A new quote replaces `previous`; every pledger in `notify` should be told. */
  | (EventBase & { readonly type: 'requoted'; readonly quote: Quote; readonly previous: Quote; readonly notify: readonly Pledger[] })
  | (EventBase & { readonly type: 'pledged'; readonly pledge: Pledge })
  | (EventBase & { readonly type: 'progress'; readonly milestone: Milestone; readonly paid: number; readonly quote: number })
  /** Emitted exactly once per wish; `maintainer` (the quote's author) must now start the work. */
  | (EventBase & { readonly type: 'funded'; readonly paid: number; readonly quote: Quote; readonly maintainer: string })
  | (EventBase & { readonly type: 'started'; readonly by: string })
  | (EventBase & { readonly type: 'delivered'; readonly by: string; readonly pr: number | null; readonly paid: number })
  | (EventBase & { readonly type: 'cancelled'; readonly by: string; readonly refunds: readonly Pledge[] })
  | (EventBase & { readonly type: 'expired'; readonly refunds: readonly Pledge[] });

export type WishEventType = WishEvent['type'];

/** The outcome of a transition: the new wish and what happened, for notifiers. */
export interface WishChange {
  readonly wish: Wish;
  readonly events: readonly WishEvent[];
}

