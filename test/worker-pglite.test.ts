// The embedded default serves one PGlite engine to Prisma (in-process) and to BullMQ (over
// pglite-socket). PGlite has a single session: without prisma/pglite-socket.ts's guard, a
// statement of one side runs inside the other side's open transaction and shares its fate.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePglite, type ServedPglite } from '../prisma/pglite-socket.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PGlite served to the queue over a socket', () => {
  let db: TestDatabase;
  let served: ServedPglite;
  let client: pg.Client;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    await db.prisma.$executeRawUnsafe('CREATE TABLE probe (n int)');
    served = await servePglite(db.pglite!);
    client = new pg.Client({ connectionString: served.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await served?.close();
    await db?.close();
  });

  const rows = async () => (await db.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM probe ORDER BY n')).map((r) => r.n);

  it("keeps socket statements out of a Prisma transaction, which may roll back", async () => {
    const tx = db.prisma.$transaction(async (t) => {
      await t.$executeRawUnsafe('INSERT INTO probe VALUES (3)');
      await sleep(150);
      throw new Error('roll back');
    });
    const outcome = tx.then(
      () => 'committed',
      (e: Error) => e.message,
    );
    await sleep(30);
    await client.query('INSERT INTO probe VALUES (4)');
    expect(await outcome).toBe('roll back');
    expect(await rows()).toEqual([4]);
  });

  it('rolls back and frees the engine when a socket client disconnects mid-transaction', async () => {
    await db.prisma.$executeRawUnsafe('DELETE FROM probe');
    const other = new pg.Client({ connectionString: served.url });
    other.on('error', () => {});
    await other.connect();
    await other.query('BEGIN');
    await other.query('INSERT INTO probe VALUES (5)');
    other.connection.stream.destroy();
    await db.prisma.$executeRawUnsafe('INSERT INTO probe VALUES (6)');
    expect(await rows()).toEqual([6]);
  });
});
