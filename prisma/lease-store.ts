// LeaseStore on the lease table: taking a lease is one upsert that only succeeds for its holder
// or once the current lease has expired, judged by the database's clock (one clock for every
// process, whatever their own say). Works on PostgreSQL and PGlite alike (no session state, so
// Prisma's connection pool cannot lose it the way it could a session advisory lock).
import type { LeaseStore } from '../core/ports/leases.ts';
import type { PrismaClient } from './generated/client.ts';

export class PrismaLeaseStore implements LeaseStore {
  constructor(private readonly prisma: PrismaClient) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ holder: string }[]>(
      `INSERT INTO lease (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE lease.holder = EXCLUDED.holder OR lease.expires_at < now()
       RETURNING holder`,
      name,
      holder,
      Math.max(1, Math.round(ttlMs)),
    );
    return rows.length === 1 && rows[0]!.holder === holder;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(`DELETE FROM lease WHERE name = $1 AND holder = $2`, name, holder);
  }
}
