// The offline gateway (no STRIPE_SECRET_KEY): nothing leaves the system. Commitments, refunds,
// budget charges and payouts are recorded as payment rows owed (`pending`); an operator settles
// each one by hand and marks it paid (`npm run upkeep -- payments:mark-paid <id>`).
import type { Money } from '../core/money.ts';
import type { Period } from '../core/period.ts';
import type { GatewayOutcome, PaymentProvider, PaymentStore, SavedPaymentMethod } from '../core/ports/payments.ts';
import type { Pledger, WishId } from '../core/wishlist.ts';

/** The sentence every reply carries while payments are offline. */
export const OFFLINE_NOTICE = 'Payments are offline: this is recorded as a commitment and settled by the operator; no card is charged.';

export class OfflineGateway implements PaymentProvider {
  readonly mode = 'offline' as const;
  constructor(private readonly store: PaymentStore) {}

  async startPledgeCheckout(input: { pledgeId: string; wishId: WishId; amount: Money; pledger: Pledger; idempotencyKey: string }): Promise<{ url: string | null; externalId: string | null }> {
    await this.store.ensure({
      kind: 'pledge',
      provider: 'offline',
      amount: input.amount.amount,
      currency: input.amount.currency,
      idempotencyKey: input.idempotencyKey,
      wishId: input.wishId,
      pledgeId: input.pledgeId,
    });
    return { url: null, externalId: null };
  }

  async refundPledge(): Promise<GatewayOutcome> {
    return { status: 'pending', externalId: null, error: null };
  }

  async startBudgetSetup(): Promise<{ url: string | null; customerId: string | null; externalId: string | null }> {
    return { url: null, customerId: null, externalId: null };
  }

  async setupPaymentMethod(): Promise<SavedPaymentMethod | null> {
    return null;
  }

  async chargeBudget(_input: { companyId: string; period: Period; amount: Money }): Promise<GatewayOutcome> {
    return { status: 'pending', externalId: null, error: null };
  }

  async maintainerOnboarding(): Promise<{ accountId: string | null; url: string | null }> {
    return { accountId: null, url: null };
  }

  async transferPayout(): Promise<GatewayOutcome> {
    return { status: 'pending', externalId: null, error: null };
  }
}
