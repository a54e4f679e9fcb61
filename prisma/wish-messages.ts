// WishMessageStore on the `wish_message` table: Discord cards and GitHub `/pledge` replies the
// bot posted, one row per (kind, channel, message id).
import type { WishMessage, WishMessageKind, WishMessageStore } from '../core/ports/wish-messages.ts';
import type { WishId } from '../core/wishlist.ts';
import type { PrismaClient } from './generated/client.ts';

type Row = { wish_id: string; kind: string; channel: string; message_id: string; pledge_id: string | null; state: string | null };

export class PrismaWishMessageStore implements WishMessageStore {
  constructor(private readonly prisma: PrismaClient) {}

  async remember(m: Omit<WishMessage, 'state'>): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO wish_message (kind, channel, message_id, wish_id, pledge_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, channel, message_id) DO NOTHING`,
      m.kind,
      m.channel,
      m.messageId,
      m.wishId,
      m.pledgeId,
    );
  }

  async list(wishId: WishId, kind: WishMessageKind, limit = 50): Promise<WishMessage[]> {
    const rows = await this.prisma.$queryRawUnsafe<Row[]>(
      'SELECT wish_id, kind, channel, message_id, pledge_id, state FROM wish_message WHERE wish_id = $1 AND kind = $2 ORDER BY created_at DESC, message_id DESC LIMIT $3',
      wishId,
      kind,
      limit,
    );
    return rows.map((r) => ({ wishId: r.wish_id as WishId, kind: r.kind as WishMessageKind, channel: r.channel, messageId: r.message_id, pledgeId: r.pledge_id, state: r.state }));
  }

  async setState(kind: WishMessageKind, channel: string, messageId: string, state: string): Promise<void> {
    await this.prisma.$executeRawUnsafe('UPDATE wish_message SET state = $4 WHERE kind = $1 AND channel = $2 AND message_id = $3', kind, channel, messageId, state);
  }

  async forget(kind: WishMessageKind, channel: string, messageId: string): Promise<void> {
    await this.prisma.$executeRawUnsafe('DELETE FROM wish_message WHERE kind = $1 AND channel = $2 AND message_id = $3', kind, channel, messageId);
  }
}
