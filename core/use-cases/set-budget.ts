import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import { formatMoney, maxAmountMinor, money, type Money } from '../money.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';
import { budgetOf } from './views.ts';

/** Sets the company's monthly budget (admins only); it applies from the next close on. */
export async function setBudget({
  companies,
  actor,
  amount,
}: {
  companies: CompanyStore;
  actor: Actor;
  /** In the company's currency, minor units, > 0 (e.g. from `parseAmount`). */
  amount: Money;
}): Promise<{ company: Company; budget: Money; previous: Money | null }> {
  const company = await requireAdmin({ companies, actor });
  const hint = hintFor('budget');
  if (amount?.currency !== company.currency) {
    throw new DomainError(
      'wrong_currency',
      `Budgets are in ${company.currency}, not ${String(amount?.currency)}; type the amount in ${company.currency}.`,
      { expected: company.currency, got: amount?.currency },
      hint,
    );
  }
  if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0) {
    throw new DomainError('invalid_amount', 'The budget must be more than zero.', { amount: amount.amount }, hint);
  }
  const max = maxAmountMinor(company.currency);
  if (amount.amount > max) {
    throw new DomainError('invalid_amount', `The budget is above the maximum of ${formatMoney(money(max, company.currency))}.`, { amount: amount.amount, max }, hint);
  }
  await companies.setBudget(company.id, amount.amount);
  return { company: { ...company, budget: amount.amount }, budget: money(amount.amount, company.currency), previous: budgetOf(company) };
}
