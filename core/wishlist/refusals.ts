// Why a transition is refused, in words a pledger or maintainer can act on: the wish's state,
// what that rules out, and, where it helps, what to do instead (the command goes in the hint).
import { issueHintFor } from '../commands/usage.ts';
import { DomainError, err, ok, type ErrorHint, type Result } from '../errors.ts';
import type { Wish, WishAction, WishStatus } from './wish.ts';

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

/** Why, for statuses where the generic sentence would be unhelpful, and what to run instead. */
function explanation(from: WishStatus, action: WishAction): { why: string; hint: ErrorHint | null } {
  const says = (why: string, hint: ErrorHint | null = null) => ({ why: ` ${why}`, hint });
  if (action === 'cancel' && (from === 'funded' || from === 'in_progress' || from === 'delivered'))
    return says('Pledgers have paid for the quoted work, which the maintainers committed to deliver; contact the platform operator if it cannot be done.');
  if (action === 'start' && (from === 'open' || from === 'quoted')) return says('Work starts once pledges have paid the quote.');
  if (action === 'deliver' && from === 'funded') return says('Start the work first, then deliver it when it is merged.', issueHintFor('start'));
  if (action === 'deliver' && (from === 'open' || from === 'quoted')) return says('A wish is delivered after it is funded and started.');
  if ((action === 'pledge' || action === 'quote' || action === 'spec') && (from === 'cancelled' || from === 'expired'))
    return says('Open a new wish to start again.', issueHintFor('wish'));
  if (action === 'refund' && (from === 'funded' || from === 'in_progress' || from === 'delivered'))
    return says("The money is committed to the maintainers' work.");
  if (action === 'expire' && from === 'open') return says('Only a quoted wish expires, 60 days after its quote.');
  return { why: '', hint: null };
}

/** Refuses `action` on `wish` with a `wish_transition` error (a custom `message` replaces the generic one). */
export function refuse(wish: Wish, action: WishAction, message?: string): Result<never> {
  const { why, hint } = explanation(wish.status, action);
  const text = message ?? `${STATE_PHRASE[wish.status]}; ${ACTION_CONSEQUENCE[action]}.${why}`;
  return err(new DomainError('wish_transition', text, { from: wish.status, action, wishId: wish.id }, message ? null : hint));
}

/** Refuses an amount that is not a positive whole number of minor units. */
export function invalidAmount(what: string, amount: number): Result<never> {
  return err(new DomainError('invalid_amount', `${what} must be a positive amount, got ${amount}.`, { amount }));
}

/** The trimmed text, or `invalid_input` when it is blank. */
export function requireText(value: string, what: string): Result<string> {
  const s = value.trim();
  if (s === '') return err(new DomainError('invalid_input', `${what} is missing.`, { field: what }));
  return ok(s);
}
