// WishDiscussion on the wish_comment table: one row per GitHub comment id. Writes are single
// upserts whose conditions make them idempotent and order-proof (GitHub may deliver an edit
// twice, or after a later one): the text changes only for a newer `updated_at`, and a deleted
// comment keeps a tombstone with its text erased. Instants are stored as UTC wall time.
import type { CommentChange, WishComment, WishDiscussion } from '../core/ports/discussion.ts';
import type { WishId } from '../core/wishlist.ts';
import type { PrismaClient } from './generated/client.ts';

interface Row {
  comment_id: bigint | number | string;
  author: string;
  body: string;
  url: string | null;
  created_at: string;
  updated_at: string;
}

const UTC = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

export class PrismaWishDiscussion implements WishDiscussion {
  constructor(private readonly prisma: PrismaClient) {}

  async comments(wishId: WishId): Promise<WishComment[]> {
    const rows = await this.prisma.$queryRawUnsafe<Row[]>(
      `SELECT comment_id, author, body, url, ${UTC('created_at')}, ${UTC('updated_at')}
         FROM wish_comment WHERE wish_id = $1 AND deleted_at IS NULL ORDER BY created_at, comment_id`,
      wishId,
    );
    return rows.map((r) => ({
      id: Number(r.comment_id),
      author: r.author,
      body: r.body,
      url: r.url,
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    }));
  }

  async record(change: CommentChange): Promise<void> {
    if (change.kind === 'written') {
      const c = change.comment;
      await this.prisma.$executeRawUnsafe(
        `INSERT INTO wish_comment (comment_id, wish_id, author, body, url, created_at, updated_at)
         VALUES ($1::bigint, $2, $3, $4, $5, ($6::timestamptz AT TIME ZONE 'UTC'), ($7::timestamptz AT TIME ZONE 'UTC'))
         ON CONFLICT (comment_id) DO UPDATE SET body = EXCLUDED.body, author = EXCLUDED.author, url = EXCLUDED.url, updated_at = EXCLUDED.updated_at
         WHERE wish_comment.deleted_at IS NULL AND wish_comment.updated_at <= EXCLUDED.updated_at`,
        String(c.id),
        change.wishId,
        c.author,
        c.body,
        c.url,
        c.createdAt.toISOString(),
        c.updatedAt.toISOString(),
      );
      return;
    }
    const at = change.at.toISOString();
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO wish_comment (comment_id, wish_id, author, body, url, created_at, updated_at, deleted_at)
       VALUES ($1::bigint, $2, '', '', NULL, ($3::timestamptz AT TIME ZONE 'UTC'), ($3::timestamptz AT TIME ZONE 'UTC'), ($3::timestamptz AT TIME ZONE 'UTC'))
       ON CONFLICT (comment_id) DO UPDATE SET body = '', url = NULL, deleted_at = COALESCE(wish_comment.deleted_at, EXCLUDED.deleted_at)`,
      String(change.commentId),
      change.wishId,
      at,
    );
  }
}
