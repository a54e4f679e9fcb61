import { DomainError, err, ok, type Result } from './errors.ts';

/** A calendar month in UTC, written `YYYY-MM`. */
export type Period = string & { readonly __brand: 'Period' };

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Parses `YYYY-MM` (calendar month, UTC). */
export function parsePeriod(input: string): Result<Period> {
  const s = input.trim();
  if (!PERIOD_RE.test(s)) {
    return err(new DomainError('invalid_period', `"${input}" is not a period; write a calendar month as YYYY-MM, e.g. 2026-11.`, { input }));
  }
  return ok(s as Period);
}

/** The period containing the instant `at` (UTC). */
export function periodOf(at: Date): Period {
  return `${at.getUTCFullYear().toString().padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}` as Period;
}

/** `p` shifted by `months` (negative goes back). */
export function addMonths(p: Period, months: number): Period {
  const [y, m] = p.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}` as Period;
}

/** First instant of the period and first instant of the next one, UTC. */
export function periodBounds(p: Period): { start: Date; end: Date } {
  const [y, m] = p.split('-').map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

/** Negative when a is earlier than b; `YYYY-MM` sorts lexically. */
export const comparePeriods = (a: Period, b: Period): number => (a < b ? -1 : a > b ? 1 : 0);
