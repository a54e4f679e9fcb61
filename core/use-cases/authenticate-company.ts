import { hintFor } from '../commands.ts';
import { DomainError } from '../errors.ts';
import type { Company, CompanyStore } from '../ports/companies.ts';
import { TOKEN_PATTERN, type TokenHash } from './issue-token.ts';

/**
 * The company a bearer token belongs to, or 'unauthorized' (missing, malformed, unknown or
 * revoked token; the message never says which, so it leaks nothing).
 */
export async function authenticateCompany({
  companies,
  hash,
  token,
}: {
  companies: CompanyStore;
  hash: TokenHash;
  /** The bearer token (`upk_…`); a whole `Bearer upk_…` header value is accepted too. */
  token: string | null | undefined;
}): Promise<{ company: Company }> {
  const bare = typeof token === 'string' ? token.trim().replace(/^Bearer\s+/i, '') : '';
  // Malformed tokens are refused without a lookup.
  const company = TOKEN_PATTERN.test(bare) ? await companies.findByTokenHash(await hash(bare)) : null;
  if (!company) {
    throw new DomainError(
      'unauthorized',
      'Missing or invalid company token; send `Authorization: Bearer <token>` with a company API token (a company admin issues one; issuing a new one revokes the old).',
      {},
      hintFor('token'),
    );
  }
  return { company };
}
