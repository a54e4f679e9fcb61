// JSON from outside is bounded before anything parses it: a scan of the raw bytes measures
// the nesting depth (never recursing, whatever the input), so a document thousands of levels
// deep is refused with a clear 400 before JSON.parse, a recursive zod schema or JSON.stringify
// (which overflow the stack) ever see it. Every JSON reader of the edge goes through here: the
// Fastify JSON parser of every route and the webhooks that parse bodies themselves.

/** Deeper than any document a provider or a page sends (Discord options nest 3 levels, Stripe objects ~10). */
export const MAX_JSON_DEPTH = 64;

export interface JsonBounds {
  /** Largest nesting of arrays and objects accepted (default MAX_JSON_DEPTH). */
  maxDepth?: number;
  /** Largest body in bytes (default: no bound here; routes bound bodies by their limit). */
  maxBytes?: number;
}

/** Why a body is refused: a stable code and a message for people. */
export interface JsonRefusal {
  code: 'json_too_deep' | 'payload_too_large' | 'invalid_json';
  message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The refusal for a body over the bounds, or null when it is within them (its syntax is JSON.parse's to judge). */
export function jsonBoundsProblem(bytes: Uint8Array, { maxDepth = MAX_JSON_DEPTH, maxBytes }: JsonBounds = {}): JsonRefusal | null {
  if (maxBytes !== undefined && bytes.length > maxBytes) return { code: 'payload_too_large', message: `The request body is larger than ${maxBytes} bytes.` };
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++; // the escaped byte is never a quote that ends the string
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > maxDepth) return { code: 'json_too_deep', message: `The JSON body nests more than ${maxDepth} levels of arrays and objects.` };
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return null;
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; refusal: JsonRefusal };

/** Parses a body once it is known to be within the bounds; malformed JSON is refused, never thrown. */
export function readJson(bytes: Uint8Array | string, bounds: JsonBounds = {}): JsonRead {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const problem = jsonBoundsProblem(buffer, bounds);
  if (problem) return { ok: false, refusal: problem };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('utf8')) };
  } catch {
    return { ok: false, refusal: { code: 'invalid_json', message: 'The request body is not valid JSON.' } };
  }
}
