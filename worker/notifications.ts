// Delivery of recorded notifications through the platform's deliverer. The row's status is the
// guard: a delivered row is never sent again, whatever the queue replays. A worker can die
// after the platform accepted a message and before the row says so: every attempt is recorded
// before it posts, and a retry after one tells the deliverer, which finds that message (by the
// row's key it carries) instead of posting a second.
import { UnrecoverableError } from 'bullmq';
import { PermanentDeliveryError, type Deliverers, type MessageRef } from '../core/ports/deliverers.ts';
import type { NotificationLog } from '../core/ports/notifications.ts';
import { rendersCurrentState } from '../core/wish-notices.ts';
import type { Logger } from '../edge/logger.ts';

export async function deliverNotification({
  notifications,
  id,
  deliverers,
  log,
  attempt,
}: {
  notifications: NotificationLog;
  id: string;
  deliverers: Deliverers;
  log: Logger;
  attempt: number;
}): Promise<{ delivered: boolean; reason?: string; covered?: number }> {
  const row = await notifications.get(id);
  if (!row) return { delivered: false, reason: 'no such notification' };
  if (row.status === 'delivered') return { delivered: false, reason: 'already delivered' };
  const deliver = deliverers[row.platform as keyof Deliverers];
  if (!deliver) {
    await notifications.markFailed(id, `${row.platform} is not configured on this instance`);
    throw new UnrecoverableError(`${row.platform} is not configured; notification ${row.key} cannot be delivered`);
  }
  // Read before rendering: every row seen now belongs to a committed change the render includes.
  const covered = rendersCurrentState(row.notice) ? await notifications.pendingAlike(id) : [];
  const earlierSince = await notifications.beginAttempt(id);
  let posted: MessageRef | void;
  try {
    posted = await deliver(row.destination, row.notice, { key: row.key, earlierSince });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await notifications.countAttempt(id, message);
    log.warn({ notification: row.key, platform: row.platform, attempt, err: message }, 'notification delivery failed');
    if (e instanceof PermanentDeliveryError) {
      await notifications.markFailed(id, message);
      throw new UnrecoverableError(message);
    }
    throw e;
  }
  await notifications.markDelivered(id, posted ?? null);
  await notifications.markCovered(covered);
  log.info({ notification: row.key, platform: row.platform, attempt, covered: covered.length, retried: earlierSince !== null, message: posted ?? null }, 'notification delivered');
  return covered.length > 0 ? { delivered: true, covered: covered.length } : { delivered: true };
}

/** Pending rows older than `olderThan` (their delivery job may never have been added). */
export function sweepPendingNotifications({ notifications, olderThan, limit = 1_000 }: { notifications: NotificationLog; olderThan: Date; limit?: number }): Promise<string[]> {
  return notifications.pendingBefore(olderThan, limit);
}
