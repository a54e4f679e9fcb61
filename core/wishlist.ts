/**
 * The wishlist: community crowdfunding of a feature described in a GitHub issue.
 *
 * Lifecycle: open → quoted → funded → in_progress → delivered, or cancelled / expired.
 * Every transition is a pure function `(wish, input) → Result<{ wish, events }>`: the caller
 * persists the new value and hands the events to notifiers (GitHub status comment, Slack,
 * Discord). Who may do what (maintainer, requester) is checked by the use-cases, not here.
 *
 * Amounts are integers in minor units of the wish's currency (the settlement currency);
 * instants are `Date`s passed in by the caller.
 */
import { DomainError, err, ok, type Result } from './errors.ts';

// ---------------------------------------------------------------------------------------
// Identifiers

/** `owner/repo#n`, owner and repo in lower case. */
export type WishId = string & { readonly __brand: 'WishId' };
/** `owner/repo`, lower case. */
export type RepoId = string & { readonly __brand: 'RepoId' };

// GitHub: owners are alphanumerics and single hyphens (≤ 39); repositories [A-Za-z0-9._-] (≤ 100).
const OWNER = '[a-z0-9](?:[a-z0-9-]{0,38})';
const REPO = '[a-z0-9._-]{1,100}';
const SHORT_WISH_RE = new RegExp(`^(${OWNER})/(${REPO})#(\\d{1,10})$`, 'i');
const SHORT_REPO_RE = new RegExp(`^(${OWNER})/(${REPO})$`, 'i');
const URL_PREFIX = '(?:https?://)?(?:www\\.)?github\\.com/';
const URL_WISH_RE = new RegExp(`^${URL_PREFIX}(${OWNER})/(${REPO})/issues/(\\d{1,10})/?(?:[?#].*)?$`, 'i');
const URL_REPO_RE = new RegExp(`^${URL_PREFIX}(${OWNER})/(${REPO})(?:/.*)?(?:[?#].*)?$`, 'i');

const WISH_FORM = 'owner/repo#7 or https://github.com/owner/repo/issues/7';
const REPO_FORM = 'owner/repo or https://github.com/owner/repo';

function validRepoName(repo: string): boolean {
  return repo !== '.' && repo !== '..';
}

/** Parses `owner/repo#7` or `https://github.com/owner/repo/issues/7` into a lower-case wish id. */
export function parseWishId(input: string): Result<WishId> {
  const s = input.trim().replace(/^<|>$/g, '');
  const m = SHORT_WISH_RE.exec(s) ?? URL_WISH_RE.exec(s);
  const number = m ? Number(m[3]) : 0;
  if (!m || !validRepoName(m[2]!) || !Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) {
    return err(
      new DomainError('invalid_input', `"${input.trim()}" is not a GitHub issue; write it as ${WISH_FORM}.`, {
        input,
        expected: WISH_FORM,
      }),
    );
  }
  return ok(`${m[1]!.toLowerCase()}/${m[2]!.replace(/\.git$/i, '').toLowerCase()}#${number}` as WishId);
}

/** Parses `owner/repo` or a GitHub repository URL into a lower-case `owner/repo`. */
export function parseRepo(input: string): Result<RepoId> {
  const s = input.trim().replace(/^<|>$/g, '');
  const m = SHORT_REPO_RE.exec(s) ?? URL_REPO_RE.exec(s);
  const repo = m ? m[2]!.replace(/\.git$/i, '') : '';
  if (!m || !validRepoName(repo) || repo === '') {
    return err(
      new DomainError('invalid_input', `"${input.trim()}" is not a GitHub repository; write it as ${REPO_FORM}.`, {
        input,
        expected: REPO_FORM,
      }),
    );
  }
  return ok(`${m[1]!.toLowerCase()}/${repo.toLowerCase()}` as RepoId);
}

/** Splits a wish id into its repository and issue number. */
export function wishIdParts(id: WishId): { owner: string; repo: string; repoId: RepoId; number: number } {
  const hash = id.lastIndexOf('#');
  const repoId = id.slice(0, hash) as RepoId;
  const slash = repoId.indexOf('/');
  return { owner: repoId.slice(0, slash), repo: repoId.slice(slash + 1), repoId, number: Number(id.slice(hash + 1)) };
}

/** Builds the wish id of issue `number` in `repo`. */
export const wishIdOf = (repo: RepoId, number: number): WishId => `${repo}#${number}` as WishId;

// ---------------------------------------------------------------------------------------
// Delays

/** The longest delivery delay a quote may promise: two years. */
export const MAX_DELAY_DAYS = 730;
const DELAY_FORM = '10d, 3w, 2 weeks, 14 days or 1 month';

const UNIT_DAYS: Readonly<Record<string, number>> = {
  d: 1, day: 1, days: 1,
  w: 7, wk: 7, wks: 7, week: 7, weeks: 7,
  m: 30, mo: 30, mos: 30, month: 30, months: 30,
};

/** True when `word` is a delay unit (`d`, `weeks`, `month`...): lets grammars find where a delay starts. */
export const isDelayUnit = (word: string): boolean => Object.hasOwn(UNIT_DAYS, word.toLowerCase());

/** Parses a delivery delay into days: `10d`, `3w`, `2 weeks`, `1 week`, `14 days`, `1m`/`1 month` (= 30 days). */
export function parseDelay(input: string): Result<number> {
  const s = input.trim().toLowerCase();
  const refuse = (why: string) =>
    err(new DomainError('invalid_delay', `${why} Write a delay as ${DELAY_FORM}.`, { input, max: MAX_DELAY_DAYS }));
  if (s === '') return refuse('The delay is missing.');
  const m = /^([+-]?\d+(?:[.,]\d+)?)\s*([a-z]+)$/.exec(s);
  if (!m) {
    if (/^[+-]?\d+(?:[.,]\d+)?$/.test(s)) return refuse(`"${input.trim()}" has no unit (days, weeks or months).`);
    return refuse(`"${input.trim()}" is not a delay.`);
  }
  const unit = UNIT_DAYS[m[2]!];
  if (unit === undefined) return refuse(`"${m[2]}" is not a unit of time; use days, weeks or months.`);
  if (!/^[+-]?\d+$/.test(m[1]!)) return refuse(`"${input.trim()}" is not a whole number of days, weeks or months.`);
  const count = Number(m[1]);
  if (count <= 0) return refuse(`A delay must be positive, not "${input.trim()}".`);
  const days = count * unit;
  if (days > MAX_DELAY_DAYS) return refuse(`${days} days is too long; a quote may promise at most ${MAX_DELAY_DAYS} days.`);
  return ok(days);
}

// ---------------------------------------------------------------------------------------
// The wish

export type WishStatus = 'open' | 'quoted' | 'funded' | 'in_progress' | 'delivered' | 'cancelled' | 'expired';
export const WISH_STATUSES: readonly WishStatus[] = ['open', 'quoted', 'funded', 'in_progress', 'delivered', 'cancelled', 'expired'];

/** A quote is valid this long: a wish not funded 60 days after its latest quote expires. */
export const QUOTE_VALIDITY_DAYS = 60;
const DAY_MS = 86_400_000;

/** Progress milestones announced to subscribers, in percent of the quote paid. */
export type Milestone = 25 | 50 | 75 | 100;
export const MILESTONES: readonly Milestone[] = [25, 50, 75, 100];

/** Someone who pledges, from whichever front-end; GitHub pledgers are identified by lower-case login. */
export interface Pledger {
  readonly source: 'github' | 'discord' | 'slack';
  readonly id: string;
  readonly display: string;
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
  /** Emitted exactly once per wish; `maintainer` (the quote's author) must now `/start`. */
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

// ---------------------------------------------------------------------------------------
// Refusals

const STATE_PHRASE: Readonly<Record<WishStatus, string>> = {
  open: 'This wish has no quote yet',
  quoted: 'This wish is quoted and collecting pledges',
  funded: 'This wish is already funded',
  in_progress: 'Work on this wish has already started',
  delivered: 'This wish has already been delivered',
  cancelled: 'This wish was cancelled',
  expired: 'This wish expired without being funded',
};

const ACTION_CONSEQUENCE: Readonly<Record<WishAction, string>> = {
  open: 'it cannot be opened again',
  spec: 'its spec can no longer be changed',
  quote: 'it can no longer be re-quoted',
  pledge: 'it no longer accepts pledges',
  pay: 'this pledge can no longer be paid',
  refund: 'its pledges are not refunded',
  start: 'it cannot be started',
  deliver: 'it cannot be delivered',
  cancel: 'it can no longer be cancelled',
  expire: 'it cannot expire',
};

/** Why, for statuses where the generic sentence would be unhelpful. */
function hint(from: WishStatus, action: WishAction): string {
  if (action === 'cancel' && (from === 'funded' || from === 'in_progress' || from === 'delivered'))
    return ' Pledgers have paid for the quoted work, which the maintainers committed to deliver; contact the platform operator if it cannot be done.';
  if (action === 'start' && (from === 'open' || from === 'quoted')) return ' Work starts once pledges have paid the quote.';
  if (action === 'deliver' && from === 'funded') return ' Run /start first, then /deliver when the work is merged.';
  if (action === 'deliver' && (from === 'open' || from === 'quoted')) return ' A wish is delivered after it is funded and started.';
  if ((action === 'pledge' || action === 'quote' || action === 'spec') && (from === 'cancelled' || from === 'expired'))
    return ' Open a new wish to start again.';
  if (action === 'refund' && (from === 'funded' || from === 'in_progress' || from === 'delivered'))
    return ' The money is committed to the maintainers\' work.';
  if (action === 'expire' && from === 'open') return ' Only a quoted wish expires, 60 days after its quote.';
  return '';
}

function refuse(wish: Wish, action: WishAction, message?: string): Result<never> {
  const text = message ?? `${STATE_PHRASE[wish.status]}; ${ACTION_CONSEQUENCE[action]}.${hint(wish.status, action)}`;
  return err(new DomainError('wish_transition', text, { from: wish.status, action, wishId: wish.id }));
}

// ---------------------------------------------------------------------------------------
// Helpers

const isPositiveAmount = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

function invalidAmount(what: string, amount: number): Result<never> {
  return err(new DomainError('invalid_amount', `${what} must be a positive amount, got ${amount}.`, { amount }));
}

function requireText(value: string, what: string): Result<string> {
  const s = value.trim();
  if (s === '') return err(new DomainError('invalid_input', `${what} is missing.`, { field: what }));
  return ok(s);
}

/** Sum of PAID pledges: only money actually received funds a wish. */
export const paidTotal = (wish: Pick<Wish, 'pledges'>): number =>
  wish.pledges.reduce((sum, p) => (p.status === 'paid' ? sum + p.amount : sum), 0);

const pledgerKey = (p: Pledger): string => `${p.source}:${p.id}`;

/** Distinct pledgers whose pledges still stand (not refunded). */
function activePledgers(wish: Wish): Pledger[] {
  const seen = new Map<string, Pledger>();
  for (const p of wish.pledges) if (p.status !== 'refunded' && !seen.has(pledgerKey(p.pledger))) seen.set(pledgerKey(p.pledger), p.pledger);
  return [...seen.values()];
}

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

// ---------------------------------------------------------------------------------------
// Transitions

export interface OpenWishInput {
  readonly id: WishId;
  readonly title: string;
  readonly description: string;
  /** GitHub login of who wrote `/wish`. */
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

/** Whether a wish takes new pledges: while it is open (no quote yet) or quoted (collecting). */
export const acceptsPledges = (wish: Pick<Wish, 'status'>): boolean => wish.status === 'open' || wish.status === 'quoted';

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
    return err(new DomainError('invalid_input', `#${pr} is not a pull request number; write /deliver #123.`, { pr }));
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

/** True when `expire(wish, at)` would succeed: for the scheduler that sweeps deadlines. */
export const isExpired = (wish: Wish, at: Date): boolean =>
  wish.status === 'quoted' && wish.deadline !== null && at.getTime() >= wish.deadline.getTime();

/**
 * Pledges still to refund in a cancelled or expired wish (empty otherwise): paid ones are
 * refunded, committed ones released without money moving. Mark each with `markPledgeRefunded`.
 */
export function pledgesToRefund(wish: Wish): Pledge[] {
  if (wish.status !== 'cancelled' && wish.status !== 'expired') return [];
  return wish.pledges.filter((p) => p.status !== 'refunded');
}

// ---------------------------------------------------------------------------------------
// Views

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
