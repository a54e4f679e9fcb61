// Chooses the payment gateway from the configuration: Stripe when STRIPE_SECRET_KEY (and its
// webhook secret) are set, otherwise offline, where commitments are settled by the operator.
import type { PaymentProvider, PaymentStore } from '../core/ports/payments.ts';
import { OfflineGateway } from './offline-gateway.ts';
import { StripeGateway } from './stripe-gateway.ts';

/** Stripe's variables (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_URL). */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  apiUrl: string | null;
}

export function createPaymentGateway(config: { stripe: StripeSettings | null; publicUrl: string }, store: PaymentStore, opts: { maxNetworkRetries?: number } = {}): PaymentProvider {
  if (!config.stripe) return new OfflineGateway(store);
  return new StripeGateway({
    secretKey: config.stripe.secretKey,
    apiUrl: config.stripe.apiUrl,
    publicUrl: config.publicUrl,
    store,
    // Retries are safe (every call has an idempotency key); a local fake API gets none.
    maxNetworkRetries: opts.maxNetworkRetries ?? (config.stripe.apiUrl && /127\.0\.0\.1|localhost/.test(config.stripe.apiUrl) ? 0 : 2),
  });
}
