/**
 * How a recorded notice reaches one destination of a platform. Each platform's adapter
 * implements its deliverer (bots/<platform>/deliverer.ts); the composition root hands the
 * configured ones to the worker, which owns retries and back-off.
 */
import type { DeliveryPlatform, Notice } from './notifications.ts';

export type { DeliveryPlatform } from './notifications.ts';

/** Posts one notice to one destination; throws to have the delivery retried. */
export type Deliver = (destination: string, notice: Notice) => Promise<void>;

/** The deliverers of the platforms configured on this instance. */
export type Deliverers = Partial<Record<DeliveryPlatform, Deliver>>;

/** A destination refused the notice for good (unknown channel, revoked token): retrying cannot help. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}
