// A client for stores that work inside the caller's transaction: it is that transaction's own
// client, and a store's own `$transaction(...)` joins it as a SAVEPOINT instead of opening a
// second one. So the stores run unchanged, their statements commit or roll back with the
// caller's, and a store's failed inner transaction still undoes only its own writes.
import type { Prisma, PrismaClient } from './generated/client.ts';

type Tx = Prisma.TransactionClient;

let savepoints = 0;

/** `tx` as a PrismaClient whose `$transaction` is a savepoint of `tx` (the interactive and the array forms). */
export function joinedTransaction(tx: Tx): PrismaClient {
  async function nested(work: unknown): Promise<unknown> {
    const name = `joined_${++savepoints}`;
    await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
    try {
      // The array form's queries were built on this client: awaiting them in order runs them here.
      const result = Array.isArray(work) ? await sequence(work) : await (work as (c: PrismaClient) => Promise<unknown>)(joined);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      // Undoes the inner writes and clears an aborted state; the caller's transaction goes on or fails with `e`.
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      throw e;
    }
  }
  const joined = new Proxy(tx, {
    get: (target, prop) => (prop === '$transaction' ? nested : Reflect.get(target, prop)),
  }) as unknown as PrismaClient;
  return joined;
}

async function sequence(queries: readonly PromiseLike<unknown>[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of queries) out.push(await q);
  return out;
}
