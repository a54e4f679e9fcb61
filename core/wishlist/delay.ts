// Delivery delays promised by quotes: `10d`, `3w`, `2 weeks`, `1 month`.
import { DomainError, err, ok, type Result } from '../errors.ts';


/** The longest delivery delay a quote may promise: two years. */
export const MAX_DELAY_DAYS = 730;
const DELAY_FORM = '10d, 3w, 2 weeks, 14 days or 1 month';

const UNIT_DAYS: Readonly<Record<string, number>> = {
  d: 1, day: 1, days: 1,
  w: 7, wk: 7, wks: 7, week: 7, weeks: 7,
  m: 30, mo: 30, mos: 30, month: 30, months: 30,
};

/** True when `word` is a delay unit (`d`, `weeks`, `month`...): lets grammars find where a delay starts. */
export const isDelayUnit = (word: string): boolean => Object.hasOwn(UNIT_DAYS, word.toLowerCase());

/** Parses a delivery delay into days: `10d`, `3w`, `2 weeks`, `1 week`, `14 days`, `1m`/`1 month` (= 30 days). */
export function parseDelay(input: string): Result<number> {
  const s = input.trim().toLowerCase();
  const refuse = (why: string) =>
    err(new DomainError('invalid_delay', `${why} Write a delay as ${DELAY_FORM}.`, { input, max: MAX_DELAY_DAYS }));
  if (s === '') return refuse('The delay is missing.');
  const m = /^([+-]?\d+(?:[.,]\d+)?)\s*([a-z]+)$/.exec(s);
  if (!m) {
    if (/^[+-]?\d+(?:[.,]\d+)?$/.test(s)) return refuse(`"${input.trim()}" has no unit (days, weeks or months).`);
    return refuse(`"${input.trim()}" is not a delay.`);
  }
  const unit = UNIT_DAYS[m[2]!];
  if (unit === undefined) return refuse(`"${m[2]}" is not a unit of time; use days, weeks or months.`);
  if (!/^[+-]?\d+$/.test(m[1]!)) return refuse(`"${input.trim()}" is not a whole number of days, weeks or months.`);
  const count = Number(m[1]);
  if (count <= 0) return refuse(`A delay must be positive, not "${input.trim()}".`);
  const days = count * unit;
  if (days > MAX_DELAY_DAYS) return refuse(`${days} days is too long; a quote may promise at most ${MAX_DELAY_DAYS} days.`);
  return ok(days);
}

