/**
 * Code-unit order of strings: the same on every machine and database collation, unlike
 * `localeCompare`. Every deterministic sort in the close, receipts and stores uses it.
 */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
