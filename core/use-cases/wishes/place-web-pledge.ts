import { createHash } from 'node:crypto';
import { DomainError, err, ok, type Result } from '../../errors.ts';
import { minorUnitDigits, money, parseAmount, type Money } from '../../money.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentGateway } from '../../ports/payments.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import type { WishStore } from '../../ports/wishes.ts';
import type { Pledger, Wish, WishId } from '../../wishlist.ts';
import { placePledge } from './place-pledge.ts';
import { randomPledgeId } from './support.ts';

/** The wish page's pledge form as posted: a typed amount wins over a preset one; name and e-mail are optional. */
export interface WebPledgeForm {
  readonly amount?: string | null;
  readonly preset?: string | null;
  readonly name?: string | null;
  readonly email?: string | null;
}

/** A form that passed every check. */
export interface WebPledgeRequest {
  readonly amount: Money;
  readonly name: string | null;
  readonly email: string | null;
}

export const MAX_NAME_LENGTH = 80;
const MAX_EMAIL_LENGTH = 254;
const PRESETS_MAJOR = [10, 25, 50, 100] as const;

/** The amounts the form offers as one click (10, 25, 50 and 100 in the currency). */
export const presetPledges = (currency: string): Money[] => PRESETS_MAJOR.map((n) => money(n * 10 ** minorUnitDigits(currency), currency));

const blank = (v: string | null | undefined): string | null => {
  // Control characters never belong in a name or an address.
  const t = (v ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return t === '' ? null : t;
};

/** Checks a posted form: the amount (as people type it, in `currency`), an optional name and e-mail. */
export function readWebPledge(form: WebPledgeForm, currency: string): Result<WebPledgeRequest> {
  const typed = blank(form.amount) ?? blank(form.preset);
  if (typed === null) return err(new DomainError('invalid_amount', 'Choose one of the amounts or type the amount you want to give, e.g. 25.', { reason: 'missing' }));
  const amount = parseAmount(typed, currency);
  if (!amount.ok) return amount;
  const name = blank(form.name);
  if (name !== null && name.length > MAX_NAME_LENGTH) {
    return err(new DomainError('invalid_input', `A name can be at most ${MAX_NAME_LENGTH} characters; leave it empty to pledge without one.`, { field: 'name', length: name.length }));
  }
  const email = blank(form.email);
  if (email !== null && (email.length > MAX_EMAIL_LENGTH || !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/.test(email))) {
    const shown = email.length > 40 ? `${email.slice(0, 39)}…` : email;
    return err(new DomainError('invalid_input', `"${shown}" is not an e-mail address; leave it empty or type one like ada@example.org.`, { field: 'email' }));
  }
  return ok({ amount: amount.value, name, email });
}

/**
 * Who a guest of the wish page pledges as. With an e-mail, the same address is the same pledger
 * (its hash, never the address, is the id: pledges add up under one person); without, each pledge
 * is its own pledger. The name is only what the payment and the log call them.
 */
export function webPledger(request: Pick<WebPledgeRequest, 'name' | 'email'>, pledgeId: string): Pledger {
  const display = request.name ?? 'a supporter on the web';
  if (request.email === null) return { source: 'web', id: `guest:${pledgeId}`, display };
  const digest = createHash('sha256').update(request.email.toLowerCase()).digest('hex').slice(0, 32);
  return { source: 'web', id: `email:${digest}`, display, email: request.email };
}

/**
 * A pledge from the wish page, as a guest: the form is checked first (a bad one changes
 * nothing), then it is an ordinary pledge (`placePledge`): recorded as committed, then collected
 * by the gateway (a Stripe Checkout URL to send the browser to, or offline: settled by an operator).
 */
export async function placeWebPledge({
  wishes,
  gateway,
  outbox,
  clock,
  id,
  currency,
  form,
  rateLimiter,
  address,
  newId = randomPledgeId,
}: {
  wishes: WishStore;
  gateway: PaymentGateway;
  outbox: NotificationOutbox;
  clock: Clock;
  id: WishId;
  /** The settlement currency: what the typed amount is in. */
  currency: string;
  form: WebPledgeForm;
  rateLimiter?: RateLimiter | null;
  /** The visitor's address (each address may pledge only so often). */
  address?: string | null;
  newId?: () => string;
}): Promise<{ wish: Wish; pledgeId: string; amount: Money; checkoutUrl: string | null; offline: boolean }> {
  const request = readWebPledge(form, currency);
  if (!request.ok) throw request.error;
  const pledgeId = newId();
  const placed = await placePledge({ wishes, gateway, outbox, clock, id, pledger: webPledger(request.value, pledgeId), amount: request.value.amount, rateLimiter, address, newId: () => pledgeId });
  return { ...placed, amount: request.value.amount };
}
