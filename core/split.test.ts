import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitByLargestRemainder } from './split.ts';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('splitByLargestRemainder', () => {
  it.each([
    { total: 100, weights: [1, 1, 1], sorted: [33, 33, 34] },
    { total: 1000, weights: [34, 33, 33], sorted: [330, 330, 340] },
    { total: 10, weights: [1, 0, 1], sorted: [0, 5, 5] },
    { total: 0, weights: [5, 7], sorted: [0, 0] },
    { total: 7, weights: [1], sorted: [7] },
    { total: 1, weights: [1, 2, 3], sorted: [0, 0, 1] }, // 1 * 3/6 has the largest remainder
    { total: 5, weights: [0, 0, 3], sorted: [0, 0, 5] },
  ])('splits $total by $weights', ({ total, weights, sorted }) => {
    const parts = splitByLargestRemainder(total, weights, 'seed');
    expect([...parts].sort((a, b) => a - b)).toEqual(sorted);
    expect(sum(parts)).toBe(total);
  });

  it('gives a unit left over to the largest remainder, not to a tie-break', () => {
    // 10 * [3, 4, 3] / 10 = [3, 4, 3] exactly; 11 → remainders [3, 4, 3]/10 → index 1 wins.
    for (const seed of ['a', 'b', 'c', 'd']) expect(splitByLargestRemainder(11, [3, 4, 3], seed)).toEqual([3, 5, 3]);
  });

  it('is exact beyond 2^53 products', () => {
    const total = Number.MAX_SAFE_INTEGER;
    const parts = splitByLargestRemainder(total, [Number.MAX_SAFE_INTEGER, 1], 'x');
    expect(sum(parts)).toBe(total);
    expect(parts[1]).toBeLessThanOrEqual(1);
  });

  it.each([
    { total: -1, weights: [1] },
    { total: 1.5, weights: [1] },
    { total: Number.NaN, weights: [1] },
    { total: 2 ** 53, weights: [1] },
    { total: 10, weights: [] },
    { total: 10, weights: [0, 0] },
    { total: 10, weights: [1, -1] },
    { total: 10, weights: [0.5, 1] },
  ])('throws RangeError for total $total and weights $weights', ({ total, weights }) => {
    expect(() => splitByLargestRemainder(total, weights, 's')).toThrow(RangeError);
  });

  const weightsArb = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 30 }).filter((ws) => ws.some((w) => w > 0));

  it('parts always sum exactly to the total, and each is within one unit of its exact share', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), weightsArb, fc.string(), (total, weights, seed) => {
        const parts = splitByLargestRemainder(total, weights, seed);
        expect(parts).toHaveLength(weights.length);
        expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
        const W = BigInt(sum(weights));
        weights.forEach((w, i) => {
          const exactFloor = (BigInt(total) * BigInt(w)) / W;
          const part = BigInt(parts[i]!);
          // floor(share) ≤ part ≤ floor(share) + 1, and exactly the share when it is whole.
          expect(part >= exactFloor && part <= exactFloor + 1n).toBe(true);
          if ((BigInt(total) * BigInt(w)) % W === 0n) expect(part).toBe(exactFloor);
          if (w === 0) expect(part).toBe(0n);
        });
      }),
    );
  });

  it('is deterministic for a given seed', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), weightsArb, fc.string(), (total, weights, seed) => {
        expect(splitByLargestRemainder(total, weights, seed)).toEqual(splitByLargestRemainder(total, weights, seed));
      }),
    );
  });

  it('does not always favour the same index in a tie, across seeds', () => {
    const seeds = Array.from({ length: 64 }, (_, i) => `company-${i}:2026-11`);
    for (let n = 2; n <= 30; n++) {
      const winners = new Set(
        seeds.map((seed) => splitByLargestRemainder(1, Array.from({ length: n }, () => 1), seed).indexOf(1)),
      );
      expect(winners.size, `n=${n}`).toBeGreaterThan(1);
    }
  });

  it('every index can win a tie for some seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), (n) => {
        const winners = new Set<number>();
        for (let i = 0; i < 500 && winners.size < n; i++) {
          winners.add(splitByLargestRemainder(1, Array.from({ length: n }, () => 7), `s${i}`).indexOf(1));
        }
        expect(winners.size).toBe(n);
      }),
      { numRuns: 20 },
    );
  });
});
