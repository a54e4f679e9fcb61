import type { Actor, ApiTokenInfo, CompanyStore } from '../ports/companies.ts';
import { requireCompany } from './require-company.ts';

/** The company's active API tokens by prefix and creation date, oldest first (any member may view; tokens themselves are never shown again). */
export async function listTokens({ companies, actor }: { companies: CompanyStore; actor: Actor }): Promise<ApiTokenInfo[]> {
  const company = await requireCompany({ companies, actor });
  return companies.listTokens(company.id);
}
