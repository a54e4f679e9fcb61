import { DomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import type { Actor, CompanyStore } from '../../ports/companies.ts';
import type { CardDetails, PaymentProvider, PaymentStore } from '../../ports/payments.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import { enforceRateLimit } from '../../rate-limits.ts';
import { requireAdmin } from '../require-company.ts';

/**
 * A link where a company admin saves a payment method for the monthly budget charges (Stripe
 * Checkout in setup mode), for Slack's `billing`, the company page and the operator CLI's `billing`. Offline: no link;
 * budgets are recorded as owed at each close and settled by the operator.
 * Pass `actor` for chat (admins only); the operator CLI passes `companyId` instead.
 */
export async function budgetSetupLink({
  companies,
  payments,
  gateway,
  actor,
  companyId,
  rateLimiter,
  address = null,
  now,
}: {
  companies: CompanyStore;
  payments: PaymentStore;
  gateway: PaymentProvider;
  actor?: Actor;
  companyId?: string;
  /** Refuses an admin (or a web address) who asks for too many links (`rate_limited`); the operator (`companyId`) is not limited. */
  rateLimiter?: RateLimiter | null;
  /** The client's address, from the company page. */
  address?: string | null;
  now: Date;
}): Promise<{ url: string | null; offline: boolean; companyName: string }> {
  const company = actor ? await requireAdmin({ companies, actor }) : await companies.findById(companyId ?? '');
  if (!company) {
    throw new DomainError('company_not_found', `No company ${companyId ?? ''}.`, { companyId });
  }
  if (gateway.mode === 'offline') return { url: null, offline: true, companyName: company.name };
  if (actor && rateLimiter) await enforceRateLimit({ rateLimiter, action: 'checkout', subject: { user: actor.userRef, address }, now });
  const billing = await payments.billing(company.id);
  // A fresh session each time (they expire); the key only guards a double click within a minute.
  const attempt = Math.floor(now.getTime() / 60_000);
  const started = await gateway.startBudgetSetup({
    companyId: company.id,
    companyName: company.name,
    customerId: billing?.customerId ?? null,
    currency: company.currency,
    idempotencyKey: paymentKeys.budgetSetup(company.id, attempt),
  });
  if (started.customerId && started.customerId !== billing?.customerId) await payments.saveBilling(company.id, { customerId: started.customerId });
  return { url: started.url, offline: false, companyName: company.name };
}

/**
 * A company finished the setup Checkout (`checkout.session.completed` in setup mode): its
 * payment method is saved for off-session budget charges, with the card's brand, last 4 and
 * expiry to show. Idempotent. (The webhook then retries the months left unfunded:
 * retry-unfunded-budgets.ts.)
 */
export async function completeBudgetSetup({
  payments,
  gateway,
  companyId,
  customerId,
  setupIntentId,
}: {
  payments: PaymentStore;
  gateway: PaymentProvider;
  companyId: string;
  customerId: string | null;
  setupIntentId: string | null;
}): Promise<{ saved: boolean; card: CardDetails | null }> {
  if (!setupIntentId) return { saved: false, card: null };
  const method = await gateway.setupPaymentMethod(setupIntentId);
  if (!method) return { saved: false, card: null };
  // The card shown is always the saved method's (null for a method that is not a card).
  await payments.saveBilling(companyId, { paymentMethodId: method.id, card: method.card, ...(customerId ? { customerId } : {}) });
  return { saved: true, card: method.card };
}
