import type { Clock } from '../../ports/clock.ts';
import type { WishComment, WishDiscussion } from '../../ports/discussion.ts';
import type { PaymentGateway } from '../../ports/payments.ts';
import type { WishStore } from '../../ports/wishes.ts';
import {
  acceptsPledges,
  activePledgers,
  fundingGap,
  toPublicWish,
  wishProgress,
  type FundingGap,
  type PublicWish,
  type Quote,
  type Wish,
  type WishId,
  type WishLogEntry,
  type WishProgress,
} from '../../wishlist.ts';
import { presetPledges } from './place-web-pledge.ts';
import { wishNotFound } from './support.ts';
import type { Money } from '../../money.ts';

/** One step of the public timeline; pledges and payments are counted, never named. */
export interface TimelineEntry {
  readonly at: Date;
  readonly action: WishLogEntry['action'];
  /** The GitHub login that acted (open, spec, quote, start, deliver, cancel); null for pledges, payments and Upkeep's own steps. */
  readonly actor: string | null;
  /** How many entries of this action this step stands for (consecutive pledges of one day are one step). */
  readonly count: number;
}

/** Each quote a maintainer gave, oldest first; `current` is the standing one. */
export interface QuoteStep extends Pick<Quote, 'amount' | 'currency' | 'delayDays' | 'by' | 'at'> {
  readonly current: boolean;
}

/** Everything the public wish page shows (CONTRACT §5: aggregates, GitHub logins of pledgers, never e-mails or chat ids). */
export interface WishPage {
  readonly wish: Wish;
  /** The same figures as `GET /api/v1/wishes/...`. */
  readonly public: PublicWish;
  readonly progress: WishProgress;
  readonly gap: FundingGap;
  readonly pledgers: {
    /** GitHub logins of pledgers who pledged from GitHub or a linked GitHub identity. */
    readonly logins: readonly string[];
    /** How many other pledgers (web guests, chat users without a linked GitHub login). */
    readonly others: number;
  };
  readonly acceptsPledges: boolean;
  /** The one-click amounts of the pledge form. */
  readonly presets: readonly Money[];
  readonly quotes: readonly QuoteStep[];
  readonly timeline: readonly TimelineEntry[];
  readonly comments: readonly WishComment[];
  /** True when payments are offline: pledges are commitments an operator settles. */
  readonly offline: boolean;
}

/** Log actions whose actor is a pledger (who may be a chat id or a web guest): never named publicly. */
const COUNTED: ReadonlySet<WishLogEntry['action']> = new Set(['pledge', 'pay', 'refund']);
/** Steps Upkeep takes itself (funding, expiry). */
const AUTOMATIC: ReadonlySet<WishLogEntry['action']> = new Set(['fund', 'expire']);

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The wish's log as the public sees it: maintainers' steps named, pledges and payments counted per day. */
export function publicTimeline(log: readonly WishLogEntry[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const e of log) {
    const last = out[out.length - 1];
    if (COUNTED.has(e.action)) {
      if (last && last.action === e.action && day(last.at) === day(e.at)) {
        out[out.length - 1] = { ...last, count: last.count + 1 };
        continue;
      }
      out.push({ at: e.at, action: e.action, actor: null, count: 1 });
      continue;
    }
    out.push({ at: e.at, action: e.action, actor: AUTOMATIC.has(e.action) ? null : e.actor, count: 1 });
  }
  return out;
}

/** GitHub logins among the standing pledgers (as they typed them), and how many others there are. */
export function publicPledgers(wish: Pick<Wish, 'pledges'>): WishPage['pledgers'] {
  const logins: string[] = [];
  let others = 0;
  for (const p of activePledgers(wish)) {
    if (p.source === 'github') logins.push(p.display.toLowerCase() === p.id ? p.display : p.id);
    else others += 1;
  }
  return { logins: logins.sort((a, b) => a.localeCompare(b)), others };
}

/** The wish page's data: the wish, its public figures at `now`, pledgers, quotes, timeline and discussion; `wish_not_found` otherwise. */
export async function getWishPage({
  wishes,
  discussion,
  clock,
  gateway,
  id,
}: {
  wishes: WishStore;
  discussion: WishDiscussion;
  clock: Clock;
  gateway: Pick<PaymentGateway, 'mode'>;
  id: WishId;
}): Promise<WishPage> {
  const wish = await wishes.get(id);
  if (!wish) throw wishNotFound(id);
  const comments = await discussion.comments(id);
  const history = wish.quoteHistory.length > 0 ? wish.quoteHistory : wish.quote ? [wish.quote] : [];
  return {
    wish,
    public: toPublicWish(wish),
    progress: wishProgress(wish),
    gap: fundingGap(wish, clock.now()),
    pledgers: publicPledgers(wish),
    acceptsPledges: acceptsPledges(wish),
    presets: presetPledges(wish.currency),
    quotes: history.map((q, i) => ({ amount: q.amount, currency: q.currency, delayDays: q.delayDays, by: q.by, at: q.at, current: i === history.length - 1 && wish.quote !== null })),
    timeline: publicTimeline(wish.log),
    comments,
    offline: gateway.mode === 'offline',
  };
}
