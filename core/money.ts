import { DomainError, err, ok, type Result } from './errors.ts';

/**
 * An amount of money: an integer number of minor units (cents for EUR, yen for JPY, fils
 * for KWD) in an ISO 4217 currency. Always a safe integer; never a float of major units.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/**
 * The "absurdly large" limit for one amount a user types: 100 million major units
 * (€100,000,000.00). Anything above is a typo, not a budget or a pledge, and keeping
 * amounts far below 2^53 leaves room for sums across companies and periods.
 */
export const MAX_AMOUNT_MAJOR = 100_000_000;

/** The largest amount a user may type, in minor units of `currency` (10_000_000_000 for EUR). */
export function maxAmountMinor(currency: string): number {
  return MAX_AMOUNT_MAJOR * 10 ** minorUnitDigits(currency);
}

let supportedCurrencies: ReadonlySet<string> | undefined;

/** True for an upper-case ISO 4217 code that Intl knows (`EUR`, `JPY`, `KWD`), false for `eur`, `EU`, `XYZ`. */
export function isCurrencyCode(s: string): boolean {
  if (!/^[A-Z]{3}$/.test(s)) return false;
  supportedCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return supportedCurrencies.has(s);
}

const digitsCache = new Map<string, number>();

/** Number of decimals of `currency` per Intl (EUR 2, JPY 0, KWD 3); RangeError for an unknown code. */
export function minorUnitDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    if (!isCurrencyCode(currency)) throw new RangeError(`not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
    digits = currencyFormatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** A Money value; RangeError (a programmer error) for a non-integer or unsafe amount or an unknown currency. */
export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be a safe integer of minor units, got ${amount}`);
  minorUnitDigits(currency); // validates the code
  return { amount: amount === 0 ? 0 : amount, currency }; // no -0
}

/** a + b; RangeError when the currencies differ or the sum is not a safe integer. */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} and ${b.currency}`);
  return money(a.amount + b.amount, a.currency);
}

/** Sum of `items` in `currency` (zero when empty); RangeError when an item is in another currency. */
export function sumMoney(currency: string, items: Iterable<Money>): Money {
  let total = money(0, currency);
  for (const item of items) total = addMoney(total, item);
  return total;
}

/** Plain decimal text of minor units, without symbol or grouping: (200050, 'EUR') → `2000.50`, (2000, 'JPY') → `2000`. */
export function formatMinor(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be a safe integer of minor units, got ${amount}`);
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = String(Math.abs(amount));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Display text with symbol and grouping, locale `en` for stable output: `€2,000.50`, `¥2,000`, `-€5.00`. */
export function formatMoney(m: Money): string {
  // Intl formats a decimal string exactly (no float rounding of huge amounts); the ES2022
  // typings only declare number | bigint.
  return currencyFormatter(m.currency).format(formatMinor(m.amount, m.currency) as unknown as number);
}

const formatters = new Map<string, Intl.NumberFormat>();
function currencyFormatter(currency: string, display: 'symbol' | 'narrowSymbol' = 'symbol'): Intl.NumberFormat {
  const key = `${currency}/${display}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: display });
    formatters.set(key, f);
  }
  return f;
}

function currencySymbols(currency: string): string[] {
  return (['symbol', 'narrowSymbol'] as const).map(
    (display) => currencyFormatter(currency, display).formatToParts(1).find((p) => p.type === 'currency')?.value ?? currency,
  );
}

/** Every symbol Intl (locale `en`) prints for some currency: `$`, `CA$`, `£`, `kr`... built once, on the first refusal. */
let foreignSymbols: ReadonlySet<string> | undefined;
function isSomeCurrencySymbol(mark: string): boolean {
  foreignSymbols ??= new Set(Intl.supportedValuesOf('currency').flatMap(currencySymbols));
  return foreignSymbols.has(mark) || /\p{Sc}/u.test(mark);
}

type Mark = 'none' | 'same' | 'foreign' | 'unknown';
function classifyMark(mark: string, currency: string): Mark {
  if (mark === '') return 'none';
  if (mark.toUpperCase() === currency || currencySymbols(currency).includes(mark)) return 'same';
  if (isCurrencyCode(mark.toUpperCase()) || isSomeCurrencySymbol(mark)) return 'foreign';
  return 'unknown';
}

const SIGNS = '-+\u2212'; // hyphen-minus, plus, U+2212 MINUS SIGN
const GROUPING_ONLY = new Set([' ', "'", '\u2019']); // 2 000 / 2'000 (Swiss)

/**
 * Reads an amount as a user types it in `currency` (the settlement currency), to minor units,
 * with integer string arithmetic only.
 *
 * | input                 | EUR result        | why                                                        |
 * |-----------------------|-------------------|------------------------------------------------------------|
 * | `2000`                | 200000            |                                                            |
 * | `2,000.50`            | 200050            | both `,` and `.`: the last one is the decimal separator    |
 * | `1.500,50`            | 150050            | European: `.` groups, `,` is decimal                       |
 * | `2 000,50`, `2'000.5` | 200050            | spaces and apostrophes only group thousands                |
 * | `1,500`, `1.500`      | 150000            | lone `,`/`.` + exactly 3 digits after 1–3 digits: thousands |
 * | `2000,5`, `2000.505`  | 200050, refused   | any other lone `,`/`.` is the decimal separator            |
 * | `0.500`               | refused           | `0` cannot lead a thousands group, so `.` is decimal: 3 decimals |
 * | `1.500` in KWD        | 1500 (1.500 KWD)  | with 3+ decimals a lone `.` is always decimal (as {@link formatMinor} writes it) |
 * | `2000.5 EUR`, `EUR 2000`, `€2000`, `eur 20` | ok | the currency's own code (any case) or symbol   |
 * | `20 USD`, `$20`       | `wrong_currency`  | another currency's code or symbol                          |
 * | `-20`, `€-20`         | `invalid_amount`  | negative                                                   |
 * | `0`, `0.00`           | `invalid_amount`  | zero, unless `allowZero`                                   |
 * | `2000.505`, `abc`, `1,00,000`, `2..5` | `invalid_amount` | too many decimals, not a number, bad grouping |
 * | `100000000.01`        | `invalid_amount`  | above {@link MAX_AMOUNT_MAJOR} major units                 |
 *
 * Thousands groups must be well-formed (1–3 digits, then groups of exactly 3) and use one
 * separator. Every refusal says what is wrong and shows a valid example.
 */
export function parseAmount(input: string, currency: string, opts: { allowZero?: boolean } = {}): Result<Money> {
  const digits = minorUnitDigits(currency);
  const example = exampleFor(currency, digits);
  const trimmed = input.trim();
  const shown = trimmed.length > 40 ? `${trimmed.slice(0, 39)}…` : trimmed; // messages stay short
  const refuse = (reason: string, message: string, extra: Record<string, unknown> = {}) =>
    err(new DomainError('invalid_amount', message, { input, currency, reason, ...extra }));
  const unreadable = () => refuse('not_a_number', `"${shown}" is not an amount; type a number, e.g. ${example}.`);

  const s = input.replace(/\s+/g, ' ').trim();
  let first = s.search(/\d/);
  if (first < 0) return unreadable();
  let last = first;
  for (let i = first; i < s.length; i++) if (s[i]! >= '0' && s[i]! <= '9') last = i;
  if (first > 0 && (s[first - 1] === '.' || s[first - 1] === ',')) first -= 1; // `.50`

  // What surrounds the number: an optional sign and an optional currency code or symbol.
  let prefix = s.slice(0, first).trim();
  let negative = false;
  if (prefix !== '' && SIGNS.includes(prefix[0]!)) {
    negative = prefix[0] !== '+';
    prefix = prefix.slice(1).trim();
  } else if (prefix !== '' && SIGNS.includes(prefix[prefix.length - 1]!)) {
    negative = prefix[prefix.length - 1] !== '+';
    prefix = prefix.slice(0, -1).trim();
  }
  const suffix = s.slice(last + 1).trim();
  const marks = [prefix, suffix].map((m) => ({ m, kind: classifyMark(m, currency) }));
  const foreign = marks.find((x) => x.kind === 'foreign');
  if (foreign) {
    return err(
      new DomainError('wrong_currency', `Amounts are in ${currency}; ${shown} cannot be used. Type the amount in ${currency}, e.g. ${example}.`, {
        input,
        currency,
        given: foreign.m,
      }),
    );
  }
  if (marks.some((x) => x.kind === 'unknown') || (prefix !== '' && suffix !== '')) return unreadable();

  const number = readNumber(s.slice(first, last + 1), digits);
  if (!number) return unreadable();
  const { whole, fraction } = number;

  if (negative && /[1-9]/.test(whole + fraction)) {
    return refuse('negative', `An amount cannot be negative ("${shown}"); type a positive amount, e.g. ${example}.`);
  }
  if (fraction.length > digits) {
    const message =
      digits === 0
        ? `${currency} amounts have no decimals ("${shown}"); type a whole amount, e.g. ${example}.`
        : `"${shown}" has ${fraction.length} decimals but ${currency} amounts have at most ${digits}; type e.g. ${example}.`;
    return refuse('too_many_decimals', message, { digits });
  }
  const minor = BigInt(whole + fraction.padEnd(digits, '0'));
  const max = maxAmountMinor(currency);
  if (minor > BigInt(max)) {
    const maxText = formatMoney(money(max, currency));
    return refuse('too_large', `"${shown}" is above the maximum of ${maxText}; type a smaller amount, e.g. ${example}.`, { max });
  }
  if (minor === 0n && !opts.allowZero) {
    return refuse('zero', `The amount must be more than zero; type e.g. ${example}.`);
  }
  return ok(money(Number(minor), currency));
}

/** `2000 or 2,000.50 EUR` — the shape of a valid amount in this currency, for error messages. */
function exampleFor(currency: string, digits: number): string {
  return `2000 or 2,000${digits > 0 ? '.5'.padEnd(digits + 1, '0') : ''} ${currency}`;
}

/**
 * Splits `1,234.56`-like text (digits and separators, starting and ending with a digit or a
 * leading decimal separator) into whole and fraction digits; undefined if not well-formed.
 * `digits` is the currency's number of decimals, which settles `1.500` for KWD.
 */
function readNumber(text: string, digits: number): { whole: string; fraction: string } | undefined {
  if (text.startsWith('.') || text.startsWith(',')) text = `0${text}`;
  const groups: string[] = [];
  const seps: string[] = [];
  for (const part of text.split(/([^0-9])/)) {
    if (groups.length === seps.length) {
      if (!/^\d+$/.test(part)) return undefined; // empty (two separators in a row) or a stray char
      groups.push(part);
    } else {
      if (part !== '.' && part !== ',' && !GROUPING_ONLY.has(part)) return undefined;
      seps.push(part);
    }
  }
  const kinds = new Set(seps);
  const lastSep = seps[seps.length - 1];
  let decimal: string | undefined;
  if (kinds.size > 2) return undefined;
  if (lastSep === '.' || lastSep === ',') {
    const once = seps.filter((c) => c === lastSep).length === 1;
    if (kinds.size === 2) {
      if (!once) return undefined; // 1,500.000,5
      decimal = lastSep;
    } else if (once) {
      // The ambiguity rule: a lone separator is a thousands separator only where it could be one.
      const before = groups[0]!;
      const after = groups[1]!;
      const thousands =
        after.length === 3 && before.length <= 3 && !before.startsWith('0') && !(lastSep === '.' && digits >= 3);
      if (!thousands) decimal = lastSep;
    }
  }
  const wholeGroups = decimal === undefined ? groups : groups.slice(0, -1);
  const fraction = decimal === undefined ? '' : groups[groups.length - 1]!;
  // Thousands grouping must look like thousands: 1–3 digits, then groups of exactly 3.
  if (wholeGroups.length > 1 && (wholeGroups[0]!.length > 3 || wholeGroups.slice(1).some((g) => g.length !== 3))) return undefined;
  return { whole: wholeGroups.join(''), fraction };
}
