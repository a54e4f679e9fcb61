import { DomainError, err, ok, type Result } from './errors.ts';
import { parsePackageId, type PackageId } from './packages.ts';
import { splitByLargestRemainder } from './split.ts';

/** Points every company places each month; a package's points are its percentage of the budget. */
export const POINTS_PER_MONTH = 100;
/** A valid allocation funds at least this many packages. */
export const MIN_PACKAGES = 3;
/** No package gets more than this many points (so no single package takes over a third). */
export const MAX_POINTS_PER_PACKAGE = 34;

/** One package's share of a company's monthly points. */
export interface AllocationLine {
  readonly package: PackageId;
  readonly points: number;
}

/** What the allocation rules check a company's lines against. */
export interface AllocationContext {
  /** Packages the company declared as dependencies. */
  readonly dependencies: ReadonlySet<PackageId>;
  /** The company's own packages, which it cannot fund. */
  readonly owned: ReadonlySet<PackageId>;
}

const FORM = 'write each package as package=points, e.g. npm:react=34 pypi:requests=33 cargo:serde=33';

/**
 * Reads `allocate` arguments: `npm:react=34 pypi:requests=33 cargo:serde=33`.
 * Spaces around `=` (`npm:react = 34`), commas between pairs and a trailing `%` are accepted;
 * `npm:react:34` is not (a Maven id contains `:`). Returns the first problem: a bad package id
 * (`invalid_package`), points that are not a whole number ≥ 0 (`allocation_invalid_points`),
 * or a package named twice after normalisation (`allocation_duplicate_package`). The rules
 * themselves are checked by {@link validateAllocation}.
 */
export function parseAllocationArgs(args: readonly string[]): Result<{ package: PackageId; points: number }[]> {
  const tokens = args
    .join(' ')
    .replace(/\s*=\s*/g, '=')
    .split(/[\s,;]+/)
    .filter((t) => t !== '');
  const lines: { package: PackageId; points: number }[] = [];
  const seen = new Set<string>();
  for (const token of tokens) {
    const at = token.lastIndexOf('=');
    if (at < 0) {
      return err(new DomainError('allocation_invalid_points', `"${token}" has no points; ${FORM}.`, { input: token }));
    }
    const parsed = parsePackageId(token.slice(0, at));
    if (!parsed.ok) return parsed;
    const id = parsed.value;
    const text = token.slice(at + 1).replace(/%$/, '');
    const points = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(points)) {
      return err(invalidPoints(id, text, `${id} has points "${text}"; points are whole numbers from 0 to ${POINTS_PER_MONTH}, e.g. ${id}=25.`));
    }
    if (seen.has(id)) {
      return err(new DomainError('allocation_duplicate_package', `${id} is listed twice; give each package its points once.`, { package: id }));
    }
    seen.add(id);
    lines.push({ package: id, points });
  }
  return ok(lines);
}

/**
 * Checks an allocation against the rules of CONTRACT §5 and returns every violation at once
 * (a modal shows them next to each field), or the lines that count, sorted by package id.
 *
 * - points are whole numbers from 0 to 100 (`allocation_invalid_points`); lines with 0 points
 *   are dropped and do not count as packages;
 * - each package appears once (`allocation_duplicate_package`);
 * - at most 34 points per package (`allocation_points_over_max`);
 * - never a package the company owns (`allocation_owned_package`), and only declared
 *   dependencies (`allocation_not_dependency`; an owned package gets only the first error);
 * - the points add up to exactly 100 (`allocation_points_total`);
 * - at least 3 packages (`allocation_too_few_packages`).
 *
 * Example: `[react 40, lodash 30, serde 20]` → points_over_max (react: 40 > 34) and
 * points_total (90: 10 left to place).
 */
export function validateAllocation(
  lines: readonly { readonly package: PackageId; readonly points: number }[],
  ctx: AllocationContext,
): Result<AllocationLine[], DomainError[]> {
  const errors: DomainError[] = [];
  const counted: AllocationLine[] = [];
  const seen = new Set<PackageId>();
  let total = 0;
  for (const line of lines) {
    const id = line.package;
    const points = line.points;
    if (!Number.isInteger(points) || points < 0 || points > POINTS_PER_MONTH) {
      errors.push(invalidPoints(id, points, `${id} has ${points} points; points are whole numbers from 0 to ${POINTS_PER_MONTH}.`));
      continue;
    }
    if (seen.has(id)) {
      errors.push(new DomainError('allocation_duplicate_package', `${id} is listed twice; give each package its points once.`, { package: id, points }));
      continue;
    }
    seen.add(id);
    if (points === 0) continue;
    total += points;
    counted.push({ package: id, points });
    if (points > MAX_POINTS_PER_PACKAGE) {
      errors.push(
        new DomainError(
          'allocation_points_over_max',
          `${id} has ${points} points; the maximum per package is ${MAX_POINTS_PER_PACKAGE}. Move ${points - MAX_POINTS_PER_PACKAGE} to other packages.`,
          { package: id, points, max: MAX_POINTS_PER_PACKAGE },
        ),
      );
    }
    if (ctx.owned.has(id)) {
      errors.push(
        new DomainError('allocation_owned_package', `${id} is your own package; you cannot allocate points to it.`, { package: id, points }),
      );
    } else if (!ctx.dependencies.has(id)) {
      errors.push(
        new DomainError(
          'allocation_not_dependency',
          `${id} is not one of your declared dependencies; add it with \`deps add ${id}\` first.`,
          { package: id, points },
        ),
      );
    }
  }
  if (total !== POINTS_PER_MONTH) {
    const gap = POINTS_PER_MONTH - total;
    const hint = gap > 0 ? `${gap} left to place` : `${-gap} too many`;
    errors.push(
      new DomainError(
        'allocation_points_total',
        `The points add up to ${total}; they must add up to exactly ${POINTS_PER_MONTH} (${hint}).`,
        { total, required: POINTS_PER_MONTH, left: gap },
      ),
    );
  }
  if (counted.length < MIN_PACKAGES) {
    const only = counted.length === 0 ? 'No packages have points' : `Only ${counted.length} package${counted.length === 1 ? '' : 's'}`;
    errors.push(
      new DomainError('allocation_too_few_packages', `${only}; spread the points over at least ${MIN_PACKAGES}.`, {
        count: counted.length,
        min: MIN_PACKAGES,
      }),
    );
  }
  if (errors.length > 0) return err(errors);
  return ok(counted.sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0)));
}

/**
 * A monthly budget (minor units) split by a valid allocation: 25 points get 25 % of it, by
 * largest remainder so the amounts add up exactly to the budget. Ties in rounding are broken
 * by `seed` (e.g. company and period), so no package is always the one favoured.
 * Example: 1000 over 34/33/33 → 340/330/330; 1001 → 341/330/330 or 340/331/330...
 * RangeError if the points do not add up to 100 (validate first).
 */
export function splitBudget(budget: number, lines: readonly AllocationLine[], seed: string): { package: PackageId; amount: number }[] {
  const points = lines.map((l) => l.points);
  if (points.reduce((a, b) => a + b, 0) !== POINTS_PER_MONTH) {
    throw new RangeError(`an allocation must total ${POINTS_PER_MONTH} points to split a budget`);
  }
  const amounts = splitByLargestRemainder(budget, points, seed);
  return lines.map((l, i) => ({ package: l.package, amount: amounts[i]! }));
}

/**
 * An even split of the points over `packages` (deduplicated, sorted), to prefill the
 * allocation modal: 3 packages → 34/33/33, 4 → 25 each, 6 → 17/17/17/17/16/16. Packages the
 * company owns or does not depend on should be left out by the caller. With more than 100
 * packages only the first 100 get a point. [] when fewer than 3 packages.
 */
export function suggestAllocation(packages: readonly PackageId[]): AllocationLine[] {
  const ids = [...new Set(packages)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (ids.length < MIN_PACKAGES) return [];
  const base = Math.floor(POINTS_PER_MONTH / ids.length);
  const extra = POINTS_PER_MONTH % ids.length;
  return ids.map((id, i) => ({ package: id, points: base + (i < extra ? 1 : 0) })).filter((l) => l.points > 0);
}

function invalidPoints(id: PackageId, points: unknown, message: string): DomainError {
  return new DomainError('allocation_invalid_points', message, { package: id, points, max: POINTS_PER_MONTH });
}
