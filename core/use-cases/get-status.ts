import type { Money } from '../money.ts';
import type { PackageId } from '../packages.ts';
import { periodOf, type Period } from '../period.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { Actor, Company, CompanyStore, Role } from '../ports/companies.ts';
import type { PackageDirectory } from '../ports/packages.ts';
import type { PaymentProvider, PaymentStore } from '../ports/payments.ts';
import { getBilling, type BillingView } from './payments/get-billing.ts';
import { requireCompany } from './require-company.ts';
import { allocatedAmounts, type AllocatedLine } from './set-allocation.ts';
import { budgetOf, describePackages, type PackageView } from './views.ts';

/** A package the company declared or funds, with its profile, warnings and this month's share. */
export interface StatusPackage extends PackageView {
  readonly declared: boolean;
  readonly owned: boolean;
  /** Points in the standing allocation, null when not allocated. */
  readonly points: number | null;
  /** What it gets of this month's budget, null when not allocated or no budget is set. */
  readonly amount: Money | null;
}

export interface CompanyStatus {
  readonly company: Company;
  /** The viewer's role: every user of the workspace is at least a member. */
  readonly role: Role;
  /** The month the amounts are for (the current one, UTC). */
  readonly period: Period;
  readonly budget: Money | null;
  readonly allocation: { lines: AllocatedLine[]; createdAt: Date; createdBy: string } | null;
  /** Declared and allocated packages, sorted by id. */
  readonly packages: StatusPackage[];
  readonly owned: PackageId[];
  /** Card on file and unfunded months (null when the caller did not ask). */
  readonly billing: BillingView | null;
  readonly counts: {
    readonly dependencies: number;
    readonly owned: number;
    readonly allocated: number;
    /** Packages (declared or allocated) with each warning. */
    readonly inactive: number;
    readonly noMaintainer: number;
    readonly singleMaintainer: number;
  };
}

/** Everything a member sees of the company: budget, standing allocation with amounts, packages and their warnings. */
export async function getStatus({
  companies,
  packages,
  clock = systemClock,
  actor,
  billing,
}: {
  companies: CompanyStore;
  packages: PackageDirectory;
  clock?: Clock;
  actor: Actor;
  /** With these, the status says whether a card is saved and which months are unfunded. */
  billing?: { payments: Pick<PaymentStore, 'billing' | 'list'>; gateway: Pick<PaymentProvider, 'mode'> };
}): Promise<CompanyStatus> {
  const company = await requireCompany({ companies, actor });
  const now = clock.now();
  const period = periodOf(now);
  const [role, declared, owned, standing, billingView] = await Promise.all([
    companies.roleOf(company.id, actor.userRef),
    companies.dependencies(company.id),
    companies.ownedPackages(company.id),
    companies.standingAllocation(company.id),
    billing ? getBilling({ ...billing, clock, companyId: company.id }) : Promise.resolve(null),
  ]);
  const lines = standing ? allocatedAmounts(company, standing.lines, period) : [];
  const byPackage = new Map(lines.map((l) => [l.package, l]));
  const declaredSet = new Set(declared);
  const ownedSet = new Set(owned);
  const views = await describePackages(packages, [...declared, ...lines.map((l) => l.package)], now);
  const list: StatusPackage[] = views.map((v) => ({
    ...v,
    declared: declaredSet.has(v.package),
    owned: ownedSet.has(v.package),
    points: byPackage.get(v.package)?.points ?? null,
    amount: byPackage.get(v.package)?.amount ?? null,
  }));
  const withWarning = (w: PackageView['warnings'][number]) => list.filter((p) => p.warnings.includes(w)).length;
  return {
    company,
    role: role ?? 'member',
    period,
    budget: budgetOf(company),
    allocation: standing ? { lines, createdAt: standing.createdAt, createdBy: standing.createdBy } : null,
    packages: list,
    owned: [...owned].sort(),
    billing: billingView,
    counts: {
      dependencies: declared.length,
      owned: owned.length,
      allocated: lines.length,
      inactive: withWarning('inactive'),
      noMaintainer: withWarning('no_maintainer'),
      singleMaintainer: withWarning('single_maintainer'),
    },
  };
}
