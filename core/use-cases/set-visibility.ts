import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import type { Actor, Company, CompanyStore, Visibility } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';

const VISIBILITIES: readonly Visibility[] = ['anonymous', 'identifiable'];

/**
 * Chooses whether maintainers may see the company's name among their funders (admins only).
 * The public never sees which company gave what, whatever this says.
 */
export async function setVisibility({
  companies,
  actor,
  visibility,
}: {
  companies: CompanyStore;
  actor: Actor;
  visibility: Visibility;
}): Promise<{ company: Company; visibility: Visibility; previous: Visibility }> {
  const company = await requireAdmin({ companies, actor });
  if (!VISIBILITIES.includes(visibility)) {
    throw new DomainError('invalid_input', `"${String(visibility)}" is not a visibility; choose identifiable or anonymous.`,
      { input: visibility, expected: VISIBILITIES },
      hintFor('visibility'),
    );
  }
  if (visibility !== company.visibility) await companies.setVisibility(company.id, visibility);
  return { company: { ...company, visibility }, visibility, previous: company.visibility };
}
