// Deduplication of inbound deliveries: GitHub deliveries and comment commands, Slack retries,
// Discord interactions, Stripe events. The (source, external_id) primary key is the guard:
// a redelivery finds its row and the caller skips the second effect.
import type { PrismaClient } from './generated/client.ts';

/** A Prisma client or an interactive transaction client: anything that can run raw SQL. */
export type RawSql = Pick<PrismaClient, '$queryRawUnsafe'>;

/**
 * Records that `externalId` from `source` has been received; true the first time, false for
 * every later call with the same pair (also under concurrency: one INSERT wins). Inside a
 * transaction the claim is rolled back with it, so a failed handler can be retried.
 */
export async function recordInbound(db: RawSql, source: string, externalId: string, kind?: string): Promise<boolean> {
  if (!source || !externalId) throw new RangeError('recordInbound needs a source and an external id');
  const rows = await db.$queryRawUnsafe<{ source: string }[]>(
    `INSERT INTO inbound_event (source, external_id, kind) VALUES ($1, $2, $3)
     ON CONFLICT (source, external_id) DO NOTHING
     RETURNING source`,
    source,
    externalId,
    kind ?? null,
  );
  return rows.length > 0;
}

/** Forgets a delivery (e.g. when its handling failed before any effect), so a retry is handled. */
export async function forgetInbound(db: Pick<PrismaClient, '$executeRawUnsafe'>, source: string, externalId: string): Promise<void> {
  await db.$executeRawUnsafe('DELETE FROM inbound_event WHERE source = $1 AND external_id = $2', source, externalId);
}
