// Serves the embedded PGlite engine on 127.0.0.1 so BullMQ's PostgreSQL backend (which speaks
// the wire protocol through `pg`) can keep its queue in the application database.
//
// PGlite is a single backend shared by Prisma (in-process) and the socket's clients. The
// socket server only keeps its *own* clients from interleaving inside a transaction; Prisma's
// queries would still run inside a socket client's open transaction, and socket messages
// inside a Prisma transaction. The guard below closes that gap: a socket client holds
// PGlite's transaction lock from its first message until it is back at a statement boundary
// outside any transaction (after Sync or a simple Query), so the two sides take turns.
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Extended-protocol messages after which more of the same statement follows (before Sync). */
const MID_STATEMENT = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

interface PgliteInternals {
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** A simple-protocol Query message. */
function simpleQuery(sql: string): Uint8Array {
  const body = Buffer.from(`${sql}\0`, 'utf8');
  const msg = Buffer.alloc(5 + body.length);
  msg.write('Q', 0, 'ascii');
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return new Uint8Array(msg);
}

/** The subset of PGlite the socket server uses, with the socket side taking PGlite's transaction lock. */
function guardTransactions(db: PGlite) {
  let release: (() => void) | null = null;
  let lastType = 0;
  const takeLock = () =>
    new Promise<() => void>((acquired) => {
      void (db as unknown as PgliteInternals)._runExclusiveTransaction(() => new Promise<void>((done) => acquired(() => done())));
    });
  const letGo = () => {
    const r = release;
    release = null;
    r?.();
  };
  return {
    get waitReady() {
      return db.waitReady;
    },
    // Seen by the socket server's queue: while true it only serves the client that holds the turn.
    isInTransaction: () => release !== null,
    execProtocolRawStream: (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
      lastType = message[0] ?? 0;
      return db.execProtocolRawStream(message, options);
    },
    async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
      if (!release) release = await takeLock();
      try {
        return await db.runExclusive(fn);
      } finally {
        if (!MID_STATEMENT.has(lastType) && !db.isInTransaction()) letGo();
      }
    },
    // Called by the socket server to roll back a client that disconnected mid-transaction.
    async exec(sql: string) {
      if (release) {
        await db.runExclusive(() => db.execProtocolRawStream(simpleQuery(sql), { onRawData: () => {} }));
        letGo();
        return;
      }
      await db.exec(sql);
    },
  };
}

export interface ServedPglite {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  address: string;
  close(): Promise<void>;
}

export async function servePglite(db: PGlite): Promise<ServedPglite> {
  const server = new PGLiteSocketServer({ db: guardTransactions(db) as unknown as PGlite, host: '127.0.0.1', port: 0, maxConnections: 64 });
  await server.start();
  const address = server.getServerConn();
  return { url: `postgresql://postgres@${address}/postgres`, address, close: () => server.stop() };
}
