// Operator actions that bypass chat roles (the operator holds the machine).
import { randomBytes } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import type { Company } from '../core/ports/companies.ts';
import { base64url, TOKEN_BYTES, TOKEN_PREFIX } from '../core/use-cases/issue-token.ts';
import type { Services } from './services.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a company by id, workspace or exact name (refusing an ambiguous name). */
export async function findCompany(s: Services, ref: string): Promise<Company> {
  const byId = UUID_RE.test(ref) ? await s.companies.findById(ref) : null;
  if (byId) return byId;
  const byWorkspace = await s.companies.findByWorkspace(ref);
  if (byWorkspace) return byWorkspace;
  const named = await s.db.prisma.company.findMany({ where: { name: { equals: ref, mode: 'insensitive' } }, select: { id: true }, take: 2 });
  if (named.length > 1) throw new DomainError('invalid_input', `Several companies are named "${ref}"; use the company id instead.`);
  const company = named[0] ? await s.companies.findById(named[0].id) : null;
  if (!company) throw new DomainError('company_not_found', `No company matches "${ref}" (by id, workspace or name).`);
  return company;
}

/** Issues a company API token from the operator CLI; earlier tokens are revoked. */
export async function issueOperatorToken(s: Services, ref: string): Promise<{ company: Company; token: string }> {
  const company = await findCompany(s, ref);
  const token = `${TOKEN_PREFIX}${base64url(randomBytes(TOKEN_BYTES))}`;
  await s.companies.replaceToken(company.id, s.hashToken(token), 'operator');
  return { company, token };
}
