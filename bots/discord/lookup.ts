// Read-only look-ups for autocomplete: wish ids and repositories that have wishes, matching
// what the user has typed so far. Straight SQL on the wish table's columns (fast, indexed by
// repository), because suggestions must come back within Discord's 3 seconds.
import type { PrismaClient } from '../../prisma/generated/client.ts';

type Sql = Pick<PrismaClient, '$queryRawUnsafe'>;

/** Lower-cases and trims what was typed, turning a pasted GitHub URL into `owner/repo#n`. */
export function normaliseTyped(typed: string): string {
  return typed
    .trim()
    .toLowerCase()
    .replace(/^<|>$/g, '')
    .replace(/^(?:https?:\/\/)?(?:www\.)?github\.com\//, '')
    .replace(/\/issues\/(\d*)\/?$/, '#$1')
    .slice(0, 200);
}

const like = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface WishSuggestion {
  id: string;
  title: string;
  status: string;
}

/** Up to `limit` wishes whose id starts with, or whose title contains, what was typed; pledgeable first, newest first. */
export async function suggestWishes(db: Sql, typed: string, limit = 25): Promise<WishSuggestion[]> {
  const t = like(normaliseTyped(typed));
  return db.$queryRawUnsafe<WishSuggestion[]>(
    `SELECT id, title, status FROM wish
      WHERE id LIKE $1 || '%' ESCAPE '\\' OR repository_id LIKE '%' || $1 || '%' ESCAPE '\\' OR lower(title) LIKE '%' || $1 || '%' ESCAPE '\\'
      ORDER BY (status IN ('open', 'quoted')) DESC, updated_at DESC, id
      LIMIT $2`,
    t,
    limit,
  );
}

/** Up to `limit` repositories with wishes whose name contains what was typed, busiest first. */
export async function suggestRepositories(db: Sql, typed: string, limit = 25): Promise<{ repo: string; wishes: number }[]> {
  const t = like(normaliseTyped(typed).replace(/#.*$/, ''));
  const rows = await db.$queryRawUnsafe<{ repo: string; wishes: bigint | number }[]>(
    `SELECT repository_id AS repo, count(*) AS wishes FROM wish
      WHERE repository_id LIKE '%' || $1 || '%' ESCAPE '\\'
      GROUP BY repository_id
      ORDER BY max(updated_at) DESC, repository_id
      LIMIT $2`,
    t,
    limit,
  );
  return rows.map((r) => ({ repo: r.repo, wishes: Number(r.wishes) }));
}
