import { splitBudget, validateAllocation, type AllocationLine } from '../allocation.ts';
import { hintFor } from '../commands.ts';
import { DomainError, type DomainErrorCode } from '../errors.ts';
import { money, type Money } from '../money.ts';
import { parsePackageId, type PackageId } from '../packages.ts';
import { periodOf, type Period } from '../period.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';
import { budgetOf } from './views.ts';

/** One broken rule, as a renderer shows it next to the field it concerns (`details.package`). */
export interface AllocationViolation {
  readonly code: DomainErrorCode;
  readonly userMessage: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A line of a standing allocation with what it gets of this month's budget (null: no budget yet). */
export interface AllocatedLine {
  readonly package: PackageId;
  readonly points: number;
  readonly amount: Money | null;
}

/**
 * Lines with the amounts the month-end close of `period` will give them: the same largest-remainder
 * split and tie-break seed as the close, so the preview and the receipt agree to the cent.
 */
export function allocatedAmounts(company: Company, lines: readonly AllocationLine[], period: Period): AllocatedLine[] {
  const sorted = [...lines].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  if (company.budget === null || sorted.length === 0) return sorted.map((l) => ({ package: l.package, points: l.points, amount: null }));
  const amounts = splitBudget(company.budget, sorted, `${period}:${company.id}`);
  return sorted.map((l, i) => ({ package: l.package, points: l.points, amount: money(amounts[i]!.amount, company.currency) }));
}

/**
 * Replaces the company's standing allocation (admins only) after checking every rule: 100 points,
 * at least 3 packages, at most 34 each, declared dependencies only, never an owned package.
 * On violations, throws the first as a DomainError whose `details.violations` lists all of them.
 * Earlier allocations are kept as history; the month-end close uses the latest.
 */
export async function setAllocation({
  companies,
  clock = systemClock,
  actor,
  lines,
}: {
  companies: CompanyStore;
  clock?: Clock;
  actor: Actor;
  /** Package ids (normalised here) and points, e.g. from `parseAllocationArgs` or the modal. */
  lines: readonly { readonly package: string; readonly points: number }[];
}): Promise<{ company: Company; lines: AllocatedLine[]; budget: Money | null; period: Period }> {
  const company = await requireAdmin({ companies, actor });
  if (!Array.isArray(lines)) throw new DomainError('invalid_input', 'Give the allocation as package=points pairs.', {}, hintFor('allocate'));
  const [dependencies, owned] = await Promise.all([companies.dependencies(company.id), companies.ownedPackages(company.id)]);

  const violations: DomainError[] = [];
  const parsed: { package: PackageId; points: number }[] = [];
  for (const line of lines) {
    const id = parsePackageId(String(line?.package ?? ''));
    if (id.ok) parsed.push({ package: id.value, points: line.points });
    else violations.push(id.error);
  }
  const checked = validateAllocation(parsed, { dependencies: new Set(dependencies), owned: new Set(owned) });
  if (!checked.ok) violations.push(...checked.error);
  if (!checked.ok || violations.length > 0) {
    const first = violations[0]!;
    const all: AllocationViolation[] = violations.map((v) => ({ code: v.code, userMessage: v.userMessage, details: v.details }));
    throw new DomainError(first.code, first.userMessage, { ...first.details, violations: all });
  }

  await companies.saveAllocation(company.id, checked.value, actor.userRef);
  const period = periodOf(clock.now());
  return { company, lines: allocatedAmounts(company, checked.value, period), budget: budgetOf(company), period };
}
