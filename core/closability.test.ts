import { describe, expect, it } from 'vitest';
import { closability } from './closability.ts';
import type { DomainErrorCode } from './errors.ts';
import type { Period } from './period.ts';

const now = new Date('2026-11-15T12:00:00Z');
const p = (s: string) => s as Period;

describe('closability', () => {
  const cases: [string, { period: string; existing: string | null; closed: string[] }, 'new' | 'resume' | 'closed' | DomainErrorCode][] = [
    ['a past month nobody closed', { period: '2026-10', existing: null, closed: [] }, 'new'],
    ['the current month, early', { period: '2026-11', existing: null, closed: [] }, 'new'],
    ['the month right after the last closed one', { period: '2026-10', existing: null, closed: ['2026-08', '2026-09'] }, 'new'],
    ['a month not started yet', { period: '2026-12', existing: null, closed: [] }, 'period_in_future'],
    ['a month not started yet, even with a state', { period: '2027-01', existing: 'closing', closed: [] }, 'period_in_future'],
    ['a month already closed', { period: '2026-10', existing: 'closed', closed: ['2026-10'] }, 'closed'],
    ['a month already closed, later ones closed too', { period: '2026-09', existing: 'closed', closed: ['2026-09', '2026-10'] }, 'closed'],
    ['a close that began and did not finish', { period: '2026-10', existing: 'closing', closed: [] }, 'resume'],
    ['a close that began, though a later month closed since', { period: '2026-09', existing: 'closing', closed: ['2026-10'] }, 'resume'],
    ['a month before one already closed', { period: '2026-09', existing: null, closed: ['2026-10'] }, 'period_closed'],
    ['a month long before the closed ones', { period: '2025-01', existing: null, closed: ['2026-10', '2026-08'] }, 'period_closed'],
  ];
  it.each(cases)('%s', (_, { period, existing, closed }, expected) => {
    const r = closability(p(period), { now, existing: existing ? { status: existing } : null, closedPeriods: closed.map(p) });
    expect(r.ok ? r.value : r.error.code).toBe(expected);
  });

  it('names the latest closed month when refusing, whatever the order given', () => {
    const r = closability(p('2026-05'), { now, existing: null, closedPeriods: [p('2026-09'), p('2026-06'), p('2026-08')] });
    expect(!r.ok && r.error.userMessage).toBe('2026-05 can no longer be closed: 2026-09 is already closed, and months close in order.');
  });

  it('names the latest closable month when refusing a future one', () => {
    const r = closability(p('2026-12'), { now, existing: null, closedPeriods: [] });
    expect(!r.ok && r.error.userMessage).toBe('2026-12 has not started yet; the latest period that can be closed is 2026-11.');
  });
});
