import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accounts,
  balances,
  budgetKey,
  checkLedger,
  parseAccountKey,
  transaction,
  type AccountKey,
  type LedgerEntry,
  type LedgerTransaction,
  type TransactionInput,
} from './ledger.ts';
import type { PackageId } from './packages.ts';
import type { Period } from './period.ts';

const pkg = (s: string) => s as PackageId;
const period = (s: string) => s as Period;
const P = period('2026-11');

describe('account keys', () => {
  it.each([
    [accounts.company('c1'), 'company:c1', { kind: 'company', companyId: 'c1' }],
    [accounts.packagePool(pkg('npm:@types/node')), 'package:npm:@types/node', { kind: 'package', package: 'npm:@types/node' }],
    [
      accounts.escrow(pkg('maven:org.slf4j:slf4j-api'), 'c1', P),
      'escrow:maven:org.slf4j:slf4j-api|c1|2026-11',
      { kind: 'escrow', package: 'maven:org.slf4j:slf4j-api', companyId: 'c1', originPeriod: '2026-11' },
    ],
    [accounts.maintainer('Alice-Dev'), 'maintainer:alice-dev', { kind: 'maintainer', login: 'alice-dev' }],
    [accounts.credit('c1'), 'credit:c1', { kind: 'credit', companyId: 'c1' }],
    [accounts.wish('facebook/react#7'), 'wish:facebook/react#7', { kind: 'wish', wishId: 'facebook/react#7' }],
    [accounts.external('stripe'), 'external:stripe', { kind: 'external', name: 'stripe' }],
  ])('%s', (built, expected, parsed) => {
    expect(built).toBe(expected);
    expect(parseAccountKey(built)).toEqual(parsed);
  });

  it.each(['', 'company', 'company:', 'bank:x', 'escrow:npm:a|c1', 'escrow:npm:a|c1|2026-13', 'escrow:npm:a||2026-11', 'escrow:npm:a|c|1|2026-11', 'maintainer:Alice'])(
    'parseAccountKey(%j) is null',
    (key) => {
      expect(parseAccountKey(key)).toBeNull();
    },
  );

  it.each([
    ['empty company', () => accounts.company('')],
    ['separator in escrow company', () => accounts.escrow(pkg('npm:a'), 'c|1', P)],
    ['separator in escrow package', () => accounts.escrow(pkg('npm:a|b'), 'c1', P)],
    ['bad escrow period', () => accounts.escrow(pkg('npm:a'), 'c1', period('2026-1'))],
    ['empty login', () => accounts.maintainer('')],
  ])('builder refuses %s', (_, build) => {
    expect(build).toThrow(RangeError);
  });

  it('escrow keys round-trip for any package, company and period', () => {
    const part = fc.string({ minLength: 1 }).filter((s) => !s.includes('|'));
    const per = fc.tuple(fc.integer({ min: 1970, max: 2999 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => period(`${y}-${String(m).padStart(2, '0')}`));
    fc.assert(
      fc.property(part, part, per, (p, c, o) => {
        expect(parseAccountKey(accounts.escrow(pkg(p), c, o))).toEqual({ kind: 'escrow', package: p, companyId: c, originPeriod: o });
      }),
    );
  });
});

const company = accounts.company('c1');
const pool = accounts.packagePool(pkg('npm:a'));
const valid: TransactionInput = { key: 'k1', kind: 'contribution', period: P, memo: 'm', entries: [{ account: company, amount: -100 }, { account: pool, amount: 100 }] };

describe('transaction', () => {
  it('builds a frozen copy of a balanced transaction', () => {
    const entries: LedgerEntry[] = [...valid.entries];
    const tx = transaction({ ...valid, entries });
    expect(tx).toEqual(valid);
    expect(Object.isFrozen(tx) && Object.isFrozen(tx.entries) && Object.isFrozen(tx.entries[0])).toBe(true);
    entries.push({ account: pool, amount: 1 });
    expect(tx.entries).toHaveLength(2);
  });

  it('omits an absent period', () => {
    const { period: _, ...noPeriod } = valid;
    expect('period' in transaction(noPeriod)).toBe(false);
  });

  it.each<[string, Partial<TransactionInput>]>([
    ['an empty key', { key: '' }],
    ['a blank key', { key: '  ' }],
    ['an unknown kind', { kind: 'gift' as never }],
    ['a malformed period', { period: period('2026-1') }],
    ['a single entry', { entries: [{ account: company, amount: 0 }] }],
    ['no entries', { entries: [] }],
    ['an unbalanced pair', { entries: [{ account: company, amount: -100 }, { account: pool, amount: 99 }] }],
    ['a fractional amount', { entries: [{ account: company, amount: -0.5 }, { account: pool, amount: 0.5 }] }],
    ['an unsafe amount', { entries: [{ account: company, amount: -(2 ** 53) }, { account: pool, amount: 2 ** 53 }] }],
    ['NaN', { entries: [{ account: company, amount: Number.NaN }, { account: pool, amount: Number.NaN }] }],
    ['a zero entry', { entries: [{ account: company, amount: -100 }, { account: pool, amount: 100 }, { account: pool, amount: 0 }] }],
    ['an unknown account', { entries: [{ account: 'bank:x' as AccountKey, amount: -100 }, { account: pool, amount: 100 }] }],
    [
      'a sum beyond safe integers',
      {
        entries: [
          { account: company, amount: -Number.MAX_SAFE_INTEGER },
          { account: company, amount: -Number.MAX_SAFE_INTEGER },
          { account: pool, amount: Number.MAX_SAFE_INTEGER },
          { account: pool, amount: Number.MAX_SAFE_INTEGER },
        ],
      },
    ],
  ])('refuses %s', (_, change) => {
    expect(() => transaction({ ...valid, ...change })).toThrow(RangeError);
  });

  it('accepts any entries that sum to zero and refuses any that do not', () => {
    const account = fc.constantFrom<AccountKey>(company, pool, accounts.maintainer('a'), accounts.external('stripe'));
    const amount = fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((n) => n !== 0);
    fc.assert(
      fc.property(fc.array(fc.record({ account, amount }), { minLength: 1, maxLength: 8 }), account, fc.integer({ min: -3, max: 3 }), (entries, closing, skew) => {
        const sum = entries.reduce((s, e) => s + e.amount, 0);
        const last = -sum + skew;
        const all = last === 0 ? entries : [...entries, { account: closing, amount: last }];
        const balanced = sum + (last === 0 ? 0 : last) === 0 && all.length >= 2;
        if (balanced) expect(transaction({ ...valid, entries: all }).entries).toEqual(all);
        else expect(() => transaction({ ...valid, entries: all })).toThrow(RangeError);
      }),
    );
  });
});

describe('balances', () => {
  it('nets each account over the transactions', () => {
    const alice = accounts.maintainer('alice');
    const txs = [
      transaction(valid),
      transaction({ key: 'k2', kind: 'distribution', period: P, memo: '', entries: [{ account: pool, amount: -100 }, { account: alice, amount: 100 }] }),
      transaction({ key: 'k3', kind: 'payout', memo: '', entries: [{ account: alice, amount: -60 }, { account: accounts.external('stripe'), amount: 60 }] }),
    ];
    expect(balances(txs)).toEqual(
      new Map<AccountKey, number>([
        [company, -100],
        [pool, 0],
        [alice, 40],
        ['external:stripe', 60],
      ]),
    );
  });

  it('of balanced transactions always sum to zero', () => {
    const account = fc.constantFrom<AccountKey>(company, pool, accounts.maintainer('a'), accounts.credit('c1'));
    const tx = fc
      .tuple(fc.array(fc.record({ account, amount: fc.integer({ min: 1, max: 10_000 }) }), { minLength: 1, maxLength: 5 }), account)
      .map(([entries, from]) => transaction({ key: 'k', kind: 'adjustment', memo: '', entries: [...entries, { account: from, amount: -entries.reduce((s, e) => s + e.amount, 0) }] }));
    fc.assert(
      fc.property(fc.array(tx, { maxLength: 10 }), (txs) => {
        expect([...balances(txs).values()].reduce((s, b) => s + b, 0)).toBe(0);
      }),
    );
  });
});

describe('checkLedger', () => {
  const alice = accounts.maintainer('alice');
  const escrow = accounts.escrow(pkg('npm:a'), 'c1', P);
  const tx = (key: string, kind: LedgerTransaction['kind'], entries: [AccountKey, number][], p: Period | undefined = P): LedgerTransaction => ({
    key,
    kind,
    ...(p === undefined ? {} : { period: p }),
    memo: '',
    entries: entries.map(([account, amount]) => ({ account, amount })),
  });
  const sound = [
    tx('c', 'contribution', [
      [company, -100],
      [pool, 100],
    ]),
    tx('d', 'distribution', [
      [pool, -100],
      [alice, 100],
    ]),
  ];
  const budgets = new Map([[budgetKey('c1', P), 100]]);

  it('finds nothing wrong with a sound ledger', () => {
    expect(checkLedger(sound, budgets)).toEqual([]);
  });

  const stripe = accounts.external('stripe');
  it.each<[string, LedgerTransaction[], Record<string, unknown> | Record<string, unknown>[]]>([
    ['an unbalanced transaction', [...sound, tx('u', 'adjustment', [[stripe, -5], [alice, 4]])], { code: 'unbalanced_transaction', key: 'u', sum: -1 }],
    ['a zero entry', [...sound, tx('z', 'adjustment', [[stripe, 0], [alice, 0]])], { code: 'malformed_transaction', key: 'z' }],
    [
      'a one-entry transaction',
      [...sound, tx('o', 'adjustment', [[alice, 5]])],
      [
        { code: 'malformed_transaction', key: 'o' },
        { code: 'unbalanced_transaction', key: 'o', sum: 5 },
      ],
    ],
    ['a fractional amount', [...sound, tx('f', 'adjustment', [[stripe, -0.5], [alice, 0.5]])], { code: 'malformed_transaction', key: 'f' }],
    ['an unknown account', [...sound, tx('x', 'adjustment', [['bank:x' as AccountKey, -1], [alice, 1]])], { code: 'malformed_transaction', key: 'x' }],
    ['a duplicate key', [...sound, tx('c', 'adjustment', [[stripe, -1], [accounts.external('bank'), 1]])], { code: 'duplicate_key', key: 'c', count: 2 }],
    [
      'a company debited over its budget',
      [...sound, tx('c2', 'contribution', [[company, -1], [pool, 1]]), tx('d2', 'distribution', [[pool, -1], [alice, 1]])],
      { code: 'over_budget', companyId: 'c1', period: P, debited: 101, budget: 100 },
    ],
    ['a pool left non-empty', [sound[0]!], { code: 'pool_not_empty', account: pool, period: P, balance: 100 }],
    [
      'an overdrawn maintainer',
      [...sound, tx('p', 'payout', [[alice, -101], [accounts.external('stripe'), 101]], undefined)],
      { code: 'negative_balance', account: alice, balance: -1 },
    ],
    [
      'an overdrawn escrow lot',
      [...sound, tx('r', 'escrow_return', [[escrow, -1], [accounts.credit('c1'), 1]])],
      { code: 'negative_balance', account: escrow, balance: -1 },
    ],
  ])('reports %s', (_, ledger, expected) => {
    const found = checkLedger(ledger, budgets);
    const wanted = Array.isArray(expected) ? expected : [expected];
    expect(found).toHaveLength(wanted.length);
    wanted.forEach((w, i) => {
      expect(found[i]).toMatchObject(w);
      expect(found[i]!.message).toMatch(/\S/);
    });
  });

  it('nets corrections within a period and ignores pairs without a budget', () => {
    const corrected = [
      ...sound,
      tx('c2', 'contribution', [[company, -50], [pool, 50]]),
      tx('d2', 'distribution', [[pool, -50], [alice, 50]]),
      tx('a', 'adjustment', [[stripe, -50], [company, 50]]),
    ];
    expect(checkLedger(corrected, budgets)).toEqual([]);
    expect(checkLedger([...sound, tx('c3', 'contribution', [[company, -1], [pool, 1]], period('2026-12')), tx('d3', 'distribution', [[pool, -1], [alice, 1]], period('2026-12'))], budgets)).toEqual([]);
  });
});
