// The operator's payment commands (`npm run upkeep -- <command>`): list and settle offline
// payments, run refunds and payouts, report budget charges, hand out setup/onboarding links.
import { DomainError, unwrap } from '../core/errors.ts';
import { formatMoney, money } from '../core/money.ts';
import { parsePeriod } from '../core/period.ts';
import type { Company } from '../core/ports/companies.ts';
import type { Ports } from '../core/ports/index.ts';
import type { Payment } from '../core/ports/payments.ts';
import type { BudgetCollector } from '../core/use-cases/close-period.ts';
import { budgetSetupLink } from '../core/use-cases/payments/budget-setup-link.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { maintainerOnboardingLink } from '../core/use-cases/payments/maintainer-onboarding-link.ts';
import { markPaymentPaid } from '../core/use-cases/payments/mark-payment-paid.ts';
import { refundWishPledges } from '../core/use-cases/payments/refund-wish-pledges.ts';
import { sendPayouts } from '../core/use-cases/payments/send-payouts.ts';
import { parseWishId } from '../core/wishlist.ts';
import { OFFLINE_NOTICE } from './offline-gateway.ts';

/** What the operator's payment commands use; the composition root builds it. */
export type OperatorDeps = Pick<Ports, 'clock' | 'companies' | 'ledger' | 'wishes' | 'payments' | 'gateway' | 'outbox'> & {
  /** Settlement currency. */
  currency: string;
  /** Base of the return links of setup and onboarding links. */
  publicUrl: string;
  /** The company an operator names (id, workspace or exact name); throws `company_not_found`. */
  findCompany(ref: string): Promise<Company>;
};

export const PAYMENT_COMMANDS = ['payments:list', 'payments:mark-paid', 'refunds', 'payouts', 'charge', 'billing', 'payouts:link'] as const;

export const PAYMENTS_USAGE = `  payments:list [pending]
                       payments (pledges, refunds, budget charges, payouts), or only those pending
  payments:mark-paid <payment id>
                       offline mode: the money of this payment moved by hand; record it
  refunds <owner/repo#n>
                       refund every paid pledge of a cancelled or expired wish (safe to re-run)
  payouts <YYYY-MM>    pay maintainers' balances for a closed month (once per maintainer and month)
  charge <YYYY-MM>     budget charges of a month (made by its close): paid, failed (unfunded), owed
  billing <company>    a link where the company saves a card for its monthly budget charges
  payouts:link <login> a Stripe Connect onboarding link for a maintainer`;

const fmt = (amount: number, currency: string): string => formatMoney(money(amount, currency));

/** The close's budget collection (pass it as `budgets` to closePeriod): Stripe charges, or offline recorded as owed. */
export function closeBudgets(s: Pick<OperatorDeps, 'gateway' | 'payments' | 'outbox' | 'currency' | 'companies' | 'clock'>): BudgetCollector {
  return budgetCollector({ gateway: s.gateway, payments: s.payments, outbox: s.outbox, currency: s.currency, companies: s.companies, clock: s.clock });
}

function describe(p: Payment): string {
  const about = p.kind === 'pledge' || p.kind === 'refund' ? `${p.wishId} pledge ${p.pledgeId}` : p.kind === 'payout' ? `${p.login} ${p.period}` : `company ${p.companyId} ${p.period ?? ''}`;
  const err = p.error ? ` — ${p.error}` : '';
  return `${p.id}  ${p.kind.padEnd(13)} ${p.status.padEnd(9)} ${p.provider.padEnd(7)} ${fmt(p.amount, p.currency).padStart(14)}  ${about}${err}`;
}

/** Runs one payment command; returns the exit code and the lines to print. */
export async function runPaymentsCommand(s: OperatorDeps, command: string, args: string[]): Promise<{ code: number; lines: string[] }> {
  const gateway = s.gateway;
  const lines: string[] = [];
  if (gateway.mode === 'offline') lines.push(`[offline] ${OFFLINE_NOTICE}`);
  const need = (what: string, example: string): string => {
    const v = args.join(' ').trim();
    if (!v) throw new DomainError('invalid_input', `Say which ${what}: \`${command} ${example}\`.`);
    return v;
  };
  switch (command) {
    case 'payments:list': {
      const pendingOnly = args[0] === 'pending';
      if (args[0] !== undefined && !pendingOnly) throw new DomainError('invalid_input', '`payments:list` takes nothing or `pending`.');
      const rows = await s.payments.list(pendingOnly ? { status: 'pending' } : {});
      if (rows.length === 0) lines.push(pendingOnly ? 'No pending payments.' : 'No payments yet.');
      for (const p of rows) lines.push(describe(p));
      return { code: 0, lines };
    }
    case 'payments:mark-paid': {
      const id = need('payment', '<payment id>');
      const r = await markPaymentPaid({ payments: s.payments, gateway, wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, paymentId: id });
      lines.push(r.changed ? `Marked paid: ${r.detail}.` : `Already paid: ${r.detail}; nothing changed.`);
      return { code: 0, lines };
    }
    case 'refunds': {
      const wishId = unwrap(parseWishId(need('wish', '<owner/repo#n>')));
      const r = await refundWishPledges({ wishes: s.wishes, payments: s.payments, gateway, ledger: s.ledger, clock: s.clock, wishId });
      const wish = await s.wishes.get(wishId);
      const cur = wish?.currency ?? s.currency;
      for (const x of r.refunded) lines.push(`refunded ${fmt(x.amount, cur)} (pledge ${x.pledgeId})`);
      for (const x of r.released) lines.push(`released unpaid pledge ${x}`);
      for (const x of r.owed) lines.push(`OWED ${fmt(x.amount, cur)} to the pledger of ${x.pledgeId}: refund by hand, then payments:mark-paid ${x.paymentId}`);
      for (const x of r.failed) lines.push(`FAILED ${fmt(x.amount, cur)} (pledge ${x.pledgeId}): ${x.error} — run again to retry`);
      if (lines.length === (gateway.mode === 'offline' ? 1 : 0)) lines.push(`Nothing left to refund on ${wishId}.`);
      return { code: r.failed.length > 0 ? 1 : 0, lines };
    }
    case 'payouts': {
      const period = unwrap(parsePeriod(need('month', '<YYYY-MM>')));
      const r = await sendPayouts({ payments: s.payments, gateway, ledger: s.ledger, clock: s.clock, period, currency: s.currency });
      const cur = s.currency;
      for (const x of r.sent) lines.push(`sent ${fmt(x.amount, cur)} to ${x.login}`);
      for (const x of r.owed) lines.push(`OWED ${fmt(x.amount, cur)} to ${x.login}: pay by hand, then payments:mark-paid ${x.paymentId}`);
      for (const x of r.carried) lines.push(`carried over ${fmt(x.balance, cur)} for ${x.login} (${x.reason.replace(/_/g, ' ')})`);
      for (const x of r.failed) lines.push(`FAILED ${fmt(x.amount, cur)} to ${x.login}: ${x.error}${x.retried ? ' — run again to retry' : ''}`);
      if (lines.length === (gateway.mode === 'offline' ? 1 : 0)) lines.push(`No payouts due for ${period}.`);
      return { code: r.failed.length > 0 ? 1 : 0, lines };
    }
    case 'charge': {
      const period = unwrap(parsePeriod(need('month', '<YYYY-MM>')));
      const rows = await s.payments.list({ kind: 'budget_charge', period });
      if (rows.length === 0) lines.push(`No budget charges for ${period} yet; they are made when the month is closed.`);
      for (const p of rows) {
        const label = p.status === 'succeeded' ? 'paid' : p.status === 'failed' ? 'FAILED — allocation unfunded this month' : p.provider === 'offline' ? 'OWED by the company (payments offline)' : 'pending';
        lines.push(`company ${p.companyId}  ${fmt(p.amount, p.currency)}  ${label}${p.error && p.status === 'failed' ? `: ${p.error}` : ''}  (payment ${p.id})`);
      }
      return { code: 0, lines };
    }
    case 'billing': {
      const company = await s.findCompany(need('company', '<company id, name or workspace>'));
      const r = await budgetSetupLink({ companies: s.companies, payments: s.payments, gateway, companyId: company.id, now: s.clock.now() });
      lines.push(r.url ? `Card setup link for ${r.companyName}: ${r.url}` : `No link for ${r.companyName}: budgets are recorded as owed and settled by the operator.`);
      return { code: 0, lines };
    }
    case 'payouts:link': {
      const login = need('maintainer', '<GitHub login>');
      const r = await maintainerOnboardingLink({ payments: s.payments, gateway, login, publicUrl: s.publicUrl });
      lines.push(r.url ? `Payout onboarding link for ${login}: ${r.url}` : `No link: payouts are made by the operator.`);
      return { code: 0, lines };
    }
    default:
      throw new DomainError('invalid_command', `Unknown payments command ${command}.`);
  }
}
