import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import type { PackageId } from '../packages.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';
import { listText, requirePackages } from './views.ts';

/**
 * Removes declared dependencies (admins only). A package in the standing allocation cannot be
 * removed: the allocation that the next close uses must stay valid, so re-allocate first.
 */
export async function removeDependencies({
  companies,
  actor,
  packages,
}: {
  companies: CompanyStore;
  actor: Actor;
  packages: readonly string[];
}): Promise<{ company: Company; removed: PackageId[]; notDeclared: PackageId[] }> {
  const company = await requireAdmin({ companies, actor });
  const ids = requirePackages(packages, hintFor('deps'));
  const allocated = new Set((await companies.standingAllocation(company.id))?.lines.map((l) => l.package) ?? []);
  const blocked = ids.filter((p) => allocated.has(p));
  if (blocked.length > 0) {
    const these = blocked.length === 1 ? 'it' : 'them';
    throw new DomainError(
      'invalid_input',
      `${listText(blocked)} ${blocked.length === 1 ? 'is' : 'are'} in your standing allocation; re-allocate without ${these} first, then remove ${these}.`,
      { packages: blocked },
      hintFor('allocate'),
    );
  }
  const removed = new Set(await companies.removeDependencies(company.id, ids));
  return { company, removed: ids.filter((p) => removed.has(p)), notDeclared: ids.filter((p) => !removed.has(p)) };
}
