import { issueHintFor } from '../../commands/usage.ts';
import { DomainError, unwrap } from '../../errors.ts';
import type { Money } from '../../money.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { PaymentGateway } from '../../ports/payments.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import { enforceRateLimit } from '../../rate-limits.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { openWish as open, type Pledge, type Wish, type WishEvent, type WishId } from '../../wishlist.ts';
import { publish, randomPledgeId, startPledgeCollection } from './support.ts';

/**
 * Opens a wish from a GitHub issue (`/wish [amount]`). A commitment becomes the requester's
 * first pledge (committed), whose collection starts at once (offline: an owed commitment).
 * Refused with `wish_exists` when the issue already is a wish.
 */
export async function openWish({
  wishes,
  outbox,
  clock,
  currency,
  id,
  title,
  description,
  requester,
  commitment = null,
  gateway,
  rateLimiter,
  newId = randomPledgeId,
}: {
  wishes: WishStore;
  outbox: NotificationOutbox;
  clock: Clock;
  /** The settlement currency (`CURRENCY`). */
  currency: string;
  id: WishId;
  title: string;
  description: string;
  /** GitHub login of who wrote `/wish`. */
  requester: string;
  commitment?: Money | null;
  /** Collects the commitment; untouched without one. */
  gateway: PaymentGateway;
  /**
   * Refuses a requester who opens too many wishes at once (`rate_limited`), before anything is
   * written. Every front-end passes it (their deps require it); only trusted callers (seeding) omit it.
   */
  rateLimiter?: RateLimiter | null;
  newId?: () => string;
}): Promise<{ wish: Wish; events: readonly WishEvent[]; commitment: Pledge | null; checkoutUrl: string | null; offline: boolean }> {
  if (commitment && commitment.currency !== currency) {
    throw new DomainError('wrong_currency', `Wishes are funded in ${currency}; write the amount in ${currency}.`,
      { expected: currency, got: commitment.currency },
      issueHintFor('wish'),
    );
  }
  if (rateLimiter) await enforceRateLimit({ rateLimiter, action: 'wish', subject: { user: `github:${requester}` }, now: clock.now() });
  const change = unwrap(
    open({ id, title, description, requester, currency, commitment: commitment?.amount ?? null, commitmentId: newId(), at: clock.now() }),
  );
  if (!(await wishes.create(change))) {
    throw new DomainError('wish_exists', `This issue is already a wish (${id}); pledge to it instead.`, { wishId: id }, issueHintFor('pledge'));
  }
  await publish(outbox, change);
  const pledge = change.wish.pledges[0] ?? null;
  const collection = pledge
    ? await startPledgeCollection(gateway, { pledgeId: pledge.id, wishId: id, amount: { amount: pledge.amount, currency }, pledger: pledge.pledger })
    : { checkoutUrl: null, offline: gateway.mode === 'offline' };
  return { wish: change.wish, events: change.events, commitment: pledge, ...collection };
}
