/**
 * The wish's transitions. Each is a pure function `(wish, input) → Result<{ wish, events }>`:
 * the caller persists the new value and hands the events to notifiers (GitHub status comment,
 * Slack, Discord). Who may do what (maintainer, requester) is checked by the use-cases, not here.
 */
import { DomainError, err, ok, type Result } from '../errors.ts';
import { issueHintFor } from '../commands/usage.ts';
import { MAX_DELAY_DAYS } from './delay.ts';
import type { WishId } from './ids.ts';
import { activePledgers, paidTotal, pledgerKey } from './progress.ts';
import { invalidAmount, refuse, requireText } from './refusals.ts';
import { acceptsPledges, pledgesToRefund } from './status.ts';
import {
  MILESTONES,
  QUOTE_VALIDITY_DAYS,
  type Pledge,
  type Pledger,
  type Quote,
  type Spec,
  type Wish,
  type WishChange,
  type WishEvent,
  type WishLogEntry,
} from './wish.ts';

const DAY_MS = 86_400_000;
const isPositiveAmount = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);

function logged(wish: Wish, at: Date, actor: string, action: WishLogEntry['action']): WishLogEntry[] {
  return [...wish.log, { at, actor, action }];
}

/**
 * Milestones newly reached and the funding transition, after paid total or quote changed.
 * Milestones are announced once each, from the set already announced, so a re-quote never
 * makes one repeat; `funded` only fires on the quoted → funded edge, so it happens once.
 */
function settle(wish: Wish, at: Date): WishChange {
  if (!wish.quote || wish.status === 'cancelled' || wish.status === 'expired') return { wish, events: [] };
  const paid = paidTotal(wish);
  const percent = Math.floor((paid * 100) / wish.quote.amount);
  const reached = MILESTONES.filter((m) => percent >= m && !wish.milestones.includes(m));
  const events: WishEvent[] = reached.map((milestone) => ({
    type: 'progress',
    wishId: wish.id,
    at,
    milestone,
    paid,
    quote: wish.quote!.amount,
  }));
  let next: Wish = reached.length ? { ...wish, milestones: [...wish.milestones, ...reached] } : wish;
  if (next.status === 'quoted' && paid >= next.quote!.amount) {
    next = { ...next, status: 'funded', fundedAt: at, log: logged(next, at, 'upkeep', 'fund') };
    events.push({ type: 'funded', wishId: wish.id, at, paid, quote: next.quote!, maintainer: next.quote!.by });
  }
  return { wish: next, events };
}

function findPledge(wish: Wish, pledgeId: string): Result<Pledge> {
  const p = wish.pledges.find((x) => x.id === pledgeId);
  if (!p) return err(new DomainError('not_found', `No pledge ${pledgeId} on wish ${wish.id}.`, { wishId: wish.id, pledgeId }));
  return ok(p);
}

const withPledge = (wish: Wish, pledge: Pledge): Wish => ({
  ...wish,
  pledges: wish.pledges.map((p) => (p.id === pledge.id ? pledge : p)),
});



export interface OpenWishInput {
  readonly id: WishId;
  readonly title: string;
  readonly description: string;
  /** GitHub login of who opened the wish. */
  readonly requester: string;
  /** Settlement currency (the `CURRENCY` setting). */
  readonly currency: string;
  /** The requester's free contribution in minor units, any amount; 0 or absent means none. */
  readonly commitment?: number | null;
  /** Id of the commitment pledge; defaults to `<wish id>/1`. */
  readonly commitmentId?: string;
  readonly at: Date;
}

/** Opens a wish from an issue; a commitment becomes the first (committed) pledge. */
export function openWish(input: OpenWishInput): Result<WishChange> {
  const title = requireText(input.title, 'The wish title');
  if (!title.ok) return title;
  const requester = requireText(input.requester, 'The requester');
  if (!requester.ok) return requester;
  const commitment = input.commitment ?? 0;
  if (!Number.isSafeInteger(commitment) || commitment < 0) return invalidAmount('A commitment', commitment);
  const pledge: Pledge | null =
    commitment > 0
      ? {
          id: input.commitmentId ?? `${input.id}/1`,
          pledger: { source: 'github', id: requester.value.toLowerCase(), display: requester.value },
          amount: commitment,
          status: 'committed',
          createdAt: input.at,
        }
      : null;
  const wish: Wish = {
    id: input.id,
    title: title.value,
    description: input.description.trim(),
    requester: requester.value,
    currency: input.currency,
    status: 'open',
    spec: null,
    quote: null,
    quoteHistory: [],
    pledges: pledge ? [pledge] : [],
    deadline: null,
    milestones: [],
    createdAt: input.at,
    fundedAt: null,
    startedAt: null,
    deliveredAt: null,
    deliveredBy: null,
    cancelledAt: null,
    expiredAt: null,
    log: [{ at: input.at, actor: requester.value, action: 'open' }],
  };
  const events: WishEvent[] = [{ type: 'opened', wishId: wish.id, at: input.at, requester: requester.value, commitment: pledge }];
  if (pledge) events.push({ type: 'pledged', wishId: wish.id, at: input.at, pledge });
  return ok({ wish, events });
}

/** Writes (or rewrites) the technical spec; allowed until the wish is funded. */
export function writeSpec(wish: Wish, input: { text: string; author: string; at: Date }): Result<WishChange> {
  if (wish.status !== 'open' && wish.status !== 'quoted') return refuse(wish, 'spec');
  const text = requireText(input.text, 'The spec text');
  if (!text.ok) return text;
  const spec: Spec = { text: text.value, author: input.author, at: input.at };
  return ok({
    wish: { ...wish, spec, log: logged(wish, input.at, input.author, 'spec') },
    events: [{ type: 'specified', wishId: wish.id, at: input.at, author: input.author, revised: wish.spec !== null }],
  });
}

export interface QuoteInput {
  readonly amount: number;
  readonly currency: string;
  readonly delayDays: number;
  readonly by: string;
  readonly at: Date;
}

/**
 * Quotes (or re-quotes) cost and delay; allowed while open or quoted. The deadline moves to
 * 60 days after this quote. If paid pledges already cover it, the wish is funded at once.
 */
export function quote(wish: Wish, input: QuoteInput): Result<WishChange> {
  if (wish.status !== 'open' && wish.status !== 'quoted') return refuse(wish, 'quote');
  if (!isPositiveAmount(input.amount)) return invalidAmount('A quote', input.amount);
  if (input.currency !== wish.currency) {
    return err(
      new DomainError('wrong_currency', `Quotes are in ${wish.currency}; ${input.currency} is not accepted.`, {
        expected: wish.currency,
        got: input.currency,
      }),
    );
  }
  if (!Number.isSafeInteger(input.delayDays) || input.delayDays < 1 || input.delayDays > MAX_DELAY_DAYS) {
    return err(
      new DomainError('invalid_delay', `A delay must be between 1 and ${MAX_DELAY_DAYS} days, got ${input.delayDays}.`, {
        delayDays: input.delayDays,
        max: MAX_DELAY_DAYS,
      }),
    );
  }
  const q: Quote = { amount: input.amount, currency: input.currency, delayDays: input.delayDays, by: input.by, at: input.at };
  const previous = wish.quote;
  const quoted: Wish = {
    ...wish,
    status: 'quoted',
    quote: q,
    quoteHistory: [...wish.quoteHistory, q],
    deadline: addDays(input.at, QUOTE_VALIDITY_DAYS),
    log: logged(wish, input.at, input.by, 'quote'),
  };
  const notify = activePledgers(wish);
  const event: WishEvent = previous
    ? { type: 'requoted', wishId: wish.id, at: input.at, quote: q, previous, notify }
    : { type: 'quoted', wishId: wish.id, at: input.at, quote: q, notify };
  const settled = settle(quoted, input.at);
  return ok({ wish: settled.wish, events: [event, ...settled.events] });
}

export interface PledgeInput {
  readonly pledger: Pledger;
  /** Minor units. */
  readonly amount: number;
  /** Defaults to `<wish id>/<n>`; a repeated id with the same pledger and amount is a no-op (retries). */
  readonly id?: string;
  readonly at: Date;
}


/** Records a committed pledge; allowed while open or quoted. */
export function addPledge(wish: Wish, input: PledgeInput): Result<WishChange> {
  const id = input.id ?? `${wish.id}/${wish.pledges.length + 1}`;
  const existing = wish.pledges.find((p) => p.id === id);
  if (existing) {
    if (pledgerKey(existing.pledger) === pledgerKey(input.pledger) && existing.amount === input.amount) return ok({ wish, events: [] });
    return err(new DomainError('conflict', `Pledge ${id} already exists with other terms.`, { wishId: wish.id, pledgeId: id }));
  }
  if (!acceptsPledges(wish)) return refuse(wish, 'pledge');
  if (!isPositiveAmount(input.amount)) return invalidAmount('A pledge', input.amount);
  const pledge: Pledge = { id, pledger: input.pledger, amount: input.amount, status: 'committed', createdAt: input.at };
  return ok({
    wish: { ...wish, pledges: [...wish.pledges, pledge], log: logged(wish, input.at, input.pledger.display, 'pledge') },
    events: [{ type: 'pledged', wishId: wish.id, at: input.at, pledge }],
  });
}

/**
 * Records that a pledge's money arrived. Paying an already-paid pledge is a no-op. Payment
 * is recorded in any status (money that arrived must be tracked, and refunded if the wish
 * is cancelled or expired), but only a quoted wish becomes funded.
 */
export function markPledgePaid(wish: Wish, pledgeId: string, at: Date): Result<WishChange> {
  const found = findPledge(wish, pledgeId);
  if (!found.ok) return found;
  const pledge = found.value;
  if (pledge.status === 'paid') return ok({ wish, events: [] });
  if (pledge.status === 'refunded') {
    return err(
      new DomainError('wish_transition', 'This pledge was refunded; it can no longer be paid. Pledge again instead.', {
        from: wish.status,
        action: 'pay',
        wishId: wish.id,
        pledgeId,
      }),
    );
  }
  const paid = withPledge(wish, { ...pledge, status: 'paid' });
  return ok(settle({ ...paid, log: logged(wish, at, pledge.pledger.display, 'pay') }, at));
}

/**
 * Records a refund (or, for a committed pledge, its release). Allowed while the wish is
 * open or quoted (a pledger withdraws) and once it is cancelled or expired; refunding twice
 * is a no-op.
 */
export function markPledgeRefunded(wish: Wish, pledgeId: string, at: Date): Result<WishChange> {
  const found = findPledge(wish, pledgeId);
  if (!found.ok) return found;
  const pledge = found.value;
  if (pledge.status === 'refunded') return ok({ wish, events: [] });
  if (wish.status === 'funded' || wish.status === 'in_progress' || wish.status === 'delivered') return refuse(wish, 'refund');
  const refunded = withPledge(wish, { ...pledge, status: 'refunded' });
  return ok({ wish: { ...refunded, log: logged(wish, at, 'upkeep', 'refund') }, events: [] });
}

/**
 * The payment provider gave a pledge's money back (Stripe `charge.refunded`, e.g. from its
 * dashboard), in whatever order its events arrive. A committed pledge (its payment not
 * recorded yet) is released in any wish status, so a completion that arrives later never
 * counts it; a paid pledge is refunded while its wish is not funded (open, quoted, cancelled,
 * expired); `wasPaid` tells the caller to move the escrow back. Refused once the wish is
 * funded: its money is committed, and the operator settles the difference.
 */
export function markPledgeChargeRefunded(wish: Wish, pledgeId: string, at: Date): Result<WishChange & { wasPaid: boolean }> {
  const found = findPledge(wish, pledgeId);
  if (!found.ok) return found;
  const pledge = found.value;
  if (pledge.status === 'refunded') return ok({ wish, events: [], wasPaid: false });
  if (pledge.status === 'paid' && (wish.status === 'funded' || wish.status === 'in_progress' || wish.status === 'delivered')) return refuse(wish, 'refund');
  const refunded = withPledge(wish, { ...pledge, status: 'refunded' });
  return ok({ wish: { ...refunded, log: logged(wish, at, 'upkeep', 'refund') }, events: [], wasPaid: pledge.status === 'paid' });
}

/**
 * A pledger takes back their unpaid pledges to a wish before it is funded: each committed
 * pledge of `pledgers` (one person's identities) is released (status `refunded`, no money moved), so it no longer counts.
 * A paid pledge stays (its money is refunded only if the wish is cancelled or expires), and
 * nothing can be withdrawn once the wish is funded. A payment that still arrives for a released
 * pledge is refunded at once (settle-pledge-payment).
 */
export function withdrawPledges(wish: Wish, input: { pledgers: readonly Pick<Pledger, 'source' | 'id'>[]; at: Date }): Result<WishChange & { withdrawn: Pledge[] }> {
  const keys = new Set(input.pledgers.map((p) => pledgerKey({ ...p, display: '' })));
  const mine = wish.pledges.filter((p) => keys.has(pledgerKey(p.pledger)) && p.status !== 'refunded');
  const details = { wishId: wish.id, from: wish.status, action: 'refund' };
  if (mine.length === 0) return err(new DomainError('not_found', `You have no standing pledge to ${wish.id}.`, { wishId: wish.id }));
  if (!acceptsPledges(wish)) {
    const why =
      wish.status === 'cancelled' || wish.status === 'expired'
        ? `${wish.id} was ${wish.status === 'cancelled' ? 'cancelled' : 'not funded in time'}, so every pledge to it is refunded already.`
        : `${wish.id} is already funded, so pledges to it can no longer be withdrawn: the money is committed to the maintainers' work.`;
    return err(new DomainError('wish_transition', why, details));
  }
  const committed = mine.filter((p) => p.status === 'committed');
  if (committed.length === 0) {
    return err(
      new DomainError('wish_transition', `Your pledge to ${wish.id} is paid, so it can no longer be withdrawn; paid pledges are refunded if the wish is cancelled or expires.`, details),
    );
  }
  const ids = new Set(committed.map((p) => p.id));
  const next: Wish = {
    ...wish,
    pledges: wish.pledges.map((p) => (ids.has(p.id) ? { ...p, status: 'refunded' as const } : p)),
    log: logged(wish, input.at, committed[0]!.pledger.display, 'refund'),
  };
  return ok({ wish: next, events: [], withdrawn: committed });
}

/** The maintainer starts work on a funded wish. */
export function start(wish: Wish, input: { by: string; at: Date }): Result<WishChange> {
  if (wish.status !== 'funded') return refuse(wish, 'start');
  return ok({
    wish: { ...wish, status: 'in_progress', startedAt: input.at, log: logged(wish, input.at, input.by, 'start') },
    events: [{ type: 'started', wishId: wish.id, at: input.at, by: input.by }],
  });
}

/** The maintainer delivers, optionally naming the pull request; funds are then released. */
export function deliver(wish: Wish, input: { by: string; at: Date; pr?: number | null }): Result<WishChange> {
  if (wish.status !== 'in_progress') return refuse(wish, 'deliver');
  const pr = input.pr ?? null;
  if (pr !== null && (!Number.isSafeInteger(pr) || pr < 1)) {
    return err(new DomainError('invalid_input', `#${pr} is not a pull request number.`, { pr }, issueHintFor('deliver')));
  }
  return ok({
    wish: { ...wish, status: 'delivered', deliveredAt: input.at, deliveredBy: pr, log: logged(wish, input.at, input.by, 'deliver') },
    events: [{ type: 'delivered', wishId: wish.id, at: input.at, by: input.by, pr, paid: paidTotal(wish) }],
  });
}

/** Cancels a wish that is not funded yet; every pledge is then to be refunded. */
export function cancel(wish: Wish, input: { by: string; at: Date }): Result<WishChange> {
  if (wish.status !== 'open' && wish.status !== 'quoted') return refuse(wish, 'cancel');
  const next: Wish = { ...wish, status: 'cancelled', cancelledAt: input.at, log: logged(wish, input.at, input.by, 'cancel') };
  return ok({ wish: next, events: [{ type: 'cancelled', wishId: wish.id, at: input.at, by: input.by, refunds: pledgesToRefund(next) }] });
}

/** Expires a quoted wish whose deadline has passed unfunded; every pledge is then to be refunded. */
export function expire(wish: Wish, at: Date): Result<WishChange> {
  if (wish.status !== 'quoted') return refuse(wish, 'expire');
  if (wish.deadline && at.getTime() < wish.deadline.getTime()) {
    return refuse(wish, 'expire', `This wish can be funded until ${wish.deadline.toISOString()}; it cannot expire before.`);
  }
  const next: Wish = { ...wish, status: 'expired', expiredAt: at, log: logged(wish, at, 'upkeep', 'expire') };
  return ok({ wish: next, events: [{ type: 'expired', wishId: wish.id, at, refunds: pledgesToRefund(next) }] });
}

