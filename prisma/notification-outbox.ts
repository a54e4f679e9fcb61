// NotificationOutbox on the `notification` table: a notice becomes one row per subscribed
// channel, keyed `<notice.key>|<platform>:<channel>` (unique), so enqueuing the same notice
// again records nothing new. Delivery jobs are added for the rows just recorded; rows recorded
// where no queue is reachable (the CLI) are picked up by the worker's periodic sweep.
import type { Notice, NotificationOutbox } from '../core/ports/notifications.ts';
import type { PrismaClient } from './generated/client.ts';

const COMPANY_TARGET = /^company:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export const notificationKey = (notice: Pick<Notice, 'key'>, platform: string, channel: string): string => `${notice.key}|${platform}:${channel}`;

export class PrismaNotificationOutbox implements NotificationOutbox {
  private onNew: ((ids: readonly bigint[]) => Promise<void>) | null = null;

  constructor(private readonly prisma: PrismaClient) {}

  /** Called by the worker runtime of this process: new rows are handed to the queue at once. */
  onRecorded(fn: ((ids: readonly bigint[]) => Promise<void>) | null): void {
    this.onNew = fn;
  }

  async enqueue(notices: readonly Notice[]): Promise<void> {
    const ids = await this.record(notices);
    if (ids.length > 0 && this.onNew) await this.onNew(ids);
  }

  /** Writes the rows; returns the ids of those that did not exist yet. */
  async record(notices: readonly Notice[]): Promise<bigint[]> {
    if (notices.length === 0) return [];
    const targets = [...new Set(notices.map((n) => n.target))];
    const companyIds = targets.map((t) => COMPANY_TARGET.exec(t)?.[1]).filter((x): x is string => x !== undefined);
    const subscriptions = await this.prisma.subscription.findMany({
      where: { OR: [{ target: { in: targets } }, ...(companyIds.length ? [{ companyId: { in: companyIds } }] : [])] },
      orderBy: { id: 'asc' },
      select: { platform: true, channel: true, target: true, companyId: true },
    });
    const keys: string[] = [];
    const platforms: string[] = [];
    const destinations: string[] = [];
    const payloads: string[] = [];
    const seen = new Set<string>();
    for (const notice of notices) {
      const company = COMPANY_TARGET.exec(notice.target)?.[1]?.toLowerCase();
      for (const s of subscriptions) {
        // A company's summaries go to the channels that company subscribed.
        const follows = s.target === notice.target || (company !== undefined && s.companyId?.toLowerCase() === company);
        if (!follows) continue;
        const key = notificationKey(notice, s.platform, s.channel);
        if (seen.has(key)) continue;
        seen.add(key);
        keys.push(key);
        platforms.push(s.platform);
        destinations.push(s.channel);
        payloads.push(JSON.stringify({ key: notice.key, target: notice.target, kind: notice.kind, text: notice.text, data: notice.data }));
      }
    }
    if (keys.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO notification (key, platform, destination, payload)
       SELECT k, p, d, j::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, p, d, j)
       ON CONFLICT (key) DO NOTHING
       RETURNING id`,
      keys,
      platforms,
      destinations,
      payloads,
    );
    return rows.map((r) => BigInt(r.id));
  }
}
