// The payment gateway on Stripe (stripe-node). Every call that moves money carries an
// idempotency key, and every attempt is recorded as a payment row first, so a retry after a
// crash or a lost response reuses the same key and Stripe never moves the money twice.
import Stripe from 'stripe';
import type { Money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import type { CardDetails, GatewayOutcome, PaymentProvider, PaymentStore, SavedPaymentMethod } from '../core/ports/payments.ts';
import type { Pledger, WishId } from '../core/wishlist.ts';

export interface StripeGatewayOptions {
  secretKey: string;
  /** Stripe API base, e.g. `http://127.0.0.1:12111`; null for Stripe's own. */
  apiUrl: string | null;
  /** Base of the links Stripe sends people back to. */
  publicUrl: string;
  store: PaymentStore;
  /** SDK retries; 0 in tests. Our own idempotency keys make retries safe either way. */
  maxNetworkRetries?: number;
  /** How long one request may take before it counts as unanswered (ms; stripe-node's default, 80 s, without it). */
  timeoutMs?: number;
}

/** A stripe-node client aimed at `apiUrl` (a local fake in tests). */
export function createStripeClient(secretKey: string, apiUrl: string | null, maxNetworkRetries = 2, timeoutMs?: number): Stripe {
  const config: Record<string, unknown> = { maxNetworkRetries, appInfo: { name: 'upkeep' }, ...(timeoutMs ? { timeout: timeoutMs } : {}) };
  if (apiUrl) {
    const u = new URL(apiUrl);
    config.host = u.hostname;
    config.protocol = u.protocol.replace(':', '');
    config.port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  }
  return new Stripe(secretKey, config as ConstructorParameters<typeof Stripe>[1]);
}

const lower = (m: Money): string => m.currency.toLowerCase();

/** How a Stripe failure counts: a refusal is final; a network or server failure is unknown. */
export function outcomeOfError(e: unknown): GatewayOutcome {
  const err = e as { type?: string; message?: string; statusCode?: number; payment_intent?: { id?: string }; raw?: { payment_intent?: { id?: string } } };
  const message = err?.message ?? String(e);
  // An idempotency error (the key reused with other parameters) will never succeed on retry either.
  const final = err?.type === 'StripeCardError' || err?.type === 'StripeInvalidRequestError' || err?.type === 'StripePermissionError' || err?.type === 'StripeIdempotencyError';
  const pi = err?.payment_intent?.id ?? err?.raw?.payment_intent?.id ?? null;
  if (final) return { status: 'failed', externalId: pi, error: message };
  return { status: 'pending', externalId: pi, error: message };
}

/** The details to show of a card PaymentMethod; null for other kinds or incomplete data. */
export function cardOf(pm: Pick<Stripe.PaymentMethod, 'card'>): CardDetails | null {
  const c = pm.card;
  if (!c || typeof c.last4 !== 'string' || !Number.isInteger(c.exp_month) || !Number.isInteger(c.exp_year)) return null;
  return { brand: c.brand ?? 'card', last4: c.last4, expMonth: c.exp_month, expYear: c.exp_year };
}

export class StripeGateway implements PaymentProvider {
  readonly mode = 'stripe' as const;
  readonly stripe: Stripe;
  private readonly store: PaymentStore;
  private readonly publicUrl: string;

  constructor(opts: StripeGatewayOptions) {
    this.stripe = createStripeClient(opts.secretKey, opts.apiUrl, opts.maxNetworkRetries ?? 2, opts.timeoutMs);
    this.store = opts.store;
    this.publicUrl = opts.publicUrl.replace(/\/+$/, '');
  }

  async startPledgeCheckout(input: { pledgeId: string; wishId: WishId; amount: Money; pledger: Pledger; idempotencyKey: string }): Promise<{ url: string | null; externalId: string | null }> {
    const payment = await this.store.ensure({
      kind: 'pledge',
      provider: 'stripe',
      amount: input.amount.amount,
      currency: input.amount.currency,
      idempotencyKey: input.idempotencyKey,
      wishId: input.wishId,
      pledgeId: input.pledgeId,
    });
    if (payment.externalId && payment.url) return { url: payment.url, externalId: payment.externalId };
    const metadata = { kind: 'pledge', wishId: input.wishId, pledgeId: input.pledgeId, pledger: `${input.pledger.source}:${input.pledger.id}`, pledgerName: input.pledger.display.slice(0, 200) };
    const [owner, rest] = input.wishId.split('/') as [string, string];
    const [repo, number] = rest.split('#') as [string, string];
    const sharePage = `${this.publicUrl}/wishes/${owner}/${repo}/${number}`;
    await this.store.update(payment.id, { attempt: true });
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: input.pledgeId,
        line_items: [
          {
            quantity: 1,
            price_data: { currency: lower(input.amount), unit_amount: input.amount.amount, product_data: { name: `Pledge to ${input.wishId}` } },
          },
        ],
        metadata,
        // A guest of the wish page who gave an e-mail gets Stripe's receipt there.
        ...(input.pledger.email ? { customer_email: input.pledger.email } : {}),
        // Charged now and held in the wish's escrow: card authorisations expire after ~7 days.
        payment_intent_data: { metadata, description: `Upkeep pledge ${input.pledgeId} to ${input.wishId}` },
        success_url: `${sharePage}?pledge=paid`,
        cancel_url: `${sharePage}?pledge=cancelled`,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    await this.store.update(payment.id, { externalId: session.id, url: session.url ?? null });
    return { url: session.url ?? null, externalId: session.id };
  }

  async refundPledge(input: { pledgeId: string; wishId: WishId; amount: Money; checkoutId: string | null; idempotencyKey: string }): Promise<GatewayOutcome> {
    if (!input.checkoutId) return { status: 'failed', externalId: null, error: `no Stripe checkout is recorded for pledge ${input.pledgeId}` };
    try {
      const session = await this.stripe.checkout.sessions.retrieve(input.checkoutId);
      const pi = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
      if (!pi) return { status: 'failed', externalId: null, error: `checkout ${input.checkoutId} has no payment to refund` };
      const refund = await this.stripe.refunds.create(
        { payment_intent: pi, amount: input.amount.amount, reason: 'requested_by_customer', metadata: { kind: 'pledge_refund', wishId: input.wishId, pledgeId: input.pledgeId } },
        { idempotencyKey: input.idempotencyKey },
      );
      if (refund.status === 'succeeded' || refund.status === 'pending') return { status: 'succeeded', externalId: refund.id };
      return { status: 'failed', externalId: refund.id, error: `refund ${refund.id} is ${refund.status}` };
    } catch (e) {
      return outcomeOfError(e);
    }
  }

  async startBudgetSetup(input: { companyId: string; companyName: string; customerId: string | null; currency: string; idempotencyKey: string }): Promise<{
    url: string | null;
    customerId: string | null;
    externalId: string | null;
  }> {
    const customerId =
      input.customerId ??
      (await this.stripe.customers.create({ name: input.companyName, metadata: { companyId: input.companyId } }, { idempotencyKey: `customer:${input.companyId}` })).id;
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'setup',
        // Cards only: an off-session card charge succeeds or fails at once, so the close knows
        // which companies are funded (bank debits stay "processing" for days).
        allowed_payment_method_types: ['card'],
        currency: input.currency.toLowerCase(),
        customer: customerId,
        metadata: { kind: 'budget_setup', companyId: input.companyId },
        setup_intent_data: { metadata: { kind: 'budget_setup', companyId: input.companyId } },
        // /billing/done confirms (the webhook saves the card); a cancel goes back to the company page.
        success_url: `${this.publicUrl}/billing/done`,
        cancel_url: `${this.publicUrl}/company?billing=cancelled`,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { url: session.url ?? null, customerId, externalId: session.id };
  }

  async setupPaymentMethod(setupIntentId: string): Promise<SavedPaymentMethod | null> {
    const si = await this.stripe.setupIntents.retrieve(setupIntentId);
    const id = typeof si.payment_method === 'string' ? si.payment_method : (si.payment_method?.id ?? null);
    if (!id) return null;
    // The card's brand, last 4 and expiry are what a company recognises its card by.
    const pm = await this.stripe.paymentMethods.retrieve(id);
    return { id, card: cardOf(pm) };
  }

  async chargeBudget(input: { companyId: string; period: Period; amount: Money; customerId: string; paymentMethodId: string; idempotencyKey: string }): Promise<GatewayOutcome> {
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: input.amount.amount,
          currency: lower(input.amount),
          customer: input.customerId,
          payment_method: input.paymentMethodId,
          off_session: true,
          confirm: true,
          description: `Upkeep budget ${input.period}`,
          metadata: { kind: 'budget_charge', companyId: input.companyId, period: input.period },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      if (pi.status === 'succeeded') return { status: 'succeeded', externalId: pi.id };
      if (pi.status === 'processing') return { status: 'pending', externalId: pi.id, error: 'the payment is processing' };
      return { status: 'failed', externalId: pi.id, error: pi.last_payment_error?.message ?? `payment is ${pi.status}` };
    } catch (e) {
      return outcomeOfError(e);
    }
  }

  async maintainerOnboarding(input: { login: string; accountId: string | null; returnUrl: string; refreshUrl: string }): Promise<{ accountId: string | null; url: string | null }> {
    const accountId =
      input.accountId ??
      (
        await this.stripe.accounts.create(
          { type: 'express', metadata: { login: input.login }, capabilities: { transfers: { requested: true } } },
          { idempotencyKey: `connect-account:${input.login}` },
        )
      ).id;
    const link = await this.stripe.accountLinks.create({ account: accountId, type: 'account_onboarding', return_url: input.returnUrl, refresh_url: input.refreshUrl });
    return { accountId, url: link.url };
  }

  async transferPayout(input: { login: string; period: Period; amount: Money; accountId: string; idempotencyKey: string }): Promise<GatewayOutcome> {
    try {
      const t = await this.stripe.transfers.create(
        {
          amount: input.amount.amount,
          currency: lower(input.amount),
          destination: input.accountId,
          transfer_group: `payout-${input.period}`,
          description: `Upkeep payout to ${input.login} for ${input.period}`,
          metadata: { kind: 'payout', login: input.login, period: input.period },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return { status: 'succeeded', externalId: t.id };
    } catch (e) {
      return outcomeOfError(e);
    }
  }
}
