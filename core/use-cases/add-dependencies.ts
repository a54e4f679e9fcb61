import { hintFor } from '../commands.ts';
import type { PackageId } from '../packages.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';
import { requirePackages } from './views.ts';

/** Declares packages the company depends on (admins only); only declared packages can be allocated points. */
export async function addDependencies({
  companies,
  actor,
  packages,
}: {
  companies: CompanyStore;
  actor: Actor;
  /** Package ids; normalised here, so what a user typed is fine. */
  packages: readonly string[];
}): Promise<{ company: Company; added: PackageId[]; alreadyDeclared: PackageId[]; total: number }> {
  const company = await requireAdmin({ companies, actor });
  const ids = requirePackages(packages, hintFor('deps'));
  const added = await companies.addDependencies(company.id, ids);
  const fresh = new Set(added);
  const total = (await companies.dependencies(company.id)).length;
  return { company, added: ids.filter((p) => fresh.has(p)), alreadyDeclared: ids.filter((p) => !fresh.has(p)), total };
}
