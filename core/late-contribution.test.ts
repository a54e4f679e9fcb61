// The late contribution of a month funded after its close (issue 11): the close's planner on
// one company, rekeyed; and the billing rules (7-day window, reasons, direct notices).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetFailureNotices, directTarget, lateRetryDeadline, withinLateRetry } from './billing.ts';
import { balances } from './ledger.ts';
import { isLateKey, planLateContribution, planPeriodClose, receiptLines, type CloseMaintainer } from './month-end.ts';
import type { PackageId } from './packages.ts';
import type { Period } from './period.ts';

const P = '2026-11' as Period;
const pkg = (s: string) => s as PackageId;

/** Integer weights summing to 100 (at least one part). */
const percentages = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: min - 1, maxLength: max - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 100];
    return points.slice(1).map((p, i) => p - points[i]!);
  });

const scenario = fc
  .record({
    budget: fc.integer({ min: 1, max: 50_000_000 }),
    points: percentages(3, 6),
    shares: fc.array(fc.option(percentages(1, 4), { nil: null }), { minLength: 6, maxLength: 6 }),
  })
  .map(({ budget, points, shares }) => {
    const allocation = points.map((p, i) => ({ package: pkg(`npm:p${i}`), points: p })).filter((a) => a.points > 0);
    const maintainers = new Map<PackageId, CloseMaintainer[]>();
    shares.forEach((s, i) => {
      if (s) maintainers.set(pkg(`npm:p${i}`), s.map((share, j) => ({ login: `m${i}-${j}`, share })).filter((m) => m.share > 0));
    });
    return { period: P, company: { companyId: 'acme', budget, allocation }, maintainers };
  })
  .filter((s) => s.company.allocation.length > 0);

describe('planLateContribution', () => {
  it('moves exactly the budget, balanced, by the frozen allocation and shares, under late keys only', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const txs = planLateContribution(input);
        for (const tx of txs) {
          expect(isLateKey(tx.key, P, 'acme')).toBe(true);
          expect(tx.period).toBe(P);
        }
        expect(new Set(txs.map((t) => t.key)).size).toBe(txs.length);
        const b = balances(txs);
        expect(b.get('company:acme')).toBe(-input.company.budget);
        // Every pool is emptied; what maintainers and escrow received sums to the budget.
        let received = 0;
        for (const [account, amount] of b) {
          if (account.startsWith('package:')) expect(amount).toBe(0);
          if (account.startsWith('maintainer:') || account.startsWith('escrow:')) received += amount;
        }
        expect(received).toBe(input.company.budget);
        // Exactly what the close would have moved for this company alone (same splits), rekeyed.
        const close = planPeriodClose({ period: P, companies: [input.company], maintainers: input.maintainers, escrowLots: [] });
        expect(txs.map((t) => t.entries)).toEqual(close.map((t) => t.entries));
        // Its receipt lines sum to the budget.
        expect(receiptLines(txs, 'acme').reduce((s, l) => s + l.amount, 0)).toBe(input.company.budget);
      }),
      { numRuns: 300 },
    );
  });

  it('worked example: acme 1000 → react 340 (alice 204, bob 136), requests 330, nomaint 330 in escrow', () => {
    const txs = planLateContribution({
      period: P,
      company: { companyId: 'acme', budget: 1000, allocation: [{ package: pkg('npm:react'), points: 34 }, { package: pkg('pypi:requests'), points: 33 }, { package: pkg('npm:nomaint'), points: 33 }] },
      maintainers: new Map([
        [pkg('npm:react'), [{ login: 'alice', share: 60 }, { login: 'bob', share: 40 }]],
        [pkg('pypi:requests'), [{ login: 'carol', share: 100 }]],
      ]),
    });
    expect(txs.map((t) => [t.key, t.kind])).toEqual([
      ['close:2026-11:late:acme:contribution', 'contribution'],
      ['close:2026-11:late:acme:escrow-hold:npm:nomaint', 'escrow_hold'],
      ['close:2026-11:late:acme:distribution:npm:react', 'distribution'],
      ['close:2026-11:late:acme:distribution:pypi:requests', 'distribution'],
    ]);
    const b = balances(txs);
    expect([b.get('maintainer:alice'), b.get('maintainer:bob'), b.get('maintainer:carol'), b.get('escrow:npm:nomaint|acme|2026-11')]).toEqual([204, 136, 330, 330]);
    expect(isLateKey('close:2026-11:late:beta:contribution', P, 'acme')).toBe(false);
    expect(isLateKey('close:2026-11:contribution:acme', P)).toBe(false);
  });
});

describe('billing rules', () => {
  const failedAt = new Date('2026-12-01T00:00:00Z');
  it.each([
    ['2026-12-01T00:00:00Z', true],
    ['2026-12-07T23:59:59Z', true],
    ['2026-12-08T00:00:00Z', true],
    ['2026-12-08T00:00:01Z', false],
    ['2026-11-30T23:59:59Z', false],
  ])('a card saved at %s retries: %s', (savedAt, expected) => {
    expect(withinLateRetry(failedAt, new Date(savedAt))).toBe(expected);
    expect(lateRetryDeadline(failedAt).toISOString()).toBe('2026-12-08T00:00:00.000Z');
  });

  it.each([
    ['slack:T0123', 'slack:U0456', 'direct:slack:T0123/U0456'],
    ['slack:E01:T0123', 'slack:U0456', 'direct:slack:T0123/U0456'],
    ['slack:T0123', 'discord:42', null],
    ['', 'slack:U1', null],
  ])('directTarget(%s, %s) = %s', (workspace, user, expected) => {
    expect(directTarget(workspace, user)).toBe(expected);
  });

  it('tells the channels once and each admin directly, with the billing hint and no platform syntax', () => {
    const notices = budgetFailureNotices(
      { company: { id: 'c-1', name: 'Acme', workspace: 'slack:T1' }, period: P, amount: 100_000, currency: 'EUR', reason: 'no card saved', attempt: 'charge', failedAt, paymentId: 'pay-1' },
      ['slack:UA', 'slack:UB'],
    );
    expect(notices.map((n) => [n.key, n.target])).toEqual([
      ['budget:c-1:2026-11:charge_failed', 'company:c-1'],
      ['budget:c-1:2026-11:charge_failed:admin:slack:UA', 'direct:slack:T1/UA'],
      ['budget:c-1:2026-11:charge_failed:admin:slack:UB', 'direct:slack:T1/UB'],
    ]);
    expect(notices[1]!.text).toBe(
      'Your Upkeep budget of €1,000.00 for 2026-11 could not be charged: no card saved. Your allocation is not funded for 2026-11; nothing was paid to maintainers on your behalf. An admin can save a card with the billing command; a card saved by 2026-12-08 charges 2026-11 again and distributes it to its maintainers.',
    );
    expect(notices[1]!.data.hint).toEqual({ surface: 'company', command: 'billing' });
    for (const n of notices) expect(n.text).not.toMatch(/\/upkeep|`/);
  });
});
