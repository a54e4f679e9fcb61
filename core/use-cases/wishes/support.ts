// Helpers shared by the wish use-cases: refusals and publishing a change's notices.
import { DomainError } from '../../errors.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import { wishNotices } from '../../wish-notices.ts';
import type { WishChange, WishId } from '../../wishlist.ts';

/** Refuses a maintainer-only action for someone without write access to the repository. */
export function requireMaintainer(isMaintainer: boolean, action: string, wishId: WishId): void {
  if (!isMaintainer) {
    throw new DomainError(
      'not_maintainer',
      `Only the repository's maintainers (collaborators with write access or more) can ${action}.`,
      { wishId, action },
    );
  }
}

export function wishNotFound(id: WishId): DomainError {
  return new DomainError('wish_not_found', `There is no wish for ${id}; open one with \`/wish\` in a comment on the issue.`, { wishId: id });
}

/** Hands the change's notices to the outbox (idempotent by notice key). */
export async function publish(outbox: NotificationOutbox, change: WishChange): Promise<void> {
  const notices = wishNotices(change.wish, change.events);
  if (notices.length > 0) await outbox.enqueue(notices);
}

/** A random pledge id (UUID v4), from the platform's Web Crypto. */
export const randomPledgeId = (): string => globalThis.crypto.randomUUID();
