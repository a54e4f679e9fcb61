import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';

/** Every company API token starts with this, so leaked tokens are recognisable (and scannable). */
export const TOKEN_PREFIX = 'upk_';
/** Bytes of randomness in a token (256 bits). */
export const TOKEN_BYTES = 32;
/** `upk_` + 43 base64url characters (32 bytes, unpadded). */
export const TOKEN_PATTERN = /^upk_[A-Za-z0-9_-]{43}$/;

/**
 * Hashes a token for storage and lookup: SHA-256, lower-case hex. A port, not code here, because
 * the core does no I/O and imports no Node modules, and Web Crypto's digest is asynchronous only;
 * the app passes `(t) => createHash('sha256').update(t).digest('hex')` from `node:crypto`.
 * Must be deterministic: the same token always gives the same hash.
 */
export type TokenHash = (token: string) => string | Promise<string>;

/** Cryptographically secure random bytes (the app passes `node:crypto`'s `randomBytes`). */
export type RandomBytes = (n: number) => Uint8Array;

/**
 * Issues a new company API token (admins only), revoking every earlier one. The token is returned
 * once to show to the admin; only its hash is stored, so a lost token is replaced, not recovered.
 */
export async function issueToken({
  companies,
  actor,
  randomBytes,
  hash,
}: {
  companies: CompanyStore;
  actor: Actor;
  randomBytes: RandomBytes;
  hash: TokenHash;
}): Promise<{ company: Company; token: string }> {
  const company = await requireAdmin({ companies, actor });
  const bytes = randomBytes(TOKEN_BYTES);
  if (!(bytes instanceof Uint8Array) || bytes.length !== TOKEN_BYTES) throw new RangeError(`randomBytes(${TOKEN_BYTES}) returned ${bytes?.length} bytes`);
  const token = `${TOKEN_PREFIX}${base64url(bytes)}`;
  // The first characters are kept so the company page can list the token (create-token.ts).
  await companies.replaceToken(company.id, await hash(token), actor.userRef, token.slice(0, TOKEN_PREFIX.length + 6));
  return { company, token };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 base64url without padding (no Buffer in the core). */
export function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += ALPHABET[b0 >> 2];
    out += ALPHABET[((b0 & 0x03) << 4) | ((b1 ?? 0) >> 4)];
    if (b1 !== undefined) out += ALPHABET[((b1 & 0x0f) << 2) | ((b2 ?? 0) >> 6)];
    if (b2 !== undefined) out += ALPHABET[b2 & 0x3f];
  }
  return out;
}
