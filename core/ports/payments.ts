import type { Money } from '../money.ts';
import type { Pledger, WishId } from '../wishlist.ts';

/**
 * Collecting and moving money outside the ledger. Two implementations: Stripe, and `offline`
 * (no STRIPE_SECRET_KEY: commitments are recorded and an operator marks them paid; every
 * reply says so). Each call carries an idempotency key so a retry never moves money twice.
 */
export interface PaymentGateway {
  readonly mode: 'stripe' | 'offline';
  /**
   * Starts collecting a pledge. Stripe: a Checkout Session (charged now, held in the wish's
   * escrow); returns its URL. Offline: records the commitment; `url` is null.
   */
  startPledgeCheckout(input: {
    pledgeId: string;
    wishId: WishId;
    amount: Money;
    pledger: Pledger;
    idempotencyKey: string;
  }): Promise<{ url: string | null; externalId: string | null }>;
}
