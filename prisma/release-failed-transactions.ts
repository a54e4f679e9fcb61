// A transaction whose connection died (PostgreSQL stopped or restarted under it) must still give
// its connection back to the pool. Prisma 6.19's engine ends a transaction by sending ROLLBACK
// (or COMMIT) through it and calls the adapter's rollback()/commit(), which releases the pooled
// client, only when that statement succeeds: on a dead connection it fails, the client stays
// checked out for good, and each transaction in flight at an outage costs the pool one of its
// connections until none is left (measured: 3 transactions in flight at `pg_ctl stop -m immediate`
// → the pool of 10 runs 7 queries at a time afterwards, and $disconnect() never returns).
// pg-pool drops a released client that is no longer queryable, so releasing it is enough.
import type { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

const ENDS_TRANSACTION = /^\s*(ROLLBACK|COMMIT)\s*;?\s*$/i;

/** `factory`, whose transactions release their connection when ending them fails. */
export function releasingFailedTransactions(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releasing(await start(isolationLevel));
    return adapter;
  };
  return factory;
}

function releasing(tx: Transaction): Transaction {
  let released = false;
  const once = (end: () => Promise<void>) => async () => {
    if (released) return;
    released = true;
    await end();
  };
  const commit = once(tx.commit.bind(tx));
  const rollback = once(tx.rollback.bind(tx));
  const executeRaw = tx.executeRaw.bind(tx);
  tx.commit = commit;
  tx.rollback = rollback;
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (e) {
      if (ENDS_TRANSACTION.test(query.sql)) await rollback();
      throw e;
    }
  };
  return tx;
}
