import { DomainError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdentityLink, IdentityLinkStore } from '../ports/identity-links.ts';
import type { RandomBytes, TokenHash } from './issue-token.ts';

/** How long a link code works: long enough to open GitHub and comment, short enough to be useless when leaked later. */
export const LINK_CODE_MINUTES = 30;
/** Random bytes in a code (80 bits): unguessable within its lifetime. */
const CODE_BYTES = 10;
/** Crockford base32: no I, L, O, U, so a code read aloud or retyped survives. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** `ABCD-EFGH-JKMN-PQRS`: 16 base32 characters in groups of four. */
const CODE_RE = /^[0-9A-Z]{16}$/;
const LOGIN_RE = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/i;

/** Normalises a GitHub login (`@Alice` → `alice`); refuses anything GitHub would not accept. */
export function parseGithubLogin(input: string): string {
  const login = input.trim().replace(/^@/, '');
  if (!LOGIN_RE.test(login)) {
    throw new DomainError('invalid_input', `"${input.trim().slice(0, 50)}" is not a GitHub login; type it as it appears on github.com, e.g. octocat.`, {
      input,
    });
  }
  return login.toLowerCase();
}

/** Normalises a typed code (`abcd-efgh…`, spaces, lower case) to its 16 characters, or null when it cannot be one. */
export function normaliseLinkCode(input: string): string | null {
  const s = input.replace(/[\s-]/g, '').toUpperCase();
  return CODE_RE.test(s) ? s : null;
}

function encodeCode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CODE_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

const grouped = (code: string): string => code.match(/.{4}/g)!.join('-');

/**
 * Starts linking a chat user to a GitHub login: returns a one-time code to post from that
 * GitHub account (`/link <code>` in an issue comment). Only its hash is stored, with an
 * expiry; a new request replaces the previous code. Nothing is linked until GitHub confirms.
 */
export async function startIdentityLink({
  links,
  clock,
  randomBytes,
  hash,
  userRef,
  githubLogin,
}: {
  links: IdentityLinkStore;
  clock: Clock;
  randomBytes: RandomBytes;
  hash: TokenHash;
  userRef: string;
  /** As typed; validated here. */
  githubLogin: string;
}): Promise<{ code: string; login: string; expiresAt: Date; alreadyLinked: boolean }> {
  const login = parseGithubLogin(githubLogin);
  const existing = await links.find(userRef);
  const bytes = randomBytes(CODE_BYTES);
  if (!(bytes instanceof Uint8Array) || bytes.length !== CODE_BYTES) throw new RangeError(`randomBytes(${CODE_BYTES}) returned ${bytes?.length} bytes`);
  const code = encodeCode(bytes);
  const expiresAt = new Date(clock.now().getTime() + LINK_CODE_MINUTES * 60_000);
  await links.savePending({ userRef, pendingLogin: login, codeHash: await hash(code), expiresAt });
  return { code: grouped(code), login, expiresAt, alreadyLinked: existing?.githubLogin === login };
}

/**
 * Confirms a link from GitHub: `commenter` is the login GitHub authenticated as the author of
 * the comment carrying `code`. The code must be current and must have been issued for that very
 * login, so a code seen by someone else is worthless to them: nobody can claim another's account.
 */
export async function confirmIdentityLink({
  links,
  clock,
  hash,
  code,
  commenter,
}: {
  links: IdentityLinkStore;
  clock: Clock;
  hash: TokenHash;
  code: string;
  commenter: string;
}): Promise<{ userRef: string; githubLogin: string }> {
  const normal = normaliseLinkCode(code);
  if (!normal) {
    throw new DomainError('invalid_input', 'That is not a link code; codes look like ABCD-EFGH-JKMN-PQRS. Get one by linking your GitHub account from Discord.', {});
  }
  const codeHash = await hash(normal);
  const link: IdentityLink | null = await links.findByCodeHash(codeHash);
  if (!link || !link.pendingLogin) {
    throw new DomainError('not_found', 'This link code is unknown or was already used. Link your GitHub account from Discord again for a new one.', {});
  }
  const login = commenter.trim().toLowerCase();
  if (login !== link.pendingLogin) {
    throw new DomainError(
      'identity_mismatch',
      `This code links the GitHub account @${link.pendingLogin}; only @${link.pendingLogin} can confirm it. Nothing was linked.`,
      { expected: link.pendingLogin, commenter: login },
    );
  }
  const now = clock.now();
  if (!link.expiresAt || link.expiresAt.getTime() <= now.getTime()) {
    throw new DomainError('link_expired', `This link code expired (codes work for ${LINK_CODE_MINUTES} minutes). Link your GitHub account (${login}) from Discord again for a new one.`, {
      expiredAt: link.expiresAt?.toISOString() ?? null,
    });
  }
  const confirmed = await links.confirm({ userRef: link.userRef, codeHash, githubLogin: login, at: now });
  if (!confirmed) {
    throw new DomainError('not_found', 'This link code was already used. Link your GitHub account from Discord again for a new one.', {});
  }
  return { userRef: link.userRef, githubLogin: login };
}
