import { DomainError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Actor, ApiTokenInfo, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';

/** Revokes one of the company's API tokens (admins only): it stops authenticating at once. */
export async function revokeToken({
  companies,
  clock,
  actor,
  tokenId,
}: {
  companies: CompanyStore;
  clock: Clock;
  actor: Actor;
  tokenId: string;
}): Promise<{ revoked: ApiTokenInfo }> {
  const company = await requireAdmin({ companies, actor });
  const token = (await companies.listTokens(company.id)).find((t) => t.id === tokenId);
  // Another company's token, an unknown id and a token already revoked are all "not found" here.
  if (!token || !(await companies.revokeToken(company.id, tokenId, clock.now()))) {
    throw new DomainError('not_found', 'The company has no such active token; it may already be revoked.', { tokenId });
  }
  return { revoked: token };
}
