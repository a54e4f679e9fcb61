// What a signed-in Slack user sees of their company on the web (CONTRACT §3 `/company`): the
// same status the chat shows, the card on file, receipts per month and API tokens.
import { summarisePlan } from '../month-end.ts';
import type { Money } from '../money.ts';
import { byString } from '../order.ts';
import { comparePeriods, periodOf, type Period } from '../period.ts';
import type { Clock } from '../ports/clock.ts';
import type { Actor, ApiTokenInfo, CompanyStore } from '../ports/companies.ts';
import type { LedgerStore } from '../ports/ledger.ts';
import type { PackageDirectory } from '../ports/packages.ts';
import type { CardDetails, PaymentProvider, PaymentStore } from '../ports/payments.ts';
import { getReceipt } from './get-receipt.ts';
import { getStatus, type CompanyStatus } from './get-status.ts';


export interface CompanyDashboard {
  readonly status: CompanyStatus;
  /** Admins change things; members only view. */
  readonly canChange: boolean;
  /** `offline`: no Stripe; budgets are recorded as owed and settled by the operator. */
  readonly billingMode: 'stripe' | 'offline';
  /** Whether a payment method is saved (with Stripe, the month-end charge needs one). */
  readonly cardSaved: boolean;
  /** Its details (brand, last 4, expiry) when the provider gave them. */
  readonly card: CardDetails | null;
  /** Closed months of the company, newest first, with what it contributed (0: nothing that month). */
  readonly receipts: readonly { period: Period; total: Money; funded: boolean; reason: string | null }[];
  /** Active API tokens, oldest first. */
  readonly tokens: readonly ApiTokenInfo[];
}

/** How many closed months the page lists (older receipts stay available by URL and API). */
export const RECEIPT_MONTHS = 24;

/** The company of the actor's workspace as its page shows it; any member may view. */
export async function getCompanyDashboard({
  companies,
  packages,
  ledger,
  payments,
  gateway,
  clock,
  actor,
}: {
  companies: CompanyStore;
  packages: PackageDirectory;
  ledger: LedgerStore;
  payments: Pick<PaymentStore, 'billing' | 'byKey'>;
  gateway: Pick<PaymentProvider, 'mode'>;
  clock: Clock;
  actor: Actor;
}): Promise<CompanyDashboard> {
  const status = await getStatus({ companies, packages, clock, actor });
  const { company } = status;
  const [billing, txs, recent, tokens] = await Promise.all([
    payments.billing(company.id),
    ledger.companyTransactions(company.id),
    ledger.recentPeriods(RECEIPT_MONTHS),
    companies.listTokens(company.id),
  ]);
  // What the company paid each month (its contributions; a late one counts in its own month).
  const paid = new Map<Period, number>();
  for (const tx of txs) {
    if (tx.kind !== 'contribution' || tx.period === undefined) continue;
    paid.set(tx.period, (paid.get(tx.period) ?? 0) + (summarisePlan([tx]).companies.get(company.id) ?? 0));
  }
  const since = periodOf(company.createdAt);
  const periods = new Set<Period>([...paid.keys()]);
  for (const p of recent) if (p.status === 'closed' && comparePeriods(p.period, since) >= 0) periods.add(p.period);
  const receipts = await Promise.all(
    [...periods]
      .sort((a, b) => byString(b, a))
      .slice(0, RECEIPT_MONTHS)
      .map(async (period) => {
        const funded = paid.has(period);
        // An unfunded month says why, as its receipt does (no card saved, card declined...).
        const receipt = funded ? null : await getReceipt({ ledger, company, period, payments });
        return { period, total: { amount: paid.get(period) ?? 0, currency: company.currency }, funded, reason: receipt?.status === 'unfunded' ? receipt.reason : null };
      }),
  );
  return {
    status,
    canChange: status.role === 'admin',
    billingMode: gateway.mode,
    cardSaved: Boolean(billing?.paymentMethodId),
    card: billing?.paymentMethodId ? (billing.card ?? null) : null,
    receipts,
    tokens,
  };
}
