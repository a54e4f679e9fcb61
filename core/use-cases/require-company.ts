import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';

/** The company of the actor's workspace; any user of that workspace is a member and may view it. */
export async function requireCompany({ companies, actor }: { companies: CompanyStore; actor: Actor }): Promise<Company> {
  const company = await companies.findByWorkspace(actor.workspace);
  if (!company) {
    throw new DomainError('company_not_found', 'This workspace has no company yet; set one up first.', { workspace: actor.workspace }, hintFor('setup'));
  }
  return company;
}

/** The actor's company, when the actor is one of its admins (who alone change what it funds). */
export async function requireAdmin({ companies, actor }: { companies: CompanyStore; actor: Actor }): Promise<Company> {
  const company = await requireCompany({ companies, actor });
  const role = await companies.roleOf(company.id, actor.userRef);
  if (role !== 'admin') {
    throw new DomainError(
      'not_admin',
      'Only company admins can change budget, dependencies, ownership and allocation; ask an admin to make you one.',
      { company: company.name, userRef: actor.userRef },
      hintFor('admin'),
    );
  }
  return company;
}
