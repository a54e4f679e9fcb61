// The shape every benchmark returns, so `npm run bench` can write one BENCHMARKS.md. A figure is
// measured `samples.length` times (≥ 3 outside --quick); the report shows the median with min/max.

export interface BenchOptions {
  /** Small sizes only, the whole run in under a minute. */
  quick: boolean;
}

export interface Figure {
  /** The row of the table, in the words ("close 1,000,000 allocations (PostgreSQL)"). */
  work: string;
  /** One value per run, in `unit`. */
  samples: number[];
  unit: 'ms' | 's' | 'req/s' | 'MiB' | 'ratio' | 'count';
  /** Which way is better, for the report's verdict. */
  better: 'lower' | 'higher';
  /** The target as a number in `unit`, when the issue sets one. */
  target?: number;
  /** Free text shown beside the figure: sizes, what the ratio divides by, peak RSS… */
  note?: string;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
