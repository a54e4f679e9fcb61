/**
 * Largest-remainder apportionment of an integer total by integer weights.
 *
 * Each part gets floor(total * w / W); the units left over go to the largest fractional
 * remainders. Ties are broken by a rotation derived from `seed`, so equal claims do not
 * always favour the same party (the first listed, the alphabetically first...).
 *
 * Example: split(100, [1, 1, 1], 'x') → a permutation of [34, 33, 33]; sum is always 100.
 */
export function splitByLargestRemainder(total: number, weights: readonly number[], seed = ''): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative safe integer, got ${total}`);
  if (weights.length === 0) throw new RangeError('cannot split between no parts');
  let weightSum = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative integers, got ${w}`);
    weightSum += w;
  }
  if (weightSum === 0) throw new RangeError('weights must not all be zero');
  // BigInt keeps total * weight exact beyond 2^53.
  const T = BigInt(total);
  const W = BigInt(weightSum);
  const parts: number[] = [];
  const remainders: bigint[] = [];
  let allotted = 0;
  for (const w of weights) {
    const num = T * BigInt(w);
    const q = num / W;
    parts.push(Number(q));
    remainders.push(num % W);
    allotted += Number(q);
  }
  let left = total - allotted;
  const offset = seedOffset(seed, weights.length);
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = remainders[a]!;
      const rb = remainders[b]!;
      if (ra !== rb) return ra > rb ? -1 : 1;
      // Tie: rotate the starting index by the seed.
      const ka = (a - offset + weights.length) % weights.length;
      const kb = (b - offset + weights.length) % weights.length;
      return ka - kb;
    });
  for (const i of order) {
    if (left === 0) break;
    if (weights[i] === 0) continue;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/** FNV-1a of the seed, reduced to an index: cheap, stable across runs and platforms. */
function seedOffset(seed: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % n;
}
