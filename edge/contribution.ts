// What an adapter hands the composition root: the paths it owns, its routes, its health probes
// and how to stop it. Every edge (bots/, web/, worker/, payments/) speaks these types, so none
// of them needs app/.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RoutePlugin } from './http.ts';

/** A front-end that owns a path and its raw request (signature checks need the raw body). */
export interface Mount {
  name: string;
  /** Exact path or prefix ending in `/`. */
  path: string;
  /** Largest body accepted, in bytes (default 1 MiB); a larger one is answered 413 before the listener runs. */
  bodyLimit?: number;
  listener: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** A component whose health `/healthz` reports (the database, the queue...). */
export interface HealthProbe {
  name: string;
  check(): Promise<void>;
}

/** One adapter's share of the platform; an adapter that is not configured contributes nothing. */
export interface Contribution {
  mounts?: Mount[];
  /** Fastify plugins the composition root registers (zod schemas). */
  routes?: RoutePlugin[];
  probes?: HealthProbe[];
  /** Called on shutdown, in reverse order of start. */
  stop?: () => Promise<void>;
}
