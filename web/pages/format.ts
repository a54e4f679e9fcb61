// How pages write periods, dates and amounts for people (amounts only through formatMoney).
import { formatMoney, type Money } from '../../core/money.ts';
import type { Period } from '../../core/period.ts';

const MONTH = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const DAY = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `2026-11` → `November 2026`. */
export function monthName(period: Period | string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return MONTH.format(new Date(Date.UTC(y, m - 1, 1)));
}

/** `1 Dec 2026` (UTC). */
export const dayText = (at: Date): string => DAY.format(at);

/** `€2,000.50`. */
export const amount = (m: Money): string => formatMoney(m);
