import type { Money } from '../money.ts';
import type { Period } from '../period.ts';
import type { Pledger, WishId } from '../wishlist.ts';

/**
 * Collecting and moving money outside the ledger. Two implementations: Stripe, and `offline`
 * (no STRIPE_SECRET_KEY: commitments are recorded and an operator marks them paid; every
 * reply says so). Each call carries an idempotency key so a retry never moves money twice.
 *
 * Implementations record every attempt as a payment row (PaymentStore) keyed by the
 * idempotency key, before and after calling the provider.
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

/**
 * Everything else the payments side moves: refunds, company budgets (saved payment method,
 * off-session charges) and maintainer payouts (Connect onboarding, transfers). Implemented by
 * payments/stripe-gateway.ts and payments/offline-gateway.ts together with PaymentGateway.
 */
export interface PaymentProvider extends PaymentGateway {
  /**
   * Refunds a paid pledge in full. Stripe: a refund of the pledge's payment (found from its
   * checkout session); the same idempotency key never refunds twice. Offline: nothing moves;
   * the refund is owed and an operator settles it (`pending`).
   */
  refundPledge(input: { pledgeId: string; wishId: WishId; amount: Money; checkoutId: string | null; idempotencyKey: string }): Promise<GatewayOutcome>;

  /** A Checkout Session in setup mode that saves the company's card for off-session budget charges. */
  startBudgetSetup(input: { companyId: string; companyName: string; customerId: string | null; currency: string; idempotencyKey: string }): Promise<{
    url: string | null;
    customerId: string | null;
    externalId: string | null;
  }>;

  /** The payment method a completed setup session saved, with the card details to show (Stripe's PaymentMethod). */
  setupPaymentMethod(setupIntentId: string): Promise<SavedPaymentMethod | null>;

  /** Charges a company's budget off-session with its saved payment method. */
  chargeBudget(input: { companyId: string; period: Period; amount: Money; customerId: string; paymentMethodId: string; idempotencyKey: string }): Promise<GatewayOutcome>;

  /** A Stripe Connect Express onboarding link for a maintainer, creating the account if needed. */
  maintainerOnboarding(input: { login: string; accountId: string | null; returnUrl: string; refreshUrl: string }): Promise<{ accountId: string | null; url: string | null }>;

  /** Transfers a maintainer's payout to their connected account. */
  transferPayout(input: { login: string; period: Period; amount: Money; accountId: string; idempotencyKey: string }): Promise<GatewayOutcome>;
}

/**
 * What the provider answered. `succeeded`: money moved. `failed`: it did not and will not
 * with these inputs (a declined card). `pending`: unknown or owed (network failure, offline
 * mode): retrying with the same idempotency key is safe.
 */
export type GatewayOutcome =
  | { status: 'succeeded'; externalId: string | null }
  | { status: 'failed'; externalId: string | null; error: string }
  | { status: 'pending'; externalId: string | null; error: string | null };

/** The card on file as a company sees it: `visa` ending 4242, expiring 12/2030. */
export interface CardDetails {
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

/** A saved payment method: its provider id, and its card when it is one. */
export interface SavedPaymentMethod {
  readonly id: string;
  readonly card: CardDetails | null;
}

/** A company's billing record: the provider customer, the saved method and its card. */
export interface CompanyBilling {
  readonly customerId: string | null;
  readonly paymentMethodId: string | null;
  readonly card: CardDetails | null;
}

export type PaymentKind = 'pledge' | 'refund' | 'budget_charge' | 'payout' | 'setup';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';

/** One attempt to move money outside the ledger, exactly-once by its idempotency key. */
export interface Payment {
  readonly id: string;
  readonly kind: PaymentKind;
  readonly provider: 'stripe' | 'offline';
  readonly status: PaymentStatus;
  readonly amount: number;
  readonly currency: string;
  readonly idempotencyKey: string;
  readonly wishId: string | null;
  readonly pledgeId: string | null;
  readonly companyId: string | null;
  readonly period: Period | null;
  readonly login: string | null;
  readonly externalId: string | null;
  readonly url: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewPayment {
  kind: PaymentKind;
  provider: 'stripe' | 'offline';
  amount: number;
  currency: string;
  idempotencyKey: string;
  wishId?: string | null;
  pledgeId?: string | null;
  companyId?: string | null;
  period?: Period | null;
  login?: string | null;
}

/** A maintainer's payout account (Stripe Connect Express). */
export interface MaintainerPayoutAccount {
  readonly login: string;
  readonly accountId: string | null;
  readonly payoutsEnabled: boolean;
}

/** Persistence of payment attempts, saved payment methods and payout accounts. Implemented in prisma/. */
export interface PaymentStore {
  /** Creates the payment unless its idempotency key exists; returns the stored row either way. */
  ensure(input: NewPayment): Promise<Payment>;
  /** `ensure` for many payments in one statement (a close's budget rows); rows in input order. */
  ensureMany(inputs: readonly NewPayment[]): Promise<Payment[]>;
  byKey(idempotencyKey: string): Promise<Payment | null>;
  byId(id: string): Promise<Payment | null>;
  byExternalId(externalId: string): Promise<Payment | null>;
  /** Payments of a kind for a pledge (e.g. its checkout). */
  forPledge(pledgeId: string, kind: PaymentKind): Promise<Payment | null>;
  /**
   * Updates status and details; `attempt` counts one more call to the provider; `at` is the
   * moment of the change by the clock port (default: the database's now), kept as `updatedAt`.
   */
  update(id: string, change: { status?: PaymentStatus; externalId?: string | null; url?: string | null; error?: string | null; attempt?: boolean; at?: Date }): Promise<Payment>;
  list(filter?: { status?: PaymentStatus; kind?: PaymentKind; period?: Period; wishId?: string; login?: string; companyId?: string }): Promise<Payment[]>;

  billing(companyId: string): Promise<CompanyBilling | null>;
  /** `card: null` forgets the card shown; absent fields are kept. */
  saveBilling(companyId: string, billing: { customerId?: string | null; paymentMethodId?: string | null; card?: CardDetails | null }): Promise<void>;

  maintainerAccount(login: string): Promise<MaintainerPayoutAccount | null>;
  saveMaintainerAccount(login: string, account: { accountId: string; payoutsEnabled?: boolean }): Promise<void>;
  /** Updates the account found by its provider id; false when unknown. */
  setPayoutsEnabled(accountId: string, enabled: boolean): Promise<boolean>;

  /** Ledger balance of every maintainer account that is positive. */
  maintainerBalances(): Promise<{ login: string; balance: number }[]>;
}
