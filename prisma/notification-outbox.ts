// NotificationOutbox and NotificationLog on the `notification` table: a notice becomes one row
// per subscribed channel (of its target and its `also` targets), keyed
// `<notice.key>|<platform>:<channel>` (unique), so enqueuing the same notice again records
// nothing new and a channel following two of its targets gets it once. Addressed notices (a
// wish's status comment, announcement comments, cards) are one row for their destination,
// recorded inside the caller's transaction; a wish's card update only once it has posted cards. Rows recorded by this
// process are handed to its worker runtime at once; those recorded where no queue is reachable
// are picked up by the worker's periodic sweep. Each delivery attempt is recorded before it
// posts (`sending_since`) and a delivered row keeps the message it became (`message_*`).
import type { AddressedNotice, MessageRef, Notice, NotificationLog, NotificationOutbox, RecordedNotification } from '../core/ports/notifications.ts';
import type { PrismaClient } from './generated/client.ts';

type Sql = Pick<PrismaClient, '$queryRawUnsafe'>;

const COMPANY_TARGET = /^company:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const MAX_ERROR = 1000;
const DIRECT_TARGET = /^direct:(slack|discord|github):(.+)$/;

export const notificationKey = (notice: Pick<Notice, 'key'>, platform: string, channel: string): string => `${notice.key}|${platform}:${channel}`;

const payloadOf = (n: Notice): string => JSON.stringify({ key: n.key, target: n.target, ...(n.also?.length ? { also: n.also } : {}), kind: n.kind, text: n.text, data: n.data });

/**
 * Inserts the rows that do not exist yet; returns their ids. A `wish_cards` row is written only
 * when its wish (the destination) has posted Discord cards: most wishes have none.
 */
async function insertRows(sql: Sql, rows: readonly AddressedNotice[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await sql.$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO notification (key, platform, destination, payload)
     SELECT k, p, d, j::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS u(k, p, d, j, c)
     WHERE NOT c OR EXISTS (SELECT 1 FROM wish_message m WHERE m.wish_id = u.d AND m.kind = 'discord_card')
     ON CONFLICT (key) DO NOTHING
     RETURNING id`,
    rows.map((r) => notificationKey(r.notice, r.platform, r.destination)),
    rows.map((r) => r.platform),
    rows.map((r) => r.destination),
    rows.map((r) => payloadOf(r.notice)),
    rows.map((r) => r.notice.kind === 'wish_cards'),
  );
  return inserted.map((r) => String(r.id));
}

/** Every target whose followers receive `notice`. */
const targetsOf = (notice: Notice): string[] => [notice.target, ...(notice.also ?? [])];

export class PrismaNotificationOutbox implements NotificationOutbox, NotificationLog {
  private onNew: ((ids: readonly string[]) => Promise<void>) | null = null;

  constructor(private readonly prisma: PrismaClient) {}

  onRecorded(fn: ((ids: readonly string[]) => Promise<void>) | null): void {
    this.onNew = fn;
  }

  async enqueue(notices: readonly Notice[]): Promise<void> {
    await this.recorded(await this.record(notices));
  }

  /** Hands rows committed by this process to its worker runtime, when one listens. */
  async recorded(ids: readonly string[]): Promise<void> {
    if (ids.length > 0 && this.onNew) await this.onNew(ids);
  }

  /**
   * Records addressed notices inside the caller's transaction (`sql`), so they commit or roll
   * back with the change they announce. Returns the new rows' ids: pass them to `recorded`
   * once the transaction has committed.
   */
  recordAddressed(sql: Sql, notices: readonly AddressedNotice[]): Promise<string[]> {
    return insertRows(sql, notices);
  }

  /** Writes one row per subscribed channel; returns the ids of those that did not exist yet. */
  async record(notices: readonly Notice[]): Promise<string[]> {
    if (notices.length === 0) return [];
    const targets = [...new Set(notices.flatMap(targetsOf))];
    const companyIds = targets.map((t) => COMPANY_TARGET.exec(t)?.[1]).filter((x): x is string => x !== undefined);
    const subscriptions = await this.prisma.subscription.findMany({
      where: { OR: [{ target: { in: targets } }, ...(companyIds.length ? [{ companyId: { in: companyIds } }] : [])] },
      orderBy: { id: 'asc' },
      select: { platform: true, channel: true, target: true, companyId: true },
    });
    // Indexed by what a notice is matched on, so a batch costs its notices plus their followers (not notices × subscriptions).
    const byTarget = new Map<string, number[]>();
    const byCompany = new Map<string, number[]>();
    const index = (map: Map<string, number[]>, key: string, i: number) => void (map.get(key) ?? map.set(key, []).get(key)!).push(i);
    subscriptions.forEach((s, i) => {
      index(byTarget, s.target, i);
      if (s.companyId) index(byCompany, s.companyId.toLowerCase(), i);
    });
    const rows: AddressedNotice[] = [];
    const seen = new Set<string>();
    for (const notice of notices) {
      // `direct:<platform>:<destination>` (a DM to one person) has exactly that one destination.
      const direct = DIRECT_TARGET.exec(notice.target);
      if (direct) {
        rows.push({ platform: direct[1] as AddressedNotice['platform'], destination: direct[2]!, notice });
        continue;
      }
      const company = COMPANY_TARGET.exec(notice.target)?.[1]?.toLowerCase();
      // Followers of any of its targets and, for a company's summaries, the channels that company subscribed; in subscription order.
      const followers = new Set<number>();
      for (const t of targetsOf(notice)) for (const i of byTarget.get(t) ?? []) followers.add(i);
      if (company !== undefined) for (const i of byCompany.get(company) ?? []) followers.add(i);
      for (const i of [...followers].sort((a, b) => a - b)) {
        const s = subscriptions[i]!;
        const key = notificationKey(notice, s.platform, s.channel);
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ platform: s.platform as AddressedNotice['platform'], destination: s.channel, notice });
      }
    }
    return insertRows(this.prisma, rows);
  }

  async get(id: string): Promise<RecordedNotification | null> {
    const [row] = await this.prisma.$queryRawUnsafe<
      { id: bigint; key: string; platform: string; destination: string; payload: unknown; status: string; sending_since_ms: number | null; message_channel: string | null; message_id: string | null }[]
    >(
      // Epoch milliseconds: the same instant whatever the session's time zone or the driver.
      `SELECT id, key, platform, destination, payload, status, (extract(epoch FROM sending_since) * 1000)::float8 AS sending_since_ms, message_channel, message_id
       FROM notification WHERE id = $1`,
      BigInt(id),
    );
    if (!row) return null;
    const notice = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Notice;
    return {
      id: String(row.id),
      key: row.key,
      platform: row.platform,
      destination: row.destination,
      notice,
      status: row.status as RecordedNotification['status'],
      sendingSince: row.sending_since_ms === null ? null : new Date(Number(row.sending_since_ms)),
      message: row.message_channel !== null && row.message_id !== null ? { channel: row.message_channel, id: row.message_id } : null,
    };
  }

  async beginAttempt(id: string): Promise<Date | null> {
    // The first attempt's start is kept: any attempt since then may have posted.
    const [row] = await this.prisma.$queryRawUnsafe<{ earlier_ms: number | null }[]>(
      `WITH before AS (SELECT id, sending_since FROM notification WHERE id = $1 FOR UPDATE)
       UPDATE notification n SET sending_since = COALESCE(before.sending_since, now()) FROM before WHERE n.id = before.id
       RETURNING (extract(epoch FROM before.sending_since) * 1000)::float8 AS earlier_ms`,
      BigInt(id),
    );
    return row?.earlier_ms == null ? null : new Date(Number(row.earlier_ms));
  }

  async countAttempt(id: string, error: string): Promise<void> {
    await this.prisma.$executeRawUnsafe('UPDATE notification SET attempts = attempts + 1, last_error = $2 WHERE id = $1', BigInt(id), error.slice(0, MAX_ERROR));
  }

  async markDelivered(id: string, message: MessageRef | null): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `UPDATE notification SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL, message_channel = $2, message_id = $3
       WHERE id = $1 AND status <> 'delivered'`,
      BigInt(id),
      message?.channel ?? null,
      message?.id ?? null,
    );
  }

  async markCovered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRawUnsafe(
      "UPDATE notification SET status = 'delivered', delivered_at = now() WHERE id = ANY($1::bigint[]) AND status = 'pending'",
      ids.map(String),
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.$executeRawUnsafe("UPDATE notification SET status = 'failed', last_error = $2 WHERE id = $1 AND status = 'pending'", BigInt(id), error.slice(0, MAX_ERROR));
  }

  async pendingAlike(id: string): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `SELECT n.id FROM notification n JOIN notification me ON me.id = $1
       WHERE n.status = 'pending' AND n.id <> me.id AND n.platform = me.platform AND n.destination = me.destination
         AND n.payload->>'kind' = me.payload->>'kind'
       ORDER BY n.id`,
      BigInt(id),
    );
    return rows.map((r) => String(r.id));
  }

  async pendingBefore(olderThan: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      "SELECT id FROM notification WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT $2",
      olderThan,
      limit,
    );
    return rows.map((r) => String(r.id));
  }
}
