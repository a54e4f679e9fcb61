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
  /** How long the check may take before the component counts as down (default PROBE_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** A probe that has not answered by then is down: a client with its commands queued offline never answers. */
export const PROBE_TIMEOUT_MS = 2_000;

/** `work`, or `onTimeout()` thrown once `ms` have passed without an answer (the work itself is left to finish or fail). */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a probe found: 'ok', 'unavailable' (it failed) or 'timeout' (no answer within its timeout). */
export async function runProbe(probe: HealthProbe, defaultMs = PROBE_TIMEOUT_MS): Promise<{ state: 'ok' | 'unavailable' | 'timeout'; error?: unknown }> {
  const ms = probe.timeoutMs ?? defaultMs;
  const timedOut = new Error(`${probe.name} did not answer within ${ms} ms`);
  try {
    // A check that throws synchronously is a failed check too.
    await withDeadline(Promise.resolve().then(() => probe.check()), ms, () => timedOut);
    return { state: 'ok' };
  } catch (e) {
    return { state: e === timedOut ? 'timeout' : 'unavailable', error: e };
  }
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
