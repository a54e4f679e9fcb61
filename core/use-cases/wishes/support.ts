// Helpers shared by the wish use-cases: refusals and publishing a change's notices.
import { issueHintFor } from '../../commands/usage.ts';
import { DomainError, isDomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import type { Money } from '../../money.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentGateway } from '../../ports/payments.ts';
import { wishNotices } from '../../wish-notices.ts';
import type { Pledger, WishChange, WishId } from '../../wishlist.ts';

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
  return new DomainError('wish_not_found', `There is no wish for ${id}; a wish is opened by a comment on its GitHub issue.`, { wishId: id }, issueHintFor('wish'));
}

/** Hands the change's notices to the outbox (idempotent by notice key). */
export async function publish(outbox: NotificationOutbox, change: WishChange): Promise<void> {
  const notices = wishNotices(change.wish, change.events);
  if (notices.length > 0) await outbox.enqueue(notices);
}

/** A random pledge id (UUID v4), from the platform's Web Crypto. */
export const randomPledgeId = (): string => globalThis.crypto.randomUUID();

/**
 * Starts collecting a recorded pledge through the gateway (Stripe Checkout, or offline: an owed
 * commitment), under the pledge's payment key so a retry never starts a second payment. A
 * failure of the provider becomes one refusal: the pledge stands, nothing was charged.
 */
export async function startPledgeCollection(
  gateway: PaymentGateway,
  pledge: { pledgeId: string; wishId: WishId; amount: Money; pledger: Pledger },
): Promise<{ checkoutUrl: string | null; offline: boolean }> {
  try {
    const { url } = await gateway.startPledgeCheckout({ ...pledge, idempotencyKey: paymentKeys.pledge(pledge.pledgeId) });
    return { checkoutUrl: url, offline: gateway.mode === 'offline' };
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw new DomainError(
      'payment_failed',
      'Your pledge is recorded, but the payment could not be started right now; nothing was charged. Try again in a few minutes.',
      { wishId: pledge.wishId, pledgeId: pledge.pledgeId, cause: e instanceof Error ? e.message : String(e) },
    );
  }
}
