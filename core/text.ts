/**
 * Provider text on its way in. PostgreSQL refuses NUL in `text` and `jsonb` and a lone UTF-16
 * surrogate in `jsonb`, so a title or payload holding one would be handled and then fail to be
 * stored. Everything a provider sends is cleaned once at the edge, before it is persisted:
 * NUL is dropped and a lone surrogate becomes U+FFFD (the replacement character).
 */

const NUL = /\u0000/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text without NUL and with each lone surrogate replaced by U+FFFD; unchanged when already clean. */
export function cleanText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Whether `text` holds something `cleanText` would change. */
export function needsCleaning(text: string): boolean {
  NUL.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return NUL.test(text) || LONE_SURROGATE.test(text);
}

/**
 * A JSON-like value with every string (keys included) cleaned, for storing a provider's
 * payload. Walks with an explicit stack, so a deeply nested payload cannot overflow the call
 * stack. Returns a copy; the input is not changed. Objects that are not plain (a Date...) are
 * kept as they are.
 */
export function cleanJson<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  const root: { v: unknown } = { v: value };
  const stack: { holder: Record<string | number, unknown>; key: string | number }[] = [{ holder: root as never, key: 'v' }];
  while (stack.length > 0) {
    const { holder, key } = stack.pop()!;
    const v = holder[key];
    if (typeof v === 'string') {
      put(holder, key, cleanText(v));
    } else if (Array.isArray(v)) {
      const copy = v.slice();
      put(holder, key, copy);
      for (let i = 0; i < copy.length; i++) stack.push({ holder: copy as never, key: i });
    } else if (v !== null && typeof v === 'object' && isPlain(v)) {
      const copy: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) put(copy, cleanText(k), inner);
      put(holder, key, copy);
      for (const k of Object.keys(copy)) stack.push({ holder: copy as never, key: k });
    }
  }
  return root.v as T;
}

/** An own property even for the key `__proto__`, which JSON.parse creates and plain assignment would turn into a prototype. */
function put(holder: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
