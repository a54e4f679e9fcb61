// How an event handler's unexpected failure reaches GitHub: logged, then answered 500 (503
// while the database is out, edge/database-outage.ts).
import { isDatabaseOutage } from '../../edge/database-outage.ts';

type Logged = { log: { error: (o: object, m: string) => void } };

/** Wraps an event handler; see `guarded`. */
export type Guard = <C extends Logged>(handler: (context: C) => Promise<unknown>) => (context: C) => Promise<void>;

/**
 * Wraps a handler so an unexpected failure (GitHub or the database unreachable) is logged and
 * answered 500 to GitHub, whatever status an inner API error carried: the delivery's claim is
 * then released and a redelivery replays it.
 */
export const guarded: Guard = (handler) => async (context) => {
  try {
    await handler(context);
  } catch (e) {
    context.log.error({ err: e }, 'GitHub webhook handler failed');
    throw Object.assign(new Error('The delivery could not be handled; it has been logged.'), { status: isDatabaseOutage(e) ? 503 : 500 });
  }
};
