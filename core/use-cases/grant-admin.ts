import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';

// `slack:U0123`, `discord:1234`, `cli:operator`: a platform and an id, no spaces.
const USER_REF = /^[a-z][a-z0-9_-]*:\S{1,200}$/;

/** Makes another user of the workspace an admin of the company (admins only). */
export async function grantAdmin({
  companies,
  actor,
  userRef,
}: {
  companies: CompanyStore;
  actor: Actor;
  /** The user to promote, e.g. `slack:U0123`. */
  userRef: string;
}): Promise<{ company: Company; userRef: string; alreadyAdmin: boolean }> {
  const company = await requireAdmin({ companies, actor });
  if (typeof userRef !== 'string' || !USER_REF.test(userRef)) {
    throw new DomainError('invalid_input', 'Name the user to make admin by mentioning them.', { input: userRef }, hintFor('admin'));
  }
  const alreadyAdmin = (await companies.roleOf(company.id, userRef)) === 'admin';
  if (!alreadyAdmin) await companies.setRole(company.id, userRef, 'admin');
  return { company, userRef, alreadyAdmin };
}
