// Whether a failure means the database could not be reached (stopped, restarting, the
// connection cut), as opposed to a bug: every edge answers the first with 503 and a code, so a
// client (and Slack, GitHub, Stripe) retries later, and keeps 500 for the second. Recognised by
// shape only — Prisma's error codes, its driver adapter's error kinds, node-postgres' messages
// and PostgreSQL's SQLSTATE — so the edge needs no database import.

/**
 * Prisma: can't reach the server, timed out, server closed the connection, no connection from
 * the pool in time, an interactive transaction already closed under its caller.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/** `@prisma/driver-adapter-utils` error kinds that mean the server is not there. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** SQLSTATE: admin/crash shutdown, cannot connect now (starting up, in recovery), too many connections. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres' own words for a connection that died under it (these errors carry no code). */
const PG_MESSAGES = /Connection terminated( unexpectedly| due to connection timeout)?|connection error and is not queryable|Client was closed and is not queryable|server closed the connection unexpectedly|Can't reach database server|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command|timeout exceeded when trying to connect/;

/** True when `error` (or anything in its cause chain) says the database is unreachable. */
export function isDatabaseOutage(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown }; errors?: unknown };
    if (typeof o.code === 'string' && (PRISMA_CODES.has(o.code) || SQLSTATES.has(o.code) || /^08/.test(o.code))) return true;
    if (typeof o.kind === 'string' && ADAPTER_KINDS.has(o.kind)) return true;
    if (typeof o.message === 'string' && PG_MESSAGES.test(o.message)) return true;
    pending.push(o.cause, o.meta?.driverAdapterError);
    if (Array.isArray(o.errors)) pending.push(...o.errors);
  }
  return false;
}

/** The answer every edge gives while the database is out: 503, a code, when to try again. */
export const DATABASE_OUTAGE = {
  status: 503,
  code: 'database_unavailable',
  message: 'The database is not answering right now, so this request could not be completed. Please try again in a few seconds.',
  retryAfterSeconds: 5,
} as const;
