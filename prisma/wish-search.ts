// WishSearch on the wish table's columns: straight SQL (indexed by repository), because
// autocomplete suggestions must come back within Discord's 3 seconds.
import type { WishSearch, WishSuggestion } from '../core/ports/wish-search.ts';
import type { RepoId, Wish } from '../core/wishlist.ts';
import type { PrismaClient } from './generated/client.ts';
import { toSafeNumber } from './numbers.ts';
import { reviveWish } from './wish-store.ts';

/** What was typed, as a LIKE pattern fragment matching itself only. */
const like = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class PrismaWishSearch implements WishSearch {
  constructor(private readonly prisma: Pick<PrismaClient, '$queryRawUnsafe'>) {}

  async wishes(text: string, limit: number): Promise<WishSuggestion[]> {
    return this.prisma.$queryRawUnsafe<WishSuggestion[]>(
      `SELECT id, title, status FROM wish
        WHERE id LIKE $1 || '%' ESCAPE '\\' OR repository_id LIKE '%' || $1 || '%' ESCAPE '\\' OR lower(title) LIKE '%' || $1 || '%' ESCAPE '\\'
        ORDER BY (status IN ('open', 'quoted')) DESC, updated_at DESC, id
        LIMIT $2`,
      like(text),
      limit,
    );
  }

  async repositories(text: string, limit: number): Promise<{ repo: RepoId; wishes: number }[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ repo: RepoId; wishes: bigint | number }[]>(
      `SELECT repository_id AS repo, count(*) AS wishes FROM wish
        WHERE repository_id LIKE '%' || $1 || '%' ESCAPE '\\'
        GROUP BY repository_id
        ORDER BY max(updated_at) DESC, repository_id
        LIMIT $2`,
      like(text),
      limit,
    );
    return rows.map((r) => ({ repo: r.repo, wishes: toSafeNumber(r.wishes, 'count') }));
  }

  async closestToFunding(limit: number): Promise<Wish[]> {
    // Left to pay = the quote minus the paid pledges, read from the stored wish (the core sorts the page the same way).
    const rows = await this.prisma.$queryRawUnsafe<{ state: unknown }[]>(
      `SELECT state FROM wish
        WHERE status = 'quoted' AND state->'quote' IS NOT NULL AND state->'quote' <> 'null'::jsonb
        ORDER BY (state->'quote'->>'amount')::bigint - COALESCE((
                   SELECT sum((p->>'amount')::bigint) FROM jsonb_array_elements(COALESCE(state->'pledges', '[]'::jsonb)) p
                    WHERE p->>'status' = 'paid'), 0),
                 deadline, id
        LIMIT $1`,
      limit,
    );
    return rows.map((r) => reviveWish(r.state));
  }
}
