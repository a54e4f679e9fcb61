// WishThreadStore on wish_thread (one Discord thread per wish and channel) and thread_relay (the
// Discord message showing each relayed issue comment). Writes are single idempotent statements.
import type { WishThread, WishThreadStore } from '../core/ports/threads.ts';
import type { WishId } from '../core/wishlist.ts';
import type { PrismaClient } from './generated/client.ts';

export class PrismaWishThreadStore implements WishThreadStore {
  constructor(private readonly prisma: PrismaClient) {}

  async threadOf(wishId: WishId, channel: string): Promise<string | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ thread_id: string }[]>(`SELECT thread_id FROM wish_thread WHERE wish_id = $1 AND channel = $2`, wishId, channel);
    return rows[0]?.thread_id ?? null;
  }

  async remember(t: WishThread): Promise<string> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO wish_thread (wish_id, channel, thread_id) VALUES ($1, $2, $3) ON CONFLICT (wish_id, channel) DO NOTHING`,
      t.wishId,
      t.channel,
      t.threadId,
    );
    return (await this.threadOf(t.wishId, t.channel)) ?? t.threadId;
  }

  async byThread(threadId: string): Promise<WishThread | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ wish_id: string; channel: string }[]>(`SELECT wish_id, channel FROM wish_thread WHERE thread_id = $1`, threadId);
    const r = rows[0];
    return r ? { wishId: r.wish_id as WishId, channel: r.channel, threadId } : null;
  }

  async relayedMessage(commentId: number, channel: string): Promise<string | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ message_id: string }[]>(
      `SELECT message_id FROM thread_relay WHERE comment_id = $1::bigint AND channel = $2`,
      String(commentId),
      channel,
    );
    return rows[0]?.message_id ?? null;
  }

  async rememberRelay(input: { commentId: number; channel: string; threadId: string; messageId: string }): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO thread_relay (comment_id, channel, thread_id, message_id) VALUES ($1::bigint, $2, $3, $4) ON CONFLICT (comment_id, channel) DO NOTHING`,
      String(input.commentId),
      input.channel,
      input.threadId,
      input.messageId,
    );
  }

  async forgetRelay(commentId: number, channel: string): Promise<boolean> {
    const n = await this.prisma.$executeRawUnsafe(`DELETE FROM thread_relay WHERE comment_id = $1::bigint AND channel = $2`, String(commentId), channel);
    return n > 0;
  }

  async isRelayMessage(messageId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM thread_relay WHERE message_id = $1`, messageId);
    return rows.length > 0;
  }
}
