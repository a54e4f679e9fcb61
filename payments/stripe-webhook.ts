// POST /stripe/webhooks: Stripe events, verified on the raw body (`Stripe-Signature`), applied
// exactly once: the event's record and its effect commit in one database transaction
// (core/inbound.ts `applyOnce`), so a delivery already recorded is acknowledged without effect,
// and a crash or a failure mid-way leaves neither, and Stripe's redelivery applies it whole.
// Calls to Stripe made while handling carry idempotency keys, so a repeat is answered the same.
import type Stripe from 'stripe';
import { isDomainError } from '../core/errors.ts';
import { applyOnce, DeliveryIncomplete } from '../core/inbound.ts';
import { paymentKeys } from '../core/keys.ts';
import type { Ports } from '../core/ports/index.ts';
import type { WishId } from '../core/wishlist.ts';
import { unfundedReason } from '../core/billing.ts';
import { completeBudgetSetup } from '../core/use-cases/payments/budget-setup-link.ts';
import { retryUnfundedBudgets } from '../core/use-cases/payments/retry-unfunded-budgets.ts';
import { updatePayoutAccount } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { recordProviderRefund } from '../core/use-cases/payments/record-provider-refund.ts';
import { settlePledgePayment } from '../core/use-cases/payments/settle-pledge-payment.ts';
import { cleanJson } from '../core/text.ts';
import { HttpError, type RoutePlugin } from '../edge/http.ts';
import { freshTimestamp } from '../edge/freshness.ts';
import { jsonBoundsProblem } from '../edge/json-guard.ts';
import type { Logger } from '../edge/logger.ts';
import { createStripeClient } from './stripe-gateway.ts';

export const STRIPE_WEBHOOK_PATH = '/stripe/webhooks';

/** Stripe's event objects are larger than a chat message, far below this. */
const BODY_LIMIT = 512 * 1024;

/** STRIPE_* as the webhook reads them. */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  apiUrl: string | null;
}

/** What handling one verified event needs: the stores are those of the event's transaction. */
export type StripeEventDeps = Pick<Ports, 'wishes' | 'ledger' | 'outbox' | 'clock' | 'gateway' | 'payments' | 'unfundedMonths' | 'companies'> & { log: Logger };

/** No store of its own: every write goes through the stores `applyOnce` binds to the event's transaction. */
export type StripeWebhookDeps = Pick<Ports, 'clock' | 'gateway' | 'inboundEffects'> & { log: Logger; settings: StripeSettings | null };

type Obj = Record<string, any>;

/** What handling an event did, for the reply and the log. */
type Handled = { handled: true; result: string } | { handled: false; result: string };

/** The Stripe webhook route, or null when Stripe is not configured (payments offline). */
export function stripeWebhookRoutes(deps: StripeWebhookDeps): RoutePlugin | null {
  const settings = deps.settings;
  if (!settings) return null;
  // Verifying a signature calls no API: any client of the account will do.
  const stripe: Stripe = createStripeClient(settings.secretKey, settings.apiUrl, 0);
  return (app) => {
    // The signature is over the exact bytes: keep the body raw, whatever its type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post(STRIPE_WEBHOOK_PATH, { bodyLimit: BODY_LIMIT, helmet: false }, async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['stripe-signature'];
      if (typeof signature !== 'string' || signature === '') throw new HttpError(400, 'missing_signature', 'The Stripe-Signature header is missing.');
      // Bounded before the SDK parses it: a document thousands of levels deep is refused, never parsed or stored.
      const tooDeep = jsonBoundsProblem(raw);
      if (tooDeep) throw new HttpError(400, tooDeep.code, tooDeep.message);
      // The SDK refuses signatures older than 5 minutes but not ones dated ahead: the same window
      // as Slack and Discord, both ways, so a request signed in advance cannot be replayed later.
      // Read as the SDK reads it (the last `t=` item), or a fresh `t=` put in front would vouch for a later-dated signature.
      const signedAt = signature.split(',').map((item) => item.split('=')).filter(([k]) => k === 't').pop()?.[1];
      if (signedAt !== undefined && !freshTimestamp(signedAt, Date.now())) {
        throw new HttpError(400, 'invalid_signature', 'The Stripe signature is invalid or too old.');
      }
      let event: Stripe.Event;
      try {
        // Verifies the HMAC of the raw body and refuses timestamps older than 5 minutes (replays).
        event = stripe.webhooks.constructEvent(raw, signature, settings.webhookSecret);
      } catch (e) {
        deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'stripe webhook refused');
        throw new HttpError(400, 'invalid_signature', 'The Stripe signature is invalid or too old.');
      }
      if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.data?.object !== 'object' || event.data.object === null) {
        throw new HttpError(400, 'invalid_event', 'The event has no id, type or object.');
      }
      // Provider text is cleaned once, before anything of it is handled or stored (core/text.ts).
      const object = cleanJson(event.data.object as Obj);
      const { clock, gateway, log } = deps;
      const received = await applyOnce(deps.inboundEffects, { source: 'stripe', externalId: event.id, kind: event.type, payload: object }, async (stores) => {
        try {
          return await handleStripeEvent({ ...stores, clock, gateway, log }, event.type, object);
        } catch (e) {
          if (!isDomainError(e)) throw e; // 500: nothing was kept, Stripe redelivers
          // The event is valid but refers to something we refuse (an unknown wish...): retrying won't help.
          deps.log.warn({ event: event.id, type: event.type, code: e.code, message: e.userMessage }, 'stripe event refused');
          return { handled: false, result: `${e.code}: ${e.userMessage}` } satisfies Handled;
        }
      });
      if (received.duplicate) return { received: true, duplicate: true };
      deps.log.info({ event: event.id, type: event.type, ...received.value }, 'stripe event');
      return { received: true, duplicate: false, ...received.value };
    });
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const idOf = (v: unknown): string | null => str(v) ?? (v && typeof v === 'object' ? str((v as Obj).id) : null);

/** Dispatches one verified event to the payments use-cases. */
export async function handleStripeEvent(deps: StripeEventDeps, type: string, object: Obj): Promise<Handled> {
  const { gateway, payments: store } = deps;
  const metadata: Obj = object.metadata && typeof object.metadata === 'object' ? object.metadata : {};
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      if (object.mode === 'setup' && metadata.kind === 'budget_setup' && str(metadata.companyId)) {
        const r = await completeBudgetSetup({ payments: store, gateway, companyId: metadata.companyId, customerId: idOf(object.customer), setupIntentId: idOf(object.setup_intent) });
        if (!r.saved) return { handled: true, result: 'no payment method in the session' };
        // A card saved within 7 days of a failed month-end charge retries that month once.
        const retries = await retryUnfundedBudgets({
          payments: store,
          gateway,
          ledger: deps.ledger,
          unfundedMonths: deps.unfundedMonths,
          companies: deps.companies,
          outbox: deps.outbox,
          clock: deps.clock,
          companyId: metadata.companyId,
        });
        const pending = retries.filter((x) => x.outcome === 'pending');
        // No answer from Stripe: the card and the attempt are kept, the event is not recorded, so
        // Stripe redelivers and the retry asks again with the same key (never judged "too late").
        if (pending.length > 0) throw new DeliveryIncomplete(`late budget charge of ${pending.map((x) => x.period).join(', ')} has no answer yet: ${pending.map((x) => x.reason).join('; ')}`);
        const said = retries.map((x) => `${x.period} ${x.outcome === 'funded' ? 'funded late' : x.outcome === 'too_late' ? 'card saved too late' : 'retry declined'}`);
        return { handled: true, result: ['payment method saved', ...said].join('; ') };
      }
      if (object.mode === 'payment' && metadata.kind === 'pledge' && str(metadata.wishId) && str(metadata.pledgeId)) {
        // Delayed methods (SEPA...) complete the session unpaid; async_payment_succeeded follows.
        if (object.payment_status !== 'paid') return { handled: false, result: `payment ${String(object.payment_status)}; waiting` };
        const r = await settlePledgePayment({
          wishes: deps.wishes,
          ledger: deps.ledger,
          outbox: deps.outbox,
          clock: deps.clock,
          payments: store,
          gateway,
          wishId: metadata.wishId as WishId,
          pledgeId: metadata.pledgeId,
          provider: 'stripe',
          received: typeof object.amount_total === 'number' ? object.amount_total : null,
          checkoutId: str(object.id),
        });
        if (r.outcome === 'amount_mismatch') deps.log.error({ session: object.id, ...r }, 'pledge paid with a different amount; not credited');
        return { handled: r.outcome !== 'amount_mismatch', result: r.outcome === 'paid' ? `pledge paid${r.funded ? ', wish funded' : ''}` : r.outcome };
      }
      return { handled: false, result: 'not an Upkeep session' };
    }
    case 'payment_intent.payment_failed': {
      const error = str(object.last_payment_error?.message) ?? 'payment failed';
      if (metadata.kind === 'budget_charge' && str(metadata.companyId) && str(metadata.period)) {
        const row = await store.byKey(paymentKeys.budgetCharge(metadata.companyId, metadata.period));
        // A charge that succeeded stays succeeded; a pending one failed (never counted as paid).
        if (row && row.status === 'pending') await store.update(row.id, { status: 'failed', error: unfundedReason.declined(error), externalId: row.externalId ?? str(object.id), at: deps.clock.now() });
        return { handled: Boolean(row), result: row ? 'budget charge failed' : 'unknown budget charge' };
      }
      if (metadata.kind === 'pledge' && str(metadata.pledgeId)) {
        // The pledger may try again in the same Checkout; the pledge stays committed.
        const row = await store.forPledge(metadata.pledgeId, 'pledge');
        if (row && row.status === 'pending') await store.update(row.id, { error });
        return { handled: Boolean(row), result: 'pledge payment attempt failed' };
      }
      return { handled: false, result: 'not an Upkeep payment' };
    }
    case 'charge.refunded': {
      const pledgeId = str(metadata.pledgeId);
      const wishId = str(metadata.wishId) as WishId | null;
      // A company's budget given back in the dashboard: the close counted it; the operator settles it.
      if (metadata.kind === 'budget_charge') {
        deps.log.warn({ charge: object.id, companyId: metadata.companyId, period: metadata.period }, 'a budget charge was refunded outside Upkeep; see upkeep check');
        return { handled: false, result: 'budget charge refunded outside Upkeep; see upkeep check' };
      }
      // Someone else's charge on a shared account: stored, and listed as "not ours" by `upkeep check`.
      if (metadata.kind !== 'pledge' || !pledgeId || !wishId) return { handled: false, result: 'not an Upkeep pledge' };
      // Booked whether Upkeep or the dashboard refunded it, before or after the completion arrived.
      const r = await recordProviderRefund({
        wishes: deps.wishes,
        ledger: deps.ledger,
        payments: store,
        clock: deps.clock,
        wishId,
        pledgeId,
        provider: 'stripe',
        // A charge that does not say how much was refunded books nothing (listed by `upkeep check`).
        refunded: object.refunded === true ? null : typeof object.amount_refunded === 'number' ? object.amount_refunded : 0,
      });
      if (r.outcome === 'refunded') return { handled: true, result: r.escrowReturned ? 'refund confirmed' : 'refund recorded; the pledge is released' };
      deps.log.warn({ charge: object.id, pledgeId, ...r }, 'a pledge refund Upkeep cannot book; see upkeep check');
      return { handled: false, result: r.outcome === 'partial' ? `partial refund of ${r.refunded} of ${r.pledged}; see upkeep check` : `the wish is ${r.status}; see upkeep check` };
    }
    case 'account.updated': {
      const accountId = str(object.id);
      if (!accountId) return { handled: false, result: 'no account id' };
      const known = await updatePayoutAccount({ payments: store, accountId, payoutsEnabled: object.payouts_enabled === true });
      return { handled: known, result: known ? `payouts ${object.payouts_enabled === true ? 'enabled' : 'disabled'}` : 'unknown account' };
    }
    default:
      return { handled: false, result: `ignored ${type}` };
  }
}
