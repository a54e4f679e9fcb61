import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_POINTS_PER_PACKAGE,
  MIN_PACKAGES,
  parseAllocationArgs,
  POINTS_PER_MONTH,
  splitBudget,
  suggestAllocation,
  validateAllocation,
  type AllocationContext,
  type AllocationLine,
} from './allocation.ts';
import type { DomainError } from './errors.ts';
import { parsePackageId, type PackageId } from './packages.ts';

const pkg = (s: string): PackageId => {
  const r = parsePackageId(s);
  if (!r.ok) throw r.error;
  return r.value;
};
const lines = (spec: Record<string, number>) => Object.entries(spec).map(([p, points]) => ({ package: pkg(p), points }));
const ctxOf = (dependencies: string[], owned: string[] = []): AllocationContext => ({
  dependencies: new Set(dependencies.map(pkg)),
  owned: new Set(owned.map(pkg)),
});
const codes = (errors: readonly DomainError[]) => errors.map((e) => e.code).sort();

it('has the rules of CONTRACT §5', () => {
  expect([POINTS_PER_MONTH, MIN_PACKAGES, MAX_POINTS_PER_PACKAGE]).toEqual([100, 3, 34]);
});

describe('parseAllocationArgs', () => {
  it.each([
    [['npm:react=34', 'pypi:requests=33', 'cargo:serde=33'], { 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33 }],
    [['npm:react', '=', '34', 'pypi:requests', '=', '66'], { 'npm:react': 34, 'pypi:requests': 66 }],
    [['npm:react =34', 'pypi:requests= 66'], { 'npm:react': 34, 'pypi:requests': 66 }],
    [['npm:react=34 pypi:requests=66'], { 'npm:react': 34, 'pypi:requests': 66 }],
    [['npm:react=34,', 'pypi:requests=66'], { 'npm:react': 34, 'pypi:requests': 66 }],
    [['npm:react=34%'], { 'npm:react': 34 }],
    [['npm:React=0'], { 'npm:react': 0 }],
    [['pypi:Foo_Bar.baz=10'], { 'pypi:foo-bar-baz': 10 }],
    [['maven:org.slf4j:slf4j-api=20'], { 'maven:org.slf4j:slf4j-api': 20 }],
    [['pkg:npm/%40types/node@20.1.0=20'], { 'npm:@types/node': 20 }],
    [['npm:react=200'], { 'npm:react': 200 }], // the rules are validateAllocation's
    [[], {}],
  ])('reads %j', (args, expected) => {
    const r = parseAllocationArgs(args);
    expect(r).toEqual({ ok: true, value: lines(expected) });
  });

  it.each([
    [['npm:react:34'], 'allocation_invalid_points', '"npm:react:34" has no points; write each package as package=points'],
    [['npm:react', '34'], 'allocation_invalid_points', '"npm:react" has no points; write each package as package=points, e.g. npm:react=34'],
    [['npm:react=34.5'], 'allocation_invalid_points', 'npm:react has points "34.5"; points are whole numbers from 0 to 100'],
    [['npm:react=-5'], 'allocation_invalid_points', 'whole numbers'],
    [['npm:react=abc'], 'allocation_invalid_points', 'e.g. npm:react=25'],
    [['npm:react='], 'allocation_invalid_points', 'whole numbers'],
    [['npm:react=99999999999999999999'], 'allocation_invalid_points', 'whole numbers'],
    [['react=34'], 'invalid_package', ''],
    [['=34'], 'invalid_package', ''],
    [['npm:react=34', 'npm:React=33'], 'allocation_duplicate_package', 'npm:react is listed twice'],
    [['pypi:foo_bar=34', 'pypi:Foo.Bar=33'], 'allocation_duplicate_package', 'pypi:foo-bar is listed twice'],
  ])('refuses %j with %s', (args, code, fragment) => {
    const r = parseAllocationArgs(args);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.userMessage).toContain(fragment);
  });

  it('passes on the package error as is', () => {
    const r = parseAllocationArgs(['npm:react=34', 'react=33']);
    const direct = parsePackageId('react');
    expect(!r.ok && r.error.code).toBe('invalid_package');
    expect(!r.ok && !direct.ok && r.error.userMessage).toBe(!direct.ok && direct.error.userMessage);
  });
});

describe('validateAllocation', () => {
  const ctx = ctxOf(['npm:react', 'pypi:requests', 'cargo:serde', 'npm:lodash', 'npm:vue'], ['npm:acme-ui']);

  it.each([
    [{ 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33 }],
    [{ 'npm:react': 25, 'pypi:requests': 25, 'cargo:serde': 25, 'npm:lodash': 25 }],
    [{ 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33, 'npm:lodash': 0, 'npm:acme-ui': 0, 'npm:unknown': 0 }],
  ])('accepts %j', (spec) => {
    const r = validateAllocation(lines(spec), ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.every((l) => l.points > 0)).toBe(true);
    expect(r.value.map((l) => l.package)).toEqual(
      Object.entries(spec)
        .filter(([, p]) => p > 0)
        .map(([id]) => id)
        .sort(),
    );
  });

  it.each([
    {
      spec: { 'npm:react': 40, 'pypi:requests': 30, 'cargo:serde': 30 },
      errors: [['allocation_points_over_max', 'npm:react has 40 points; the maximum per package is 34', { package: 'npm:react', points: 40, max: 34 }]],
    },
    {
      spec: { 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 23 },
      errors: [
        ['allocation_points_total', 'The points add up to 90; they must add up to exactly 100 (10 left to place)', { total: 90, required: 100, left: 10 }],
      ],
    },
    {
      spec: { 'npm:react': 34, 'pypi:requests': 34, 'cargo:serde': 34 },
      errors: [['allocation_points_total', 'The points add up to 102; they must add up to exactly 100 (2 too many)', { total: 102, left: -2 }]],
    },
    {
      spec: { 'npm:react': 34, 'pypi:requests': 34 },
      errors: [
        ['allocation_points_total', 'add up to 68', { total: 68 }],
        ['allocation_too_few_packages', 'Only 2 packages; spread the points over at least 3', { count: 2, min: 3 }],
      ],
    },
    {
      spec: { 'npm:react': 100 },
      errors: [
        ['allocation_points_over_max', 'npm:react has 100 points', { package: 'npm:react' }],
        ['allocation_too_few_packages', 'Only 1 package; spread', { count: 1 }],
      ],
    },
    {
      spec: {},
      errors: [
        ['allocation_points_total', 'add up to 0', { total: 0, left: 100 }],
        ['allocation_too_few_packages', 'No packages have points; spread the points over at least 3', { count: 0 }],
      ],
    },
    {
      spec: { 'npm:react': 34, 'npm:acme-ui': 33, 'cargo:serde': 33 },
      errors: [['allocation_owned_package', 'npm:acme-ui is your own package; you cannot allocate points to it', { package: 'npm:acme-ui' }]],
    },
    {
      spec: { 'npm:react': 34, 'npm:left-pad': 33, 'cargo:serde': 33 },
      errors: [
        [
          'allocation_not_dependency',
          'npm:left-pad is not one of your declared dependencies; add it with `deps add npm:left-pad` first',
          { package: 'npm:left-pad', points: 33 },
        ],
      ],
    },
    {
      spec: { 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33, 'npm:vue': 1.5 },
      errors: [['allocation_invalid_points', 'npm:vue has 1.5 points; points are whole numbers from 0 to 100', { package: 'npm:vue', points: 1.5 }]],
    },
    {
      spec: { 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33, 'npm:vue': -1 },
      errors: [['allocation_invalid_points', 'npm:vue has -1 points', { package: 'npm:vue' }]],
    },
    {
      spec: { 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33, 'npm:vue': 101 },
      errors: [['allocation_invalid_points', 'npm:vue has 101 points', { package: 'npm:vue' }]],
    },
    {
      // Every rule at once: a modal shows each next to its field.
      spec: { 'npm:react': 50, 'npm:acme-ui': 10, 'npm:left-pad': 5 },
      errors: [
        ['allocation_points_over_max', 'npm:react has 50 points', {}],
        ['allocation_owned_package', 'npm:acme-ui is your own package', {}],
        ['allocation_not_dependency', 'npm:left-pad is not one of your declared dependencies', {}],
        ['allocation_points_total', 'add up to 65', {}],
      ],
    },
  ] as { spec: Record<string, number>; errors: [string, string, Record<string, unknown>][] }[])(
    'refuses $spec',
    ({ spec, errors }) => {
      const r = validateAllocation(lines(spec), ctx);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toHaveLength(errors.length);
      errors.forEach(([code, fragment, details], i) => {
        expect(r.error[i]!.code).toBe(code);
        expect(r.error[i]!.userMessage).toContain(fragment);
        expect(r.error[i]!.details).toMatchObject(details);
      });
    },
  );

  it('refuses a package listed twice', () => {
    const r = validateAllocation([...lines({ 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33 }), { package: pkg('npm:react'), points: 0 }], ctx);
    expect(!r.ok && codes(r.error)).toEqual(['allocation_duplicate_package']);
  });

  it('reports an owned package as owned only, even when it is not a dependency', () => {
    const r = validateAllocation(lines({ 'npm:react': 34, 'npm:acme-ui': 33, 'cargo:serde': 33 }), ctxOf(['npm:react', 'cargo:serde'], ['npm:acme-ui']));
    expect(!r.ok && codes(r.error)).toEqual(['allocation_owned_package']);
  });
});

/** A valid allocation over 3–12 packages with points in 1..34 summing to 100, and a context that accepts it. */
const validCase = fc
  .record({
    n: fc.integer({ min: MIN_PACKAGES, max: 12 }),
    picks: fc.array(fc.nat(), { minLength: POINTS_PER_MONTH, maxLength: POINTS_PER_MONTH }),
    extraDeps: fc.integer({ min: 0, max: 3 }),
    owned: fc.integer({ min: 0, max: 3 }),
    shuffle: fc.nat(),
  })
  .map(({ n, picks, extraDeps, owned, shuffle }) => {
    const points = Array.from({ length: n }, () => 1);
    for (const pick of picks.slice(n)) {
      let i = pick % n;
      while (points[i]! >= MAX_POINTS_PER_PACKAGE) i = (i + 1) % n;
      points[i]! += 1;
    }
    const ids = points.map((_, i) => pkg(`npm:pkg-${String((i * 7 + shuffle) % 97).padStart(2, '0')}-${i}`));
    const allocation: AllocationLine[] = ids.map((id, i) => ({ package: id, points: points[i]! }));
    const deps = [...ids, ...Array.from({ length: extraDeps }, (_, i) => pkg(`pypi:spare-${i}`))];
    const ownedIds = Array.from({ length: owned + 1 }, (_, i) => pkg(`npm:own-${i}`));
    return { allocation, ctx: { dependencies: new Set(deps), owned: new Set(ownedIds) } as AllocationContext };
  });

describe('allocation properties', () => {
  it('accepts every valid allocation, sorted by package', () => {
    fc.assert(
      fc.property(validCase, ({ allocation, ctx }) => {
        const r = validateAllocation(allocation, ctx);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.map((l) => l.package)).toEqual(allocation.map((l) => l.package).sort());
        expect(r.value.reduce((a, l) => a + l.points, 0)).toBe(100);
      }),
    );
  });

  type Mutation = (a: AllocationLine[], ctx: AllocationContext, i: number) => { allocation: AllocationLine[]; ctx: AllocationContext };
  const at = (a: AllocationLine[], i: number, patch: Partial<AllocationLine>) => a.map((l, k) => (k === i ? { ...l, ...patch } : l));
  const mutations: [string, Mutation][] = [
    [
      'allocation_points_over_max',
      (a, ctx, i) => {
        // Raise one package to 35 and take the difference from the others, keeping each ≥ 1.
        const out = a.map((l) => ({ ...l }));
        let needed = MAX_POINTS_PER_PACKAGE + 1 - out[i]!.points;
        out[i] = { ...out[i]!, points: MAX_POINTS_PER_PACKAGE + 1 };
        for (let k = 0; k < out.length && needed > 0; k++) {
          if (k === i) continue;
          const take = Math.min(needed, out[k]!.points - 1);
          out[k] = { ...out[k]!, points: out[k]!.points - take };
          needed -= take;
        }
        return { allocation: out, ctx };
      },
    ],
    [
      'allocation_points_total',
      (a, ctx, i) => {
        const j = a[i]!.points >= 2 ? i : a.findIndex((l) => l.points >= 2);
        return { allocation: at(a, j, { points: a[j]!.points - 1 }), ctx };
      },
    ],
    [
      'allocation_owned_package',
      (a, ctx, i) => ({ allocation: at(a, i, { package: [...ctx.owned][0]! }), ctx }),
    ],
    [
      'allocation_not_dependency',
      (a, ctx, i) => ({ allocation: at(a, i, { package: pkg('cargo:not-declared') }), ctx }),
    ],
    [
      'allocation_invalid_points',
      (a, ctx, i) => ({ allocation: [...a.slice(0, i), { package: pkg('pypi:spare-0'), points: 2.5 }, ...a.slice(i)], ctx }),
    ],
    [
      'allocation_duplicate_package',
      (a, ctx, i) => ({ allocation: [...a, { package: a[i]!.package, points: 0 }], ctx }),
    ],
  ];

  it.each(mutations)('breaking one rule yields exactly %s', (code, mutate) => {
    fc.assert(
      fc.property(validCase, fc.nat(), ({ allocation, ctx }, pick) => {
        const broken = mutate(allocation, ctx, pick % allocation.length);
        const r = validateAllocation(broken.allocation, broken.ctx);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(codes(r.error)).toEqual([code]);
      }),
    );
  });

  it('breaks "at least 3 packages" only together with the total or the maximum (2 × 34 < 100)', () => {
    fc.assert(
      fc.property(validCase, ({ allocation, ctx }) => {
        const two = allocation.slice(0, 2);
        const r = validateAllocation(two, ctx);
        expect(!r.ok && codes(r.error)).toContain('allocation_too_few_packages');
        const evenTwo = two.map((l) => ({ ...l, points: 50 }));
        const r2 = validateAllocation(evenTwo, ctx);
        expect(!r2.ok && codes(r2.error)).toEqual(['allocation_points_over_max', 'allocation_points_over_max', 'allocation_too_few_packages']);
      }),
    );
  });
});

describe('splitBudget', () => {
  const three = lines({ 'npm:react': 34, 'pypi:requests': 33, 'cargo:serde': 33 });

  it.each([
    [1000, [340, 330, 330]],
    [100_000, [34_000, 33_000, 33_000]],
    [0, [0, 0, 0]],
  ])('splits %i as %j', (budget, amounts) => {
    expect(splitBudget(budget, three, 'acme:2026-11')).toEqual(three.map((l, i) => ({ package: l.package, amount: amounts[i] })));
  });

  it('refuses lines that do not total 100 points', () => {
    expect(() => splitBudget(1000, three.slice(0, 2), 's')).toThrow(RangeError);
  });

  it('always sums exactly to the budget, each package within one minor unit of its share', () => {
    fc.assert(
      fc.property(validCase, fc.nat({ max: 10_000_000_000 }), fc.string(), ({ allocation }, budget, seed) => {
        const parts = splitBudget(budget, allocation, seed);
        expect(parts.map((p) => p.package)).toEqual(allocation.map((l) => l.package));
        expect(parts.reduce((a, p) => a + p.amount, 0)).toBe(budget);
        parts.forEach((p, i) => expect(Math.abs(p.amount * 100 - budget * allocation[i]!.points)).toBeLessThan(100));
      }),
    );
  });
});

describe('suggestAllocation', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => pkg(`npm:p${String(i).padStart(3, '0')}`));

  it.each([
    [0, []],
    [2, []],
    [3, [34, 33, 33]],
    [4, [25, 25, 25, 25]],
    [6, [17, 17, 17, 17, 16, 16]],
    [7, [15, 15, 14, 14, 14, 14, 14]],
  ])('splits 100 points over %i packages as %j', (n, points) => {
    expect(suggestAllocation(ids(n)).map((l) => l.points)).toEqual(points);
  });

  it('deduplicates and sorts', () => {
    const [a, b, c] = [pkg('npm:a'), pkg('npm:b'), pkg('npm:c')];
    expect(suggestAllocation([c, a, b, a])).toEqual([
      { package: a, points: 34 },
      { package: b, points: 33 },
      { package: c, points: 33 },
    ]);
    expect(suggestAllocation([a, b, a, b])).toEqual([]);
  });

  it('is always a valid allocation of its packages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 250 }), (n) => {
        const packages = ids(n);
        const suggestion = suggestAllocation(packages);
        expect(suggestion.length).toBe(Math.min(n, 100));
        expect(validateAllocation(suggestion, { dependencies: new Set(packages), owned: new Set() }).ok).toBe(true);
      }),
    );
  });
});
