// Where the queues live: Redis when REDIS_URL is set, otherwise BullMQ's PostgreSQL backend
// on the application database. The embedded PGlite default is served to BullMQ over a local
// socket (the composition root serves it, prisma/pglite-socket.ts) so the queue and the data
// share one database file.
import { createPostgresBackend, type BackendFactory, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

export type QueueBackendKind = 'redis' | 'postgres' | 'pglite';

export interface QueueBackend {
  readonly kind: QueueBackendKind;
  /** Undefined for Redis (BullMQ's default backend). */
  readonly factory: BackendFactory | undefined;
  /** The `connection` option every Queue/Worker of this process receives. */
  readonly connection: ConnectionOptions | Record<string, unknown>;
  /** Redis key prefix (Redis only; the PostgreSQL backend namespaces by schema). */
  readonly prefix: string;
  /** Seconds an idle worker waits for a job before polling again (BullMQ `drainDelay`). */
  readonly pollSeconds?: number;
  /** Human-readable description for start-up messages (no credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/** The embedded database served over a local socket (`postgresql://…@127.0.0.1:<port>/…`). */
export interface ServedDatabase {
  url: string;
  address: string;
  close(): Promise<void>;
}

export interface QueueBackendTarget {
  redisUrl: string | null;
  /** The application's PostgreSQL URL (null on the embedded database). */
  databaseUrl: string | null;
  /** The embedded database, served for the queue; opened only when needed, and closed with the backend. */
  embedded?: (() => Promise<ServedDatabase>) | null;
  /** Redis key prefix, e.g. to isolate test runs sharing one Redis. */
  prefix?: string;
}

const redact = (url: string): string => {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
};

/**
 * NOTIFY does not cross pglite-socket (it only writes while a query of that connection runs),
 * so a waiting worker is never woken and would sleep until its block timeout: up to an hour on
 * the PostgreSQL backend when a delayed job (the monthly schedule) exists. Measured: a job
 * enqueued next to the schedules waited >30 s. Workers on PGlite poll every second instead.
 */
const PGLITE_POLL_SECONDS = 1;
const pollingPostgresBackend: BackendFactory = (name, opts, factoryOpts) => {
  const backend = (createPostgresBackend as unknown as BackendFactory)(name, opts, factoryOpts);
  Object.defineProperty(backend, 'maximumBlockTimeout', { get: () => PGLITE_POLL_SECONDS });
  return backend;
};

export async function openQueueBackend({ redisUrl, databaseUrl, embedded = null, prefix = 'upkeep' }: QueueBackendTarget): Promise<QueueBackend> {
  if (redisUrl) {
    // BullMQ's blocking worker commands need maxRetriesPerRequest: null; the connection is
    // shared by queues and duplicated by BullMQ for each worker's blocking client.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    redis.on('error', () => {}); // surfaced through the health probe and BullMQ's own errors
    return {
      kind: 'redis',
      factory: undefined,
      connection: redis,
      prefix,
      description: `Redis at ${redact(redisUrl)}`,
      async close() {
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  }
  if (databaseUrl) {
    return {
      kind: 'postgres',
      factory: createPostgresBackend as unknown as BackendFactory,
      // The queue tables live in their own schema, apart from the application's migrations.
      connection: { connectionString: databaseUrl, migrate: true, schema: 'bullmq', max: 4 },
      prefix,
      description: 'PostgreSQL (schema bullmq, application database)',
      close: async () => {},
    };
  }
  if (!embedded) throw new Error('no queue backend: REDIS_URL, DATABASE_URL or the embedded database is needed');
  const served = await embedded();
  return {
    kind: 'pglite',
    factory: pollingPostgresBackend,
    pollSeconds: PGLITE_POLL_SECONDS,
    // The default `bullmq` schema fails through the socket multiplexer (STACK.md): use public.
    connection: { connectionString: served.url, migrate: true, schema: 'public', max: 2 },
    prefix,
    description: `embedded PGlite (served on ${served.address})`,
    close: () => served.close(),
  };
}
