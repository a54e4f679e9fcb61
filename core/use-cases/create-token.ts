import { DomainError } from '../errors.ts';
import type { Actor, ApiTokenInfo, CompanyStore } from '../ports/companies.ts';
import { base64url, TOKEN_BYTES, TOKEN_PREFIX, type RandomBytes, type TokenHash } from './issue-token.ts';
import { requireAdmin } from './require-company.ts';

/** Characters of a token kept to tell it apart in lists: `upk_` and the next six. */
export const TOKEN_SHOWN_CHARS = TOKEN_PREFIX.length + 6;
/** The longest name a token may have. */
export const TOKEN_NAME_MAX = 60;
/** A company keeps at most this many active tokens (revoke one to make another). */
export const MAX_ACTIVE_TOKENS = 20;

/** The first characters of a token that lists show (never enough to use it). */
export const tokenPrefixOf = (token: string): string => token.slice(0, TOKEN_SHOWN_CHARS);

/**
 * Adds a named company API token beside the others (admins only; nothing is revoked, unlike
 * chat's `token`). The token is returned once to show; only its hash and first characters are kept.
 */
export async function createToken({
  companies,
  actor,
  name,
  randomBytes,
  hash,
}: {
  companies: CompanyStore;
  actor: Actor;
  name: string | null | undefined;
  randomBytes: RandomBytes;
  hash: TokenHash;
}): Promise<{ token: string; info: ApiTokenInfo }> {
  const company = await requireAdmin({ companies, actor });
  const label = (name ?? '').replace(/\s+/g, ' ').trim();
  if (label.length > TOKEN_NAME_MAX) {
    throw new DomainError('invalid_input', `A token name has at most ${TOKEN_NAME_MAX} characters; this one has ${label.length}.`, { length: label.length, max: TOKEN_NAME_MAX });
  }
  if (/\p{C}/u.test(label)) throw new DomainError('invalid_input', 'A token name cannot contain control characters.', {});
  const active = await companies.listTokens(company.id);
  if (active.length >= MAX_ACTIVE_TOKENS) {
    throw new DomainError('invalid_input', `The company already has ${active.length} active tokens; revoke one it no longer uses first.`, { active: active.length, max: MAX_ACTIVE_TOKENS });
  }
  const bytes = randomBytes(TOKEN_BYTES);
  if (!(bytes instanceof Uint8Array) || bytes.length !== TOKEN_BYTES) throw new RangeError(`randomBytes(${TOKEN_BYTES}) returned ${bytes?.length} bytes`);
  const token = `${TOKEN_PREFIX}${base64url(bytes)}`;
  const info = await companies.addToken({ companyId: company.id, tokenHash: await hash(token), prefix: tokenPrefixOf(token), name: label === '' ? null : label, createdBy: actor.userRef });
  return { token, info };
}
