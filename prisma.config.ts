// Prisma CLI configuration (generate, migrate diff). The application applies migrations
// itself (prisma/migrate.ts), so the CLI is only a development tool here.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

const realUrl = process.env.DATABASE_URL;
// The CLI needs a syntactically valid URL even when the adapter decides the real target;
// without one it tries to download an engine binary.
process.env.DATABASE_URL ||= 'postgresql://embedded@localhost:5432/upkeep';

export default defineConfig({
  schema: path.join('prisma', 'schema'),
  migrations: { path: path.join('prisma', 'migrations') },
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    if (realUrl) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: realUrl });
    }
    // No DATABASE_URL: an in-memory PGlite (used to diff migrations).
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    // The adapter bundles its own copy of the adapter interfaces; they match at run time.
    return new PrismaPGlite(new PGlite()) as unknown as InstanceType<typeof import('@prisma/adapter-pg').PrismaPg>;
  },
});
