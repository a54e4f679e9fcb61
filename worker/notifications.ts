// Delivery of recorded notifications (prisma/notification-outbox.ts writes the rows). The row's
// status is the guard: a delivered row is never sent again, whatever the queue replays.
import { UnrecoverableError } from 'bullmq';
import type { Notice } from '../core/ports/notifications.ts';
import type { Logger } from '../edge/logger.ts';
import type { PrismaClient } from '../prisma/generated/client.ts';

/** Posts one notice to one destination of a platform; throws to have the job retried. */
export type Deliver = (destination: string, notice: Notice) => Promise<void>;
export type Deliverers = Partial<Record<'slack' | 'discord' | 'github', Deliver>>;

/** A destination refused the message for good (unknown channel, revoked token): do not retry. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

interface NotificationRow {
  id: bigint;
  key: string;
  platform: string;
  destination: string;
  payload: unknown;
  status: string;
}

export async function deliverNotification({
  prisma,
  id,
  deliverers,
  log,
  attempt,
}: {
  prisma: PrismaClient;
  id: bigint;
  deliverers: Deliverers;
  log: Logger;
  attempt: number;
}): Promise<{ delivered: boolean; reason?: string }> {
  const [row] = await prisma.$queryRawUnsafe<NotificationRow[]>('SELECT id, key, platform, destination, payload, status FROM notification WHERE id = $1', id);
  if (!row) return { delivered: false, reason: 'no such notification' };
  if (row.status === 'delivered') return { delivered: false, reason: 'already delivered' };
  const deliver = deliverers[row.platform as keyof Deliverers];
  if (!deliver) {
    await markFailed(prisma, id, `${row.platform} is not configured on this instance`);
    throw new UnrecoverableError(`${row.platform} is not configured; notification ${row.key} cannot be delivered`);
  }
  try {
    await deliver(row.destination, row.payload as Notice);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await prisma.$executeRawUnsafe('UPDATE notification SET attempts = attempts + 1, last_error = $2 WHERE id = $1', id, message.slice(0, 1000));
    log.warn({ notification: row.key, platform: row.platform, attempt, err: message }, 'notification delivery failed');
    if (e instanceof PermanentDeliveryError) {
      await markFailed(prisma, id, message);
      throw new UnrecoverableError(message);
    }
    throw e;
  }
  await prisma.$executeRawUnsafe(
    "UPDATE notification SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1 AND status <> 'delivered'",
    id,
  );
  log.info({ notification: row.key, platform: row.platform, attempt }, 'notification delivered');
  return { delivered: true };
}

/** After the last attempt: the row stays, marked failed with its error, for operators. */
export async function markFailed(prisma: PrismaClient, id: bigint, error: string): Promise<void> {
  await prisma.$executeRawUnsafe("UPDATE notification SET status = 'failed', last_error = $2 WHERE id = $1 AND status = 'pending'", id, error.slice(0, 1000));
}

/** Pending rows older than `olderThan` (their delivery job may never have been added). */
export async function sweepPendingNotifications({ prisma, olderThan, limit = 1_000 }: { prisma: PrismaClient; olderThan: Date; limit?: number }): Promise<bigint[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: bigint }[]>(
    "SELECT id FROM notification WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT $2",
    olderThan,
    limit,
  );
  return rows.map((r) => BigInt(r.id));
}
