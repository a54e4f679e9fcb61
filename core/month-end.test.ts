import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accounts, balances, budgetKey, checkLedger, transaction, type AccountKey, type LedgerTransaction, type TransactionKind } from './ledger.ts';
import { planPeriodClose, receiptLines, summarisePlan, type CloseCompany, type CloseInput, type CloseMaintainer, type EscrowLot } from './month-end.ts';
import type { PackageId } from './packages.ts';
import { addMonths, comparePeriods, type Period } from './period.ts';

const pkg = (s: string) => s as PackageId;
const period = (s: string) => s as Period;
const P = period('2026-11');

type Expected = { key: string; kind: TransactionKind; period: Period; entries: { account: string; amount: number }[] };
const ex = (key: string, kind: TransactionKind, entries: [string, number][]): Expected => ({
  key,
  kind,
  period: P,
  entries: entries.map(([account, amount]) => ({ account, amount })),
});
// Memos are prose for people; the money is in key, kind, period and entries.
const withoutMemo = (txs: LedgerTransaction[]) => txs.map(({ key, kind, period, entries }) => ({ key, kind, period, entries }));

const allocation = (...pairs: [string, number][]) => pairs.map(([p, points]) => ({ package: pkg(p), points }));
const team = (...pairs: [string, number][]): CloseMaintainer[] => pairs.map(([login, share]) => ({ login, share }));
const lot = (p: string, companyId: string, origin: string, amount: number): EscrowLot => ({ package: pkg(p), companyId, originPeriod: period(origin), amount });

/** 3 companies, 4 packages (cargo:serde without maintainer), lots returned (7 and exactly 6 months old), kept, released and empty. */
const threeCompanies: CloseInput = {
  period: P,
  // Listed out of order: the plan sorts.
  companies: [
    { companyId: 'initech', budget: 999, allocation: allocation(['npm:lodash', 34], ['cargo:serde', 33], ['npm:react', 33]) },
    { companyId: 'acme', budget: 10_000, allocation: allocation(['npm:react', 34], ['npm:lodash', 33], ['pypi:requests', 33]) },
    { companyId: 'globex', budget: 5001, allocation: allocation(['npm:react', 34], ['cargo:serde', 33], ['pypi:requests', 33]) },
  ],
  maintainers: new Map([
    [pkg('npm:react'), team(['Alice', 60], ['bob', 40])],
    [pkg('npm:lodash'), team(['carol', 100])],
    [pkg('pypi:requests'), team(['erin', 50], ['dave', 50])],
    [pkg('cargo:serde'), []],
  ]),
  escrowLots: [
    lot('cargo:serde', 'acme', '2026-04', 1200),
    lot('pypi:requests', 'globex', '2026-08', 500),
    lot('cargo:serde', 'initech', '2026-09', 300),
    lot('cargo:serde', 'globex', '2026-06', 40),
    lot('cargo:serde', 'globex', '2026-05', 70),
    lot('npm:lodash', 'acme', '2026-01', 0),
  ],
};

/** The example in planPeriodClose's JSDoc. */
const jsdocExample: CloseInput = {
  period: P,
  companies: [
    { companyId: 'acme', budget: 1000, allocation: allocation(['npm:a', 34], ['npm:b', 33], ['npm:c', 33]) },
    { companyId: 'beta', budget: 500, allocation: allocation(['npm:a', 34], ['npm:b', 33], ['npm:d', 33]) },
  ],
  maintainers: new Map([
    [pkg('npm:a'), team(['alice', 60], ['bob', 40])],
    [pkg('npm:b'), team(['carol', 100])],
    [pkg('npm:c'), team(['dave', 100])],
  ]),
  escrowLots: [lot('npm:c', 'beta', '2026-09', 50), lot('npm:d', 'acme', '2026-04', 200)],
};

describe('planPeriodClose worked examples', () => {
  it.each<[string, CloseInput, Expected[]]>([
    [
      'three companies, four packages',
      threeCompanies,
      [
        // acme 10000 → 33/34/33 %; globex 5001 → 1650.33/1700.34/1650.33, the left-over unit to npm:react;
        // initech 999 → 329.67/339.66/329.67, two left-over units to serde and react.
        ex('close:2026-11:contribution:acme', 'contribution', [['company:acme', -10_000], ['package:npm:lodash', 3300], ['package:npm:react', 3400], ['package:pypi:requests', 3300]]),
        ex('close:2026-11:contribution:globex', 'contribution', [['company:globex', -5001], ['package:cargo:serde', 1650], ['package:npm:react', 1701], ['package:pypi:requests', 1650]]),
        ex('close:2026-11:contribution:initech', 'contribution', [['company:initech', -999], ['package:cargo:serde', 330], ['package:npm:lodash', 339], ['package:npm:react', 330]]),
        ex('close:2026-11:escrow-hold:cargo:serde', 'escrow_hold', [['package:cargo:serde', -1980], ['escrow:cargo:serde|globex|2026-11', 1650], ['escrow:cargo:serde|initech|2026-11', 330]]),
        ex('close:2026-11:distribution:npm:lodash', 'distribution', [['package:npm:lodash', -3639], ['maintainer:carol', 3639]]),
        // 5431 × 60 % = 3258.6, × 40 % = 2172.4 → the unit to alice.
        ex('close:2026-11:distribution:npm:react', 'distribution', [['package:npm:react', -5431], ['maintainer:alice', 3259], ['maintainer:bob', 2172]]),
        ex('close:2026-11:distribution:pypi:requests', 'distribution', [['package:pypi:requests', -4950], ['maintainer:dave', 2475], ['maintainer:erin', 2475]]),
        ex('close:2026-11:escrow-release:pypi:requests', 'escrow_release', [['escrow:pypi:requests|globex|2026-08', -500], ['maintainer:dave', 250], ['maintainer:erin', 250]]),
        // 2026-04 is 7 months old, 2026-05 exactly 6: both returned; 2026-06 and 2026-09 stay.
        ex('close:2026-11:escrow-return:cargo:serde|acme|2026-04', 'escrow_return', [['escrow:cargo:serde|acme|2026-04', -1200], ['credit:acme', 1200]]),
        ex('close:2026-11:escrow-return:cargo:serde|globex|2026-05', 'escrow_return', [['escrow:cargo:serde|globex|2026-05', -70], ['credit:globex', 70]]),
      ],
    ],
    [
      'the JSDoc example',
      jsdocExample,
      [
        ex('close:2026-11:contribution:acme', 'contribution', [['company:acme', -1000], ['package:npm:a', 340], ['package:npm:b', 330], ['package:npm:c', 330]]),
        ex('close:2026-11:contribution:beta', 'contribution', [['company:beta', -500], ['package:npm:a', 170], ['package:npm:b', 165], ['package:npm:d', 165]]),
        ex('close:2026-11:distribution:npm:a', 'distribution', [['package:npm:a', -510], ['maintainer:alice', 306], ['maintainer:bob', 204]]),
        ex('close:2026-11:distribution:npm:b', 'distribution', [['package:npm:b', -495], ['maintainer:carol', 495]]),
        ex('close:2026-11:distribution:npm:c', 'distribution', [['package:npm:c', -330], ['maintainer:dave', 330]]),
        ex('close:2026-11:escrow-hold:npm:d', 'escrow_hold', [['package:npm:d', -165], ['escrow:npm:d|beta|2026-11', 165]]),
        ex('close:2026-11:escrow-release:npm:c', 'escrow_release', [['escrow:npm:c|beta|2026-09', -50], ['maintainer:dave', 50]]),
        ex('close:2026-11:escrow-return:npm:d|acme|2026-04', 'escrow_return', [['escrow:npm:d|acme|2026-04', -200], ['credit:acme', 200]]),
      ],
    ],
    [
      'a one-unit budget and a lot of a package nobody funds this month',
      {
        period: P,
        companies: [{ companyId: 'tiny', budget: 1, allocation: allocation(['npm:a', 34], ['npm:b', 33], ['npm:c', 33]) }],
        maintainers: new Map([[pkg('npm:a'), team(['alice', 50], ['bob', 50])], [pkg('npm:z'), team(['zoe', 100])]]),
        escrowLots: [lot('npm:z', 'tiny', '2025-01', 7), lot('npm:z', 'tiny', '2025-01', 3)],
      },
      [
        // The unit goes to the largest remainder (34 %); zero shares are not written.
        ex('close:2026-11:contribution:tiny', 'contribution', [['company:tiny', -1], ['package:npm:a', 1]]),
        // A 50/50 tie: FNV-1a('2026-11:npm:a') = 2098223090, even, so the rotation starts at alice.
        ex('close:2026-11:distribution:npm:a', 'distribution', [['package:npm:a', -1], ['maintainer:alice', 1]]),
        // Two records of the same lot are one lot.
        ex('close:2026-11:escrow-release:npm:z', 'escrow_release', [['escrow:npm:z|tiny|2025-01', -10], ['maintainer:zoe', 10]]),
      ],
    ],
    ['nothing to close', { period: P, companies: [], maintainers: new Map(), escrowLots: [] }, []],
  ])('%s', (_, input, expected) => {
    expect(withoutMemo(planPeriodClose(input))).toEqual(expected);
  });

  it('summarises a close', () => {
    const s = summarisePlan(planPeriodClose(threeCompanies));
    expect(s).toEqual({
      total: 16_000,
      companies: new Map([['acme', 10_000], ['globex', 5001], ['initech', 999]]),
      packages: new Map([['cargo:serde', 1980], ['npm:lodash', 3639], ['npm:react', 5431], ['pypi:requests', 4950]]),
      maintainers: new Map([['alice', 3259], ['bob', 2172], ['carol', 3639], ['dave', 2725], ['erin', 2725]]),
      escrow: { held: 1980, released: 500, returned: 1270 },
    });
  });

  it.each([
    // initech paid 330 to npm:react, whose 5431 went alice 3259, bob 2172: 198.02 and 131.98 → the unit to bob.
    [
      'initech',
      [
        { package: 'cargo:serde', amount: 330, maintainers: [], escrow: 330 },
        { package: 'npm:lodash', amount: 339, maintainers: [{ login: 'carol', amount: 339 }], escrow: 0 },
        { package: 'npm:react', amount: 330, maintainers: [{ login: 'alice', amount: 198 }, { login: 'bob', amount: 132 }], escrow: 0 },
      ],
    ],
    [
      'acme',
      [
        { package: 'npm:lodash', amount: 3300, maintainers: [{ login: 'carol', amount: 3300 }], escrow: 0 },
        { package: 'npm:react', amount: 3400, maintainers: [{ login: 'alice', amount: 2040 }, { login: 'bob', amount: 1360 }], escrow: 0 },
        { package: 'pypi:requests', amount: 3300, maintainers: [{ login: 'dave', amount: 1650 }, { login: 'erin', amount: 1650 }], escrow: 0 },
      ],
    ],
    [
      'globex',
      [
        { package: 'cargo:serde', amount: 1650, maintainers: [], escrow: 1650 },
        { package: 'npm:react', amount: 1701, maintainers: [{ login: 'alice', amount: 1021 }, { login: 'bob', amount: 680 }], escrow: 0 },
        { package: 'pypi:requests', amount: 1650, maintainers: [{ login: 'dave', amount: 825 }, { login: 'erin', amount: 825 }], escrow: 0 },
      ],
    ],
    ['hooli', []],
  ])('receipt of %s', (companyId, expected) => {
    expect(receiptLines(planPeriodClose(threeCompanies), companyId)).toEqual(expected);
  });

  it('refuses receipts over an incomplete close or several periods', () => {
    const txs = planPeriodClose(jsdocExample);
    expect(() => receiptLines(txs.filter((t) => t.kind !== 'distribution'), 'acme')).toThrow(RangeError);
    const next = planPeriodClose({ ...jsdocExample, period: addMonths(P, 1), escrowLots: [] });
    expect(() => receiptLines([...txs, ...next], 'acme')).toThrow(RangeError);
  });

  const base = jsdocExample.companies[0]!;
  it.each<[string, Partial<CloseInput>]>([
    ['a zero budget', { companies: [{ ...base, budget: 0 }] }],
    ['a fractional budget', { companies: [{ ...base, budget: 10.5 }] }],
    ['points not summing to 100', { companies: [{ ...base, allocation: allocation(['npm:a', 34], ['npm:b', 33], ['npm:c', 32]) }] }],
    ['negative points', { companies: [{ ...base, allocation: allocation(['npm:a', 134], ['npm:b', -34]) }] }],
    ['a package allocated twice', { companies: [{ ...base, allocation: allocation(['npm:a', 34], ['npm:a', 33], ['npm:c', 33]) }] }],
    ['a company listed twice', { companies: [base, base] }],
    ['maintainer shares not summing to 100', { maintainers: new Map([[pkg('npm:a'), team(['alice', 60], ['bob', 30])]]) }],
    ['a maintainer listed twice', { maintainers: new Map([[pkg('npm:a'), team(['alice', 60], ['Alice', 40])]]) }],
    ['a lot of this period', { escrowLots: [lot('npm:d', 'acme', '2026-11', 5)] }],
    ['a fractional lot', { escrowLots: [lot('npm:d', 'acme', '2026-01', 0.5)] }],
  ])('refuses %s', (_, change) => {
    expect(() => planPeriodClose({ ...jsdocExample, ...change })).toThrow(RangeError);
  });
});

// --- properties -------------------------------------------------------------------------------

const PACKAGES = ['npm:a', 'npm:b', 'npm:c', 'pypi:d', 'cargo:e', 'maven:org.x:f'].map(pkg);
const COMPANIES = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
const LOGINS = ['alice', 'bob', 'carol', 'dave'];

/** n positive integers summing to 100. */
const percentages = (n: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const bounds = [0, ...cuts.sort((a, b) => a - b), 100];
    return bounds.slice(1).map((b, i) => b - bounds[i]!);
  });

const arbPeriod = fc.integer({ min: 2020 * 12, max: 2040 * 12 }).map((i) => period(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`));

const arbCompany: fc.Arbitrary<CloseCompany> = fc.record({
  companyId: fc.constantFrom(...COMPANIES),
  budget: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10_000_000 })),
  allocation: fc
    .shuffledSubarray(PACKAGES, { minLength: 3, maxLength: 5 })
    .chain((pkgs) => percentages(pkgs.length).map((points) => pkgs.map((p, i) => ({ package: p, points: points[i]! })))),
});

const arbTeam: fc.Arbitrary<CloseMaintainer[]> = fc
  .shuffledSubarray(LOGINS, { minLength: 1, maxLength: 3 })
  .chain((logins) => percentages(logins.length).map((shares) => logins.map((login, i) => ({ login, share: shares[i]! }))));

const arbInput: fc.Arbitrary<CloseInput> = arbPeriod.chain((p) =>
  fc.record({
    period: fc.constant(p),
    companies: fc.uniqueArray(arbCompany, { selector: (c) => c.companyId, maxLength: COMPANIES.length }),
    maintainers: fc.tuple(...PACKAGES.map(() => fc.option(arbTeam, { nil: undefined }))).map((teams) => {
      const m = new Map<PackageId, CloseMaintainer[]>();
      teams.forEach((t, i) => t !== undefined && m.set(PACKAGES[i]!, t));
      return m;
    }),
    escrowLots: fc.array(
      fc.record({
        package: fc.constantFrom(...PACKAGES),
        companyId: fc.constantFrom(...COMPANIES),
        originPeriod: fc.integer({ min: 1, max: 12 }).map((k) => addMonths(p, -k)),
        amount: fc.integer({ min: -5, max: 100_000 }),
      }),
      { maxLength: 8 },
    ),
  }),
);

/** The ledger before the close: the given escrow lots, funded from outside. */
function priorLedger(input: CloseInput): LedgerTransaction[] {
  const positive = input.escrowLots.filter((l) => l.amount > 0);
  if (positive.length === 0) return [];
  const entries = positive.map((l) => ({ account: accounts.escrow(l.package, l.companyId, l.originPeriod), amount: l.amount }));
  return [transaction({ key: 'prior', kind: 'adjustment', memo: 'escrow before the close', entries: [...entries, { account: accounts.external('prior'), amount: -entries.reduce((s, e) => s + e.amount, 0) }] })];
}

const hasMaintainers = (input: CloseInput, p: PackageId) => (input.maintainers.get(p) ?? []).length > 0;

describe('planPeriodClose properties', () => {
  it('writes balanced, well-formed transactions with unique keys, and the ledger stays sound', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const txs = planPeriodClose(input);
        for (const tx of txs) {
          expect(tx.entries.reduce((s, e) => s + e.amount, 0)).toBe(0);
          expect(tx.period).toBe(input.period);
        }
        expect(new Set(txs.map((t) => t.key)).size).toBe(txs.length);
        const budgets = new Map(input.companies.map((c) => [budgetKey(c.companyId, input.period), c.budget]));
        expect(checkLedger([...priorLedger(input), ...txs], budgets)).toEqual([]);
      }),
    );
  });

  it('debits each company exactly its budget and empties every package pool', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const txs = planPeriodClose(input);
        const bal = balances(txs);
        for (const c of input.companies) expect(bal.get(accounts.company(c.companyId))).toBe(-c.budget);
        expect(summarisePlan(txs).companies).toEqual(new Map([...input.companies].sort((a, b) => (a.companyId < b.companyId ? -1 : 1)).map((c) => [c.companyId, c.budget])));
        for (const [account, balance] of bal) if (account.startsWith('package:')) expect(balance).toBe(0);
      }),
    );
  });

  it('conserves money: maintainers + escrow held = budgets + released lots; old unclaimed lots return', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const txs = planPeriodClose(input);
        const s = summarisePlan(txs);
        const budgets = input.companies.reduce((sum, c) => sum + c.budget, 0);
        const lots = input.escrowLots.filter((l) => l.amount > 0);
        const released = lots.filter((l) => hasMaintainers(input, l.package)).reduce((sum, l) => sum + l.amount, 0);
        const cutoff = addMonths(input.period, -6);
        const returned = lots.filter((l) => !hasMaintainers(input, l.package) && comparePeriods(l.originPeriod, cutoff) <= 0).reduce((sum, l) => sum + l.amount, 0);
        const toMaintainers = [...s.maintainers.values()].reduce((sum, v) => sum + v, 0);
        expect(s.total).toBe(budgets);
        expect(s.escrow.released).toBe(released);
        expect(s.escrow.returned).toBe(returned);
        expect(toMaintainers + s.escrow.held).toBe(budgets + released);
        // Money for a package without maintainers is held; a package with maintainers holds nothing.
        const held = input.companies.flatMap((c) => {
          const contribution = txs.find((t) => t.key === `close:${input.period}:contribution:${c.companyId}`)!;
          return contribution.entries.filter((e) => e.amount > 0 && !hasMaintainers(input, e.account.slice('package:'.length) as PackageId));
        });
        expect(s.escrow.held).toBe(held.reduce((sum, e) => sum + e.amount, 0));
        // Credit goes only to the company whose lot it was.
        const bal = balances([...priorLedger(input), ...txs]);
        for (const c of COMPANIES) {
          const own = lots.filter((l) => l.companyId === c && !hasMaintainers(input, l.package) && comparePeriods(l.originPeriod, cutoff) <= 0);
          expect(bal.get(accounts.credit(c)) ?? 0).toBe(own.reduce((sum, l) => sum + l.amount, 0));
        }
      }),
    );
  });

  it('is deterministic and independent of the order of its lists', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const reordered: CloseInput = {
          period: input.period,
          companies: [...input.companies].reverse().map((c) => ({ ...c, allocation: [...c.allocation].reverse() })),
          maintainers: new Map([...input.maintainers].reverse().map(([p, t]) => [p, [...t].reverse()])),
          escrowLots: [...input.escrowLots].reverse(),
        };
        const once = planPeriodClose(input);
        expect(planPeriodClose(input)).toStrictEqual(once);
        expect(planPeriodClose(reordered)).toStrictEqual(once);
      }),
    );
  });

  it("gives each company receipt lines that sum to its budget and to each line's parts", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const txs = planPeriodClose(input);
        for (const c of input.companies) {
          const lines = receiptLines(txs, c.companyId);
          expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(c.budget);
          for (const l of lines) {
            expect(l.maintainers.reduce((sum, m) => sum + m.amount, 0) + l.escrow).toBe(l.amount);
            expect(l.escrow === 0 || l.maintainers.length === 0).toBe(true);
            expect(l.escrow > 0).toBe(!hasMaintainers(input, l.package));
          }
        }
      }),
    );
  });

  it("apportions every package's maintainer payments across its companies' receipts within rounding", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const txs = planPeriodClose(input);
        const byLogin = new Map<string, number>();
        let lines = 0;
        for (const c of input.companies) {
          for (const l of receiptLines(txs, c.companyId)) {
            lines += 1;
            for (const m of l.maintainers) byLogin.set(m.login, (byLogin.get(m.login) ?? 0) + m.amount);
          }
        }
        // Each receipt line rounds each maintainer by less than one unit.
        const distributed = new Map<string, number>();
        for (const tx of txs.filter((t) => t.kind === 'distribution')) {
          for (const e of tx.entries) if (e.account.startsWith('maintainer:')) distributed.set(e.account.slice('maintainer:'.length), (distributed.get(e.account.slice('maintainer:'.length)) ?? 0) + e.amount);
        }
        for (const [login, amount] of distributed) expect(Math.abs((byLogin.get(login) ?? 0) - amount)).toBeLessThanOrEqual(lines);
      }),
    );
  });
});

describe('planPeriodClose at scale', () => {
  it('closes 20,000 companies × 5 packages with balanced books', () => {
    // A small linear congruential generator: a reproducible, varied input.
    let seed = 42;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % n;
    };
    const packageCount = 2000;
    const packages = Array.from({ length: packageCount }, (_, i) => pkg(`npm:pkg-${i}`));
    const maintainers = new Map<PackageId, CloseMaintainer[]>();
    packages.forEach((p, i) => {
      if (i % 2 === 0) maintainers.set(p, team([`m${i}-a`, 70], [`m${i}-b`, 30]));
    });
    const companies: CloseCompany[] = [];
    for (let c = 0; c < 20_000; c++) {
      const chosen = new Set<number>();
      while (chosen.size < 5) chosen.add(next(packageCount));
      const points = [20, 20, 20, 20, 20];
      companies.push({ companyId: `company-${c}`, budget: 1 + next(1_000_000), allocation: [...chosen].map((i, j) => ({ package: packages[i]!, points: points[j]! })) });
    }
    const escrowLots = Array.from({ length: 5000 }, (_, i) => lot(`npm:pkg-${next(packageCount)}`, `company-${i}`, addMonths(P, -1 - next(12)), 1 + next(10_000)));
    const input: CloseInput = { period: P, companies, maintainers, escrowLots };

    const txs = planPeriodClose(input);
    const budgets = new Map(companies.map((c) => [budgetKey(c.companyId, P), c.budget]));
    expect(checkLedger([...priorLedger(input), ...txs], budgets)).toEqual([]);

    const bal = balances(txs);
    const budgetTotal = companies.reduce((s, c) => s + c.budget, 0);
    let companyTotal = 0;
    for (const [account, balance] of bal) {
      if (account.startsWith('package:')) expect(balance).toBe(0);
      if (account.startsWith('company:')) companyTotal += balance;
    }
    expect(companyTotal).toBe(-budgetTotal);
    const s = summarisePlan(txs);
    const released = escrowLots.filter((l) => hasMaintainers(input, l.package)).reduce((sum, l) => sum + l.amount, 0);
    expect([...s.maintainers.values()].reduce((a, b) => a + b, 0) + s.escrow.held).toBe(budgetTotal + released);
    const first = companies[0]!;
    expect(receiptLines(txs, first.companyId).reduce((sum, l) => sum + l.amount, 0)).toBe(first.budget);
    expect(bal.get(accounts.company(first.companyId) as AccountKey)).toBe(-first.budget);
  });
});
