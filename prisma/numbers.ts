// BIGINT columns ↔ JS numbers. Amounts are safe integers everywhere in the code; a value that
// would round silently is refused instead.

/** A BIGINT (or numeric text) from the driver as a number; throws RangeError beyond 2^53. */
export function toSafeNumber(value: bigint | number | string, what = 'amount'): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} ${String(value)} is beyond the safe integer range`);
  return n;
}

/** A number for a BIGINT column; refuses fractions and unsafe integers. */
export function toBigInt(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return BigInt(value);
}
