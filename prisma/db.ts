// Opens the application database: PostgreSQL when a URL is given, otherwise embedded
// PGlite in a data directory (or in memory, for tests). Migrations are applied first.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations, type MigrationOutcome, type SqlSession } from './migrate.ts';
import { releasingFailedTransactions } from './release-failed-transactions.ts';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | null };

export interface Database {
  readonly kind: DatabaseTarget['kind'];
  readonly prisma: PrismaClient;
  readonly migrations: MigrationOutcome;
  /** The embedded engine, when there is one (the queue serves it over a socket). */
  readonly pglite: PGlite | null;
  close(): Promise<void>;
}

/** The driver beneath a client opened here, for bulk writes Prisma has no API for (COPY). */
export type DirectSql = { kind: 'postgres'; pool: pg.Pool } | { kind: 'pglite'; pglite: PGlite };
const drivers = new WeakMap<object, DirectSql>();
/** The driver of a client opened by `openDatabase`; null for any other client. */
export const directSql = (prisma: object): DirectSql | null => drivers.get(prisma) ?? null;

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    let migrations: MigrationOutcome;
    try {
      migrations = await applyMigrations(pgSession(client));
    } finally {
      await client.end();
    }
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle connection dropped by the server (a restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const prisma = new PrismaClient({ adapter: releasingFailedTransactions(new PrismaPg(pool)) });
    drivers.set(prisma, { kind: 'postgres', pool });
    return {
      kind: 'postgres',
      prisma,
      migrations,
      pglite: null,
      async close() {
        await prisma.$disconnect();
        // The adapter does not own a pool it was given.
        if (!pool.ended) await pool.end();
      },
    };
  }
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? await PGlite.create(target.dataDir) : await PGlite.create();
  const migrations = await applyMigrations(pgliteSession(pglite));
  // The PGlite adapter bundles its own copy of the adapter interfaces; they match at run time.
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) as unknown as PrismaPg });
  drivers.set(prisma, { kind: 'pglite', pglite });
  return {
    kind: 'pglite',
    prisma,
    migrations,
    pglite,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

export function pgSession(client: pg.Client | pg.PoolClient): SqlSession {
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <T,>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
  };
}
