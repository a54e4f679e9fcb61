import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fundingGap } from './progress.ts';
import type { Pledge, Wish } from './wish.ts';

const pledge = (amount: number, status: Pledge['status']): Pledge => ({ id: `p${amount}${status}`, pledger: { source: 'github', id: 'a', display: 'a' }, amount, status, createdAt: new Date(0) });
const wish = (over: Partial<Pick<Wish, 'quote' | 'pledges' | 'status' | 'deadline'>>) => ({
  quote: null,
  pledges: [],
  status: 'open' as const,
  deadline: null,
  ...over,
});
const quote = (amount: number) => ({ amount, currency: 'EUR', delayDays: 14, by: 'm', at: new Date(0) }) as unknown as Wish['quote'];
const now = new Date('2026-12-01T12:00:00Z');

describe('fundingGap', () => {
  it.each([
    ['no quote', wish({}), { toGo: null, daysLeft: null }],
    ['quoted, nothing paid, 10 days', wish({ status: 'quoted', quote: quote(40_000), deadline: new Date('2026-12-11T12:00:00Z') }), { toGo: 40_000, daysLeft: 10 }],
    ['committed pledges do not count', wish({ status: 'quoted', quote: quote(40_000), pledges: [pledge(30_000, 'committed'), pledge(28_000, 'paid')], deadline: new Date('2026-12-01T13:00:00Z') }), { toGo: 12_000, daysLeft: 1 }],
    ['deadline passed', wish({ status: 'quoted', quote: quote(1_000), deadline: new Date('2026-11-30T00:00:00Z') }), { toGo: 1_000, daysLeft: 0 }],
    ['funded: nothing to go, no clock', wish({ status: 'funded', quote: quote(1_000), pledges: [pledge(1_500, 'paid')], deadline: new Date('2026-12-20T00:00:00Z') }), { toGo: 0, daysLeft: null }],
  ])('%s', (_name, w, expected) => {
    expect(fundingGap(w, now)).toEqual(expected);
  });

  it('raised + to go is the quote until the quote is reached', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 20 }), (q, paid) => {
        const gap = fundingGap(wish({ status: 'quoted', quote: quote(q), pledges: paid.map((a, i) => ({ ...pledge(a, 'paid'), id: `p${i}` })) }), now);
        const raised = paid.reduce((s, a) => s + a, 0);
        expect(gap.toGo).toBe(Math.max(0, q - raised));
        if (raised < q) expect(raised + gap.toGo!).toBe(q);
      }),
    );
  });
});
