import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import type { PackageId } from '../packages.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';
import { listText, requirePackages } from './views.ts';

/**
 * Declares packages as the company's own projects (`own`), or withdraws that (`own remove`, with
 * `remove: true`); admins only. A company never funds its own packages, so a package in the
 * standing allocation cannot be declared owned until the company re-allocates without it.
 */
export async function declareOwned({
  companies,
  actor,
  packages,
  remove = false,
}: {
  companies: CompanyStore;
  actor: Actor;
  packages: readonly string[];
  remove?: boolean;
}): Promise<{ company: Company; removed: boolean; changed: PackageId[]; unchanged: PackageId[]; owned: PackageId[] }> {
  const company = await requireAdmin({ companies, actor });
  const ids = requirePackages(packages, hintFor('own'));
  let changed: Set<PackageId>;
  if (remove) {
    changed = new Set(await companies.removeOwned(company.id, ids));
  } else {
    const allocated = new Set((await companies.standingAllocation(company.id))?.lines.map((l) => l.package) ?? []);
    const funded = ids.filter((p) => allocated.has(p));
    if (funded.length > 0) {
      throw new DomainError(
        'invalid_input',
        `${listText(funded)} ${funded.length === 1 ? 'has' : 'have'} points in your standing allocation, and a company cannot fund its own packages; re-allocate without ${funded.length === 1 ? 'it' : 'them'} first, then declare ${funded.length === 1 ? 'it' : 'them'} as your own.`,
        { packages: funded },
        hintFor('allocate'),
      );
    }
    changed = new Set(await companies.addOwned(company.id, ids));
  }
  const owned = (await companies.ownedPackages(company.id)).sort();
  return { company, removed: remove, changed: ids.filter((p) => changed.has(p)), unchanged: ids.filter((p) => !changed.has(p)), owned };
}
