// Fresh databases for integration tests: a new PostgreSQL database per call (on the
// machine's server, TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:5432/postgres)
// and an in-memory PGlite. Both run the real migrations.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../prisma/db.ts';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends Database {
  /** URL of the PostgreSQL database (null for PGlite). */
  readonly url: string | null;
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `upkeep_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function openTestDatabase(kind: 'postgres' | 'pglite'): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({ kind: 'pglite', dataDir: null });
    return { ...db, url: null };
  }
  const created = await createPostgresDatabase();
  const db = await openDatabase({ kind: 'postgres', url: created.url });
  return {
    kind: db.kind,
    prisma: db.prisma,
    migrations: db.migrations,
    pglite: null,
    url: created.url,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

/** Both backends, for `describe.each`. */
export const BACKENDS = ['postgres', 'pglite'] as const;
