// The pledge rule for a refund the payment provider made (Stripe `charge.refunded`), in any
// order with the payment: money given back is never counted as paid, nor funds a wish.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from './errors.ts';
import { addPledge, cancel, markPledgeChargeRefunded, markPledgePaid, openWish, paidTotal, quote, start, type Pledger, type Wish, type WishId } from './wishlist.ts';

const T0 = new Date('2026-03-01T12:00:00Z');
const ID = 'octo/widgets#7' as WishId;
const alice: Pledger = { source: 'github', id: 'alice', display: 'alice' };
const bob: Pledger = { source: 'github', id: 'bob', display: 'bob' };

function value<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** A quoted wish of 10 000 with pledges a (6 000) and b (4 000), both committed. */
function quoted(): Wish {
  let w = value(openWish({ id: ID, title: 'Dark mode', description: '', requester: 'alice', currency: 'EUR', at: T0 })).wish;
  w = value(quote(w, { amount: 10_000, currency: 'EUR', delayDays: 14, by: 'maya', at: T0 })).wish;
  w = value(addPledge(w, { id: 'a', pledger: alice, amount: 6_000, at: T0 })).wish;
  return value(addPledge(w, { id: 'b', pledger: bob, amount: 4_000, at: T0 })).wish;
}
const statusOf = (w: Wish, id: string) => w.pledges.find((p) => p.id === id)!.status;

describe('markPledgeChargeRefunded', () => {
  it('releases a committed pledge (nothing was credited), so a later payment never counts it', () => {
    const r = value(markPledgeChargeRefunded(quoted(), 'a', T0));
    expect(r.wasPaid).toBe(false);
    expect(statusOf(r.wish, 'a')).toBe('refunded');
    expect(markPledgePaid(r.wish, 'a', T0).ok).toBe(false);
    expect(paidTotal(r.wish)).toBe(0);
  });

  it('refunds a paid pledge of a wish not funded yet, and says the escrow must give it back', () => {
    const paid = value(markPledgePaid(quoted(), 'a', T0)).wish;
    expect(paidTotal(paid)).toBe(6_000);
    const r = value(markPledgeChargeRefunded(paid, 'a', T0));
    expect(r.wasPaid).toBe(true);
    expect(paidTotal(r.wish)).toBe(0);
  });

  it('releases a committed pledge even when the wish is funded or in progress (others paid)', () => {
    let w = value(markPledgePaid(quoted(), 'a', T0)).wish;
    w = value(addPledge(w, { id: 'c', pledger: { source: 'github', id: 'cy', display: 'cy' }, amount: 4_000, at: T0 })).wish;
    w = value(markPledgePaid(w, 'c', T0)).wish;
    expect(w.status).toBe('funded');
    const r = value(markPledgeChargeRefunded(value(start(w, { by: 'maya', at: T0 })).wish, 'b', T0));
    expect(statusOf(r.wish, 'b')).toBe('refunded');
    expect(r.wasPaid).toBe(false);
  });

  it('refuses a paid pledge of a funded wish (the money is committed; the operator settles it)', () => {
    let w = value(markPledgePaid(quoted(), 'a', T0)).wish;
    w = value(markPledgePaid(w, 'b', T0)).wish;
    expect(w.status).toBe('funded');
    const r = markPledgeChargeRefunded(w, 'a', T0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('wish_transition');
  });

  it('is a no-op on a refunded pledge, and refunds a paid pledge of a cancelled wish', () => {
    const paid = value(markPledgePaid(quoted(), 'a', T0)).wish;
    const cancelled = value(cancel(paid, { by: 'maya', at: T0 })).wish;
    const once = value(markPledgeChargeRefunded(cancelled, 'a', T0));
    expect(once.wasPaid).toBe(true);
    const twice = value(markPledgeChargeRefunded(once.wish, 'a', T0));
    expect(twice).toEqual({ wish: once.wish, events: [], wasPaid: false });
    expect(markPledgeChargeRefunded(cancelled, 'nope', T0).ok).toBe(false);
  });

  it('in any order of payments and provider refunds, a refunded pledge never counts and never funds the wish', () => {
    const op = fc.record({ kind: fc.constantFrom('pay', 'refund'), pledge: fc.constantFrom('a', 'b') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), (ops) => {
        let w = quoted();
        const refunded = new Set<string>();
        for (const o of ops) {
          // The webhook treats a payment of a refunded pledge as returned money, never as paid.
          if (o.kind === 'pay' && statusOf(w, o.pledge) === 'refunded') continue;
          const r = o.kind === 'pay' ? markPledgePaid(w, o.pledge, T0) : markPledgeChargeRefunded(w, o.pledge, T0);
          if (!r.ok) continue;
          w = r.value.wish;
          if (o.kind === 'refund') refunded.add(o.pledge);
        }
        const expected = w.pledges.filter((p) => p.status === 'paid').reduce((sum, p) => sum + p.amount, 0);
        expect(paidTotal(w)).toBe(expected);
        for (const id of refunded) expect(statusOf(w, id)).toBe('refunded');
        // Funded only if both pledges were paid before any refund reached them.
        if (refunded.size > 0 && w.status === 'funded') expect(w.pledges.some((p) => p.status === 'paid')).toBe(true);
        if (w.status !== 'funded') expect(paidTotal(w)).toBeLessThan(10_000);
      }),
      { numRuns: 500 },
    );
  });
});
