// The abuse counters on the `rate_limit_counter` table: one row per key and fixed window. The
// conditional upsert takes the row lock, so concurrent attempts from any number of instances
// are counted one after the other and never pass a full window; a transaction makes taking
// from several buckets all-or-none.
import type { RateLimitCounter, RateLimiter } from '../core/ports/rate-limiter.ts';
import type { PrismaClient } from './generated/client.ts';

class WindowFull extends Error {
  constructor(readonly counter: RateLimitCounter) {
    super('rate limit window full');
  }
}

export class PrismaRateLimiter implements RateLimiter {
  constructor(private readonly prisma: Pick<PrismaClient, '$transaction'>) {}

  async take<C extends RateLimitCounter>(counters: readonly C[]): Promise<C | null> {
    if (counters.length === 0) return null;
    // One order for every process: two attempts taking the same keys never wait on each other in a circle.
    const ordered = [...counters].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart.getTime() - b.windowStart.getTime()));
    try {
      // Waits for a pooled connection as the other stores do: Prisma's default (2 s) refused pledges of a burst on a busy pool.
      await this.prisma.$transaction(async (tx) => {
        for (const b of ordered) {
          const rows = await tx.$queryRawUnsafe<{ count: number }[]>(
            `INSERT INTO rate_limit_counter (key, window_start, window_end, count) VALUES ($1, $2, $3, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counter.count + 1
             WHERE rate_limit_counter.count < $4
             RETURNING count`,
            b.key,
            b.windowStart,
            b.windowEnd,
            b.limit,
          );
          if (rows.length === 0 || b.limit < 1) throw new WindowFull(b);
          // The key's past windows count no more.
          await tx.$executeRawUnsafe('DELETE FROM rate_limit_counter WHERE key = $1 AND window_start < $2', b.key, b.windowStart);
        }
      }, { maxWait: 60_000 });
    } catch (e) {
      if (e instanceof WindowFull) return e.counter as C;
      throw e;
    }
    return null;
  }
}
