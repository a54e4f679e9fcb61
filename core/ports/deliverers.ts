/**
 * How a recorded notice reaches one destination of a platform. Each platform's adapter
 * implements its deliverer (bots/<platform>/deliverer.ts); the composition root hands the
 * configured ones to the worker, which owns retries and back-off.
 */
import type { DeliveryPlatform, MessageRef, Notice } from './notifications.ts';

export type { DeliveryPlatform, MessageRef } from './notifications.ts';

/**
 * What a deliverer knows of the delivery it makes, the same on every attempt of one row. A
 * process can die after the platform accepted a message and before the row says delivered:
 * the message carries `key` (Slack metadata, a Discord nonce, a GitHub marker) so that the next
 * attempt finds it instead of posting it again.
 */
export interface DeliveryAttempt {
  /** The notification's unique key (`<notice key>|<platform>:<destination>`). */
  readonly key: string;
  /** When an earlier attempt of this delivery began (it may have posted); null on the first attempt. */
  readonly earlierSince: Date | null;
}

/**
 * Posts one notice to one destination, or finds the message an earlier attempt posted; returns
 * that message when one message stands for the notice. Throws to have the delivery retried.
 */
export type Deliver = (destination: string, notice: Notice, attempt: DeliveryAttempt) => Promise<MessageRef | void>;

/** The deliverers of the platforms configured on this instance. */
export type Deliverers = Partial<Record<DeliveryPlatform, Deliver>>;

/** A destination refused the notice for good (unknown channel, revoked token): retrying cannot help. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}
