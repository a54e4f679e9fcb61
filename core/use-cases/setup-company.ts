import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import { isCurrencyCode } from '../money.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';

/** Longest company name, in characters. */
export const COMPANY_NAME_MAX = 80;

/**
 * Creates the company of the actor's workspace, with the actor as its first admin.
 * `currency` is the platform's settlement currency (configuration, not user input).
 */
export async function setupCompany({
  companies,
  actor,
  name,
  currency,
}: {
  companies: CompanyStore;
  actor: Actor;
  name: string;
  currency: string;
}): Promise<{ company: Company }> {
  if (!isCurrencyCode(currency)) throw new RangeError(`the settlement currency must be an ISO 4217 code, got ${JSON.stringify(currency)}`);
  const clean = normaliseName(name);
  const existing = await companies.findByWorkspace(actor.workspace);
  if (existing) throw exists(existing);
  const company = await companies.create({ name: clean, workspace: actor.workspace, currency, adminRef: actor.userRef });
  if (!company) {
    // Another setup in this workspace won the race.
    const winner = await companies.findByWorkspace(actor.workspace);
    throw exists(winner ?? { name: clean, id: '' });
  }
  return { company };
}

function normaliseName(name: unknown): string {
  // Pasted names carry newlines and runs of spaces; one space reads the same everywhere.
  const clean = typeof name === 'string' ? name.replace(/\s+/g, ' ').trim() : '';
  const length = [...clean].length;
  if (length === 0 || length > COMPANY_NAME_MAX || /\p{Cc}/u.test(clean)) {
    throw new DomainError(
      'invalid_input',
      length > COMPANY_NAME_MAX
        ? `The company name is ${length} characters long; keep it to ${COMPANY_NAME_MAX}.`
        : `Give the company a name of 1 to ${COMPANY_NAME_MAX} characters.`,
      { max: COMPANY_NAME_MAX, length },
      hintFor('setup'),
    );
  }
  return clean;
}

function exists(company: Pick<Company, 'name' | 'id'>): DomainError {
  return new DomainError(
    'company_exists',
    `This workspace already has a company, "${company.name}"; see its status, or ask one of its admins to make changes.`,
    { company: company.name, companyId: company.id },
    hintFor('status'),
  );
}
