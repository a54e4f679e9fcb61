import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  formatMinor,
  formatMoney,
  isCurrencyCode,
  MAX_AMOUNT_MAJOR,
  maxAmountMinor,
  minorUnitDigits,
  money,
  parseAmount,
  sumMoney,
  type Money,
} from './money.ts';

describe('currencies', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('%s has %i decimals', (code, digits) => {
    expect(minorUnitDigits(code)).toBe(digits);
  });

  it.each(['EUR', 'JPY', 'KWD', 'CHF'])('%s is a currency code', (code) => expect(isCurrencyCode(code)).toBe(true));
  it.each(['eur', 'EU', 'EURO', 'XYZ', '', '€', 'E1R'])('%j is not a currency code', (code) => expect(isCurrencyCode(code)).toBe(false));

  it('refuses an unknown currency as a programmer error', () => {
    expect(() => minorUnitDigits('XYZ')).toThrow(RangeError);
    expect(() => money(100, 'eur')).toThrow(RangeError);
  });

  it('caps amounts at 100 million major units', () => {
    expect(MAX_AMOUNT_MAJOR).toBe(100_000_000);
    expect(maxAmountMinor('EUR')).toBe(10_000_000_000);
    expect(maxAmountMinor('JPY')).toBe(100_000_000);
    expect(maxAmountMinor('KWD')).toBe(100_000_000_000);
  });
});

describe('parseAmount', () => {
  it.each([
    ['2000', 'EUR', 200000],
    ['2,000.50', 'EUR', 200050],
    ['2000.5 EUR', 'EUR', 200050],
    ['2000.5 eur', 'EUR', 200050],
    ['EUR 2000', 'EUR', 200000],
    ['EUR2000', 'EUR', 200000],
    ['€2000', 'EUR', 200000],
    ['€ 2,000.50', 'EUR', 200050],
    ['2000 €', 'EUR', 200000],
    ['2 000,50', 'EUR', 200050],
    ['2\u00a0000,50\u00a0€', 'EUR', 200050], // as Intl writes it in French
    ['2\u202f000,50', 'EUR', 200050],
    ["2'000.50", 'EUR', 200050],
    ['1.500,50', 'EUR', 150050],
    ['1.234.567,89', 'EUR', 123456789],
    ['1,234,567.89', 'EUR', 123456789],
    ['1,500', 'EUR', 150000],
    ['1.500', 'EUR', 150000],
    ['1.500 EUR', 'EUR', 150000],
    ['1,500,000', 'EUR', 150000000],
    ['1.500.000', 'EUR', 150000000],
    ['2000,5', 'EUR', 200050],
    ['2000.05', 'EUR', 200005],
    ['12,50', 'EUR', 1250],
    ['0.01', 'EUR', 1],
    ['.5', 'EUR', 50],
    ['+20', 'EUR', 2000],
    ['  20  ', 'EUR', 2000],
    ['007', 'EUR', 700],
    ['100000000', 'EUR', 10_000_000_000],
    ['100,000,000.00', 'EUR', 10_000_000_000],
    ['2000', 'JPY', 2000],
    ['¥2,000', 'JPY', 2000],
    ['1.500', 'JPY', 1500],
    ['2,000.500', 'KWD', 2000500],
    ['1.500', 'KWD', 1500], // 3 decimals: a lone "." is decimal
    ['1,500', 'KWD', 1500000],
    ['$20', 'USD', 2000],
    ['$20', 'CAD', 2000],
    ['CA$20', 'CAD', 2000],
  ])('reads %j in %s as %i minor units', (input, currency, amount) => {
    expect(parseAmount(input, currency)).toEqual({ ok: true, value: { amount, currency } });
  });

  it.each([
    ['20 USD', 'EUR', 'wrong_currency', 'Amounts are in EUR; 20 USD cannot be used'],
    ['USD 20', 'EUR', 'wrong_currency', 'Amounts are in EUR; USD 20 cannot be used'],
    ['20 usd', 'EUR', 'wrong_currency', 'e.g. 2000 or 2,000.50 EUR'],
    ['$20', 'EUR', 'wrong_currency', 'Amounts are in EUR; $20 cannot be used'],
    ['£20', 'EUR', 'wrong_currency', 'Amounts are in EUR'],
    ['CA$20', 'EUR', 'wrong_currency', 'Amounts are in EUR'],
    ['20 kr', 'EUR', 'wrong_currency', 'Amounts are in EUR'],
    ['€20', 'USD', 'wrong_currency', 'Amounts are in USD; €20 cannot be used'],
    ['-20', 'EUR', 'invalid_amount', 'cannot be negative'],
    ['−20', 'EUR', 'invalid_amount', 'cannot be negative'],
    ['€-20', 'EUR', 'invalid_amount', 'cannot be negative'],
    ['-€20', 'EUR', 'invalid_amount', 'e.g. 2000 or 2,000.50 EUR'],
    ['0', 'EUR', 'invalid_amount', 'must be more than zero'],
    ['0.00 EUR', 'EUR', 'invalid_amount', 'must be more than zero'],
    ['-0', 'EUR', 'invalid_amount', 'must be more than zero'],
    ['abc', 'EUR', 'invalid_amount', '"abc" is not an amount; type a number, e.g. 2000 or 2,000.50 EUR'],
    ['', 'EUR', 'invalid_amount', 'is not an amount'],
    ['EUR', 'EUR', 'invalid_amount', 'is not an amount'],
    ['20 dollars', 'EUR', 'invalid_amount', 'is not an amount'],
    ['20abc', 'EUR', 'invalid_amount', 'is not an amount'],
    ['1e5', 'EUR', 'invalid_amount', 'is not an amount'],
    ['2..5', 'EUR', 'invalid_amount', 'is not an amount'],
    ['2.000.5', 'EUR', 'invalid_amount', 'is not an amount'],
    ['1,00,000', 'EUR', 'invalid_amount', 'is not an amount'],
    ['1,500.000,5', 'EUR', 'invalid_amount', 'is not an amount'],
    ['20 00', 'EUR', 'invalid_amount', 'is not an amount'],
    ['--20', 'EUR', 'invalid_amount', 'is not an amount'],
    ['€20 EUR', 'EUR', 'invalid_amount', 'is not an amount'],
    ['2000.', 'EUR', 'invalid_amount', 'is not an amount'],
    ['2000.505', 'EUR', 'invalid_amount', 'has 3 decimals but EUR amounts have at most 2; type e.g. 2000 or 2,000.50 EUR'],
    ['1234,567', 'EUR', 'invalid_amount', 'has 3 decimals'],
    ['0.500', 'EUR', 'invalid_amount', 'has 3 decimals'],
    ['20.5', 'JPY', 'invalid_amount', 'JPY amounts have no decimals'],
    ['20.5', 'JPY', 'invalid_amount', 'e.g. 2000 or 2,000 JPY'],
    ['2,000.5000', 'KWD', 'invalid_amount', 'at most 3; type e.g. 2000 or 2,000.500 KWD'],
    ['100000000.01', 'EUR', 'invalid_amount', 'above the maximum of €100,000,000.00'],
    ['99999999999999999999999', 'EUR', 'invalid_amount', 'above the maximum'],
  ])('refuses %j in %s with %s', (input, currency, code, fragment) => {
    const r = parseAmount(input, currency);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.userMessage).toContain(fragment);
    expect(r.error.details).toMatchObject({ input, currency });
  });

  it('tells renderers which rule was broken', () => {
    const reason = (input: string) => {
      const r = parseAmount(input, 'EUR');
      return r.ok ? undefined : r.error.details['reason'];
    };
    expect([reason('x'), reason('-1'), reason('0'), reason('1.234'), reason('1.2345'), reason('1e12')]).toEqual([
      'not_a_number',
      'negative',
      'zero',
      undefined,
      'too_many_decimals',
      'not_a_number',
    ]);
    const tooLarge = parseAmount('200000000', 'EUR');
    expect(!tooLarge.ok && tooLarge.error.details).toMatchObject({ reason: 'too_large', max: 10_000_000_000 });
    const wrong = parseAmount('20 USD', 'EUR');
    expect(!wrong.ok && wrong.error.details).toMatchObject({ given: 'USD', currency: 'EUR' });
  });

  it('accepts zero only when asked', () => {
    expect(parseAmount('0', 'EUR', { allowZero: true })).toEqual({ ok: true, value: { amount: 0, currency: 'EUR' } });
    expect(parseAmount('-0', 'EUR', { allowZero: true })).toEqual({ ok: true, value: { amount: 0, currency: 'EUR' } });
    expect(parseAmount('-1', 'EUR', { allowZero: true }).ok).toBe(false);
  });

  it('refuses every other currency code known to Intl', () => {
    for (const code of Intl.supportedValuesOf('currency')) {
      if (code === 'EUR') continue;
      const r = parseAmount(`20 ${code}`, 'EUR');
      expect(!r.ok && r.error.code, code).toBe('wrong_currency');
    }
  });

  const currencies = ['EUR', 'JPY', 'KWD'] as const;
  const inRange = fc
    .constantFrom(...currencies)
    .chain((currency) => fc.tuple(fc.constant(currency), fc.integer({ min: 1, max: maxAmountMinor(currency) })));

  it('reads back what formatMinor writes, for every amount in range', () => {
    fc.assert(
      fc.property(inRange, ([currency, amount]) => {
        expect(parseAmount(formatMinor(amount, currency), currency)).toEqual({ ok: true, value: { amount, currency } });
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what formatMoney shows', () => {
    fc.assert(
      fc.property(inRange, ([currency, amount]) => {
        expect(parseAmount(formatMoney(money(amount, currency)), currency)).toEqual({ ok: true, value: { amount, currency } });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses one minor unit above the maximum', () => {
    for (const currency of currencies) {
      const max = maxAmountMinor(currency);
      expect(parseAmount(formatMinor(max, currency), currency).ok).toBe(true);
      const r = parseAmount(formatMinor(max + 1, currency), currency);
      expect(!r.ok && r.error.code).toBe('invalid_amount');
    }
  });

  it('never throws, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.,- \'€$EURusd+abc'.split('')), maxLength: 16 }), (input) => {
        const r = parseAmount(input, 'EUR');
        if (r.ok) {
          expect(Number.isSafeInteger(r.value.amount)).toBe(true);
          expect(r.value.amount).toBeGreaterThan(0);
          expect(r.value.amount).toBeLessThanOrEqual(maxAmountMinor('EUR'));
        } else {
          expect(['invalid_amount', 'wrong_currency']).toContain(r.error.code);
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.string(), (input) => void parseAmount(input, 'EUR')));
  });
});

describe('formatting', () => {
  it.each([
    [200050, 'EUR', '€2,000.50', '2000.50'],
    [5, 'EUR', '€0.05', '0.05'],
    [0, 'EUR', '€0.00', '0.00'],
    [-500, 'EUR', '-€5.00', '-5.00'],
    [-5, 'EUR', '-€0.05', '-0.05'],
    [10_000_000_000, 'EUR', '€100,000,000.00', '100000000.00'],
    [Number.MAX_SAFE_INTEGER, 'EUR', '€90,071,992,547,409.91', '90071992547409.91'],
    [2000, 'JPY', '¥2,000', '2000'],
    [2000500, 'KWD', 'KWD\u00a02,000.500', '2000.500'], // Intl puts a no-break space after a code
    [1999, 'USD', '$19.99', '19.99'],
  ])('%i %s is shown as %s and written as %s', (amount, currency, shown, plain) => {
    expect(formatMoney(money(amount, currency))).toBe(shown);
    expect(formatMinor(amount, currency)).toBe(plain);
  });

  it('refuses amounts that are not safe integers', () => {
    expect(() => formatMinor(1.5, 'EUR')).toThrow(RangeError);
  });
});

describe('money arithmetic', () => {
  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('money(%d) is a programmer error', (amount) => {
    expect(() => money(amount, 'EUR')).toThrow(RangeError);
  });

  it('adds and sums in one currency', () => {
    expect(addMoney(money(150, 'EUR'), money(-50, 'EUR'))).toEqual({ amount: 100, currency: 'EUR' });
    expect(sumMoney('EUR', [money(1, 'EUR'), money(2, 'EUR'), money(3, 'EUR')])).toEqual({ amount: 6, currency: 'EUR' });
    expect(sumMoney('JPY', [])).toEqual({ amount: 0, currency: 'JPY' });
  });

  it('refuses to mix currencies', () => {
    expect(() => addMoney(money(1, 'EUR'), money(1, 'USD'))).toThrow(/EUR and USD/);
    expect(() => sumMoney('EUR', [money(1, 'EUR'), money(1, 'USD')])).toThrow(RangeError);
    expect(() => sumMoney('EUR', [money(1, 'USD')])).toThrow(RangeError);
  });

  it('refuses sums beyond safe integers', () => {
    const big: Money = money(Number.MAX_SAFE_INTEGER, 'EUR');
    expect(() => addMoney(big, money(1, 'EUR'))).toThrow(RangeError);
  });

  it('sums exactly, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 })), (amounts) => {
        const items = amounts.map((a) => money(a, 'EUR'));
        const expected = amounts.reduce((a, b) => a + b, 0);
        expect(sumMoney('EUR', items).amount).toBe(expected);
        expect(sumMoney('EUR', [...items].reverse()).amount).toBe(expected);
      }),
    );
  });
});
