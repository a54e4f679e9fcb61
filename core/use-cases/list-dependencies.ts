import type { PackageId } from '../packages.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import type { PackageDirectory } from '../ports/packages.ts';
import { requireCompany } from './require-company.ts';
import { describePackages, type PackageView } from './views.ts';

export interface DependencyView extends PackageView {
  /** Also declared as one of the company's own packages (so it cannot be allocated points). */
  readonly owned: boolean;
  /** Points in the standing allocation, null when it has none. */
  readonly points: number | null;
}

/**
 * The company's declared dependencies (any member may look), each with its maintainers, bus
 * factor, activity, description, needs, contact and warnings; sorted by package id.
 */
export async function listDependencies({
  companies,
  packages,
  clock = systemClock,
  actor,
}: {
  companies: CompanyStore;
  packages: PackageDirectory;
  clock?: Clock;
  actor: Actor;
}): Promise<{ company: Company; dependencies: DependencyView[]; owned: PackageId[] }> {
  const company = await requireCompany({ companies, actor });
  const [declared, owned, standing] = await Promise.all([
    companies.dependencies(company.id),
    companies.ownedPackages(company.id),
    companies.standingAllocation(company.id),
  ]);
  const ownedSet = new Set(owned);
  const points = new Map(standing?.lines.map((l) => [l.package, l.points]) ?? []);
  const views = await describePackages(packages, declared, clock.now());
  return {
    company,
    dependencies: views.map((v) => ({ ...v, owned: ownedSet.has(v.package), points: points.get(v.package) ?? null })),
    owned: [...owned].sort(),
  };
}
