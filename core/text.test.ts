import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanJson, cleanText, needsCleaning } from './text.ts';

const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
// Strings of any UTF-16 code units, so NUL and lone surrogates come up often.
const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', 'a', 'é'), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))) });

describe('cleanText', () => {
  it.each([
    ['Dark\u0000 mode', 'Dark mode'],
    ['Dark \uD800mode', 'Dark \uFFFDmode'],
    ['\uDC00x', '\uFFFDx'],
    ['end \uDBFF', 'end \uFFFD'],
    ['emoji \uD83D\uDE00 stays', 'emoji \uD83D\uDE00 stays'],
    ['\uDE00\uD83D', '\uFFFD\uFFFD'], // a low then a high surrogate is not a pair
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(cleanText(input)).toBe(expected);
    expect(needsCleaning(input)).toBe(input !== expected);
  });

  it('leaves no NUL and no lone surrogate, is idempotent, and changes clean text not at all', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const c = cleanText(s);
        expect(c.includes('\u0000')).toBe(false);
        expect(wellFormed(c)).toBe(true);
        expect(cleanText(c)).toBe(c);
        expect(needsCleaning(c)).toBe(false);
        if (!s.includes('\u0000') && wellFormed(s)) expect(c).toBe(s);
        // Every code unit but NUL is kept or replaced one for one.
        expect(c.length).toBe(s.length - [...s].filter((x) => x === '\u0000').length);
      }),
      { numRuns: 2_000 },
    );
  });
});

/** The obvious recursive definition, for comparison. */
const reference = (v: unknown): unknown =>
  typeof v === 'string'
    ? cleanText(v)
    : Array.isArray(v)
      ? v.map(reference)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [cleanText(k), reference(x)]))
        : v;

describe('cleanJson', () => {
  it('cleans every string and key, at any depth, without changing the input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), anyText, (value, bad) => {
        const input = { [bad]: [value, bad, { deep: bad }] };
        const snapshot = JSON.stringify(input);
        const out = cleanJson(input);
        expect(JSON.stringify(input)).toBe(snapshot);
        const text = JSON.stringify(out);
        expect(text).not.toMatch(/\\u0000|\\ud[89ab][0-9a-f](?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f]/i);
        expect(out).toEqual(reference(input));
      }),
      { numRuns: 300 },
    );
  });

  it('walks 100,000 levels of nesting without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    let out = cleanJson(deep) as { a: unknown } | string;
    let depth = 0;
    while (typeof out === 'object') {
      out = (out as { a: { a: unknown } | string }).a as never;
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(out).toBe('x');
  });

  it('keeps numbers, booleans, null and non-plain objects (a Date) as they are', () => {
    const at = new Date('2026-11-02T10:00:00Z');
    expect(cleanJson({ n: 1, b: true, z: null, s: 'a\u0000', l: [0, 'b\uD800'], at })).toEqual({ n: 1, b: true, z: null, s: 'a', l: [0, 'b\uFFFD'], at });
    expect(cleanJson({ at }).at).toBe(at);
  });

  it('keeps a "__proto__" key from a parsed payload as data, never as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "x\\u0000"}, "list": [{"__proto__": 0}]}');
    const out = cleanJson(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'list']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: 'x' });
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"x"},"list":[{"__proto__":0}]}');
  });
});
