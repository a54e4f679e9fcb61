// POST /stripe/webhooks: Stripe events, verified on the raw body (`Stripe-Signature`), handled
// at most once in effect. A delivery already recorded is acknowledged without effect; a new
// one is handled by idempotent use-cases and only then recorded, so a crash mid-way makes
// Stripe redeliver and the handling completes (never doubles: every movement has its key).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import { isDomainError } from '../core/errors.ts';
import type { WishId } from '../core/wishlist.ts';
import { completeBudgetSetup } from '../core/use-cases/payments/budget-setup-link.ts';
import { updatePayoutAccount } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { markRefunded, refundTransaction, settlePledgePayment } from '../core/use-cases/payments/settle-pledge-payment.ts';
import { createStripeClient, StripeGateway } from '../payments/stripe-gateway.ts';
import { recordInbound } from '../prisma/inbound-events.ts';
import type { Mount } from '../edge/contribution.ts';
import type { Services } from '../app/services.ts';
import { HttpError, readBody, sendError, sendJson } from '../edge/http.ts';

type Obj = Record<string, any>;

/** What handling an event did, for the reply and the log. */
type Handled = { handled: true; result: string } | { handled: false; result: string };

/** The Stripe webhook endpoint, or null when Stripe is not configured (payments offline). */
export function stripeWebhookMount(services: Services): Mount | null {
  const config = services.config.stripe;
  if (!config) return null;
  const gateway = services.gateway;
  const stripe: Stripe = gateway instanceof StripeGateway ? gateway.stripe : createStripeClient(config.secretKey, config.apiUrl, 0);
  return {
    name: 'stripe',
    path: '/stripe/webhooks',
    listener: (req, res) => handleStripeRequest(services, stripe, config.webhookSecret, req, res),
  };
}

export async function handleStripeRequest(services: Services, stripe: Stripe, secret: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', 'Stripe webhooks are POSTed.');
  let raw: Buffer;
  try {
    raw = await readBody(req, 512 * 1024);
  } catch (e) {
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
    throw e;
  }
  const signature = req.headers['stripe-signature'];
  if (typeof signature !== 'string' || signature === '') return sendError(res, 400, 'missing_signature', 'The Stripe-Signature header is missing.');
  let event: Stripe.Event;
  try {
    // Verifies the HMAC of the raw body and refuses timestamps older than 5 minutes (replays).
    event = stripe.webhooks.constructEvent(raw, signature, secret);
  } catch (e) {
    services.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'stripe webhook refused');
    return sendError(res, 400, 'invalid_signature', 'The Stripe signature is invalid or too old.');
  }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.data?.object !== 'object' || event.data.object === null) {
    return sendError(res, 400, 'invalid_event', 'The event has no id, type or object.');
  }
  if (await alreadyRecorded(services, event.id)) return sendJson(res, 200, { received: true, duplicate: true });
  let outcome: Handled;
  try {
    outcome = await handleStripeEvent(services, event.type, event.data.object as Obj);
  } catch (e) {
    if (!isDomainError(e)) throw e; // 500: Stripe redelivers, handling is idempotent
    // The event is valid but refers to something we refuse (an unknown wish...): retrying won't help.
    services.log.warn({ event: event.id, type: event.type, code: e.code, message: e.userMessage }, 'stripe event refused');
    outcome = { handled: false, result: `${e.code}: ${e.userMessage}` };
  }
  const first = await recordInbound(services.db.prisma, 'stripe', event.id, event.type);
  if (first) {
    await services.db.prisma.$executeRawUnsafe(
      `UPDATE inbound_event SET payload = $3::jsonb WHERE source = $1 AND external_id = $2`,
      'stripe',
      event.id,
      JSON.stringify(event.data.object),
    );
  }
  services.log.info({ event: event.id, type: event.type, ...outcome }, 'stripe event');
  sendJson(res, 200, { received: true, duplicate: !first, ...outcome });
}

async function alreadyRecorded(services: Services, eventId: string): Promise<boolean> {
  const rows = await services.db.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT 1 AS n FROM inbound_event WHERE source = 'stripe' AND external_id = $1`,
    eventId,
  );
  return rows.length > 0;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const idOf = (v: unknown): string | null => str(v) ?? (v && typeof v === 'object' ? str((v as Obj).id) : null);

/** Dispatches one verified event to the payments use-cases. */
export async function handleStripeEvent(services: Services, type: string, object: Obj): Promise<Handled> {
  const gateway = services.gateway!;
  const store = services.payments;
  const metadata: Obj = object.metadata && typeof object.metadata === 'object' ? object.metadata : {};
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      if (object.mode === 'setup' && metadata.kind === 'budget_setup' && str(metadata.companyId)) {
        const r = await completeBudgetSetup({ payments: store, gateway, companyId: metadata.companyId, customerId: idOf(object.customer), setupIntentId: idOf(object.setup_intent) });
        return { handled: true, result: r.saved ? 'payment method saved' : 'no payment method in the session' };
      }
      if (object.mode === 'payment' && metadata.kind === 'pledge' && str(metadata.wishId) && str(metadata.pledgeId)) {
        // Delayed methods (SEPA...) complete the session unpaid; async_payment_succeeded follows.
        if (object.payment_status !== 'paid') return { handled: false, result: `payment ${String(object.payment_status)}; waiting` };
        const r = await settlePledgePayment({
          wishes: services.wishes,
          ledger: services.ledger,
          outbox: services.outbox,
          clock: services.clock,
          payments: store,
          gateway,
          wishId: metadata.wishId as WishId,
          pledgeId: metadata.pledgeId,
          provider: 'stripe',
          received: typeof object.amount_total === 'number' ? object.amount_total : null,
          checkoutId: str(object.id),
        });
        if (r.outcome === 'amount_mismatch') services.log.error({ session: object.id, ...r }, 'pledge paid with a different amount; not credited');
        return { handled: r.outcome !== 'amount_mismatch', result: r.outcome === 'paid' ? `pledge paid${r.funded ? ', wish funded' : ''}` : r.outcome };
      }
      return { handled: false, result: 'not an Upkeep session' };
    }
    case 'payment_intent.payment_failed': {
      const error = str(object.last_payment_error?.message) ?? 'payment failed';
      if (metadata.kind === 'budget_charge' && str(metadata.companyId) && str(metadata.period)) {
        const row = await store.byKey(`budget:${metadata.companyId}:${metadata.period}`);
        // A charge that succeeded stays succeeded; a pending one failed (never counted as paid).
        if (row && row.status === 'pending') await store.update(row.id, { status: 'failed', error, externalId: row.externalId ?? str(object.id) });
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
      if (!pledgeId || !wishId) return { handled: false, result: 'not an Upkeep pledge' };
      const row = await store.byKey(`refund:${pledgeId}`);
      if (!row) {
        // Refunded outside Upkeep (dashboard): reported by reconciliation (`upkeep check`).
        services.log.warn({ charge: object.id, pledgeId }, 'a pledge was refunded outside Upkeep');
        return { handled: false, result: 'refund not started by Upkeep; see upkeep check' };
      }
      if (row.status !== 'succeeded') {
        // Our refund call lost its answer, but Stripe did refund: complete the bookkeeping.
        await store.update(row.id, { status: 'succeeded', error: null });
        await services.ledger.append([refundTransaction(wishId, pledgeId, row.amount, 'stripe')]);
        await markRefunded(services.wishes, wishId, pledgeId, services.clock);
      }
      return { handled: true, result: 'refund confirmed' };
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
