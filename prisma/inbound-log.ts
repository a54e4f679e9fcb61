// The inbound delivery log on the `inbound_event` table: the (source, external_id) primary key
// is the guard, so one INSERT wins however many deliveries race; inside a transaction a racing
// INSERT waits for the first one's commit or rollback. Provider text is cleaned
// (core/text.ts) before it is stored or looked up: PostgreSQL refuses NUL and lone surrogates,
// and a delivery whose effect was applied must still be recorded.
import type { InboundEffectStores, InboundLog, InboundTransactions } from '../core/ports/inbound.ts';
import { cleanJson, cleanText } from '../core/text.ts';
import type { PrismaClient } from './generated/client.ts';
import { joinedTransaction } from './joined-transaction.ts';
import { PrismaNotificationOutbox } from './notification-outbox.ts';

export class PrismaInboundLog implements InboundLog {
  constructor(private readonly prisma: Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>) {}

  async claim(source: string, externalId: string, kind: string | null = null, payload?: unknown): Promise<boolean> {
    if (!source || !externalId) throw new RangeError('an inbound delivery needs a source and an external id');
    const rows = await this.prisma.$queryRawUnsafe<{ source: string }[]>(
      `INSERT INTO inbound_event (source, external_id, kind, payload) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (source, external_id) DO NOTHING
       RETURNING source`,
      cleanText(source),
      cleanText(externalId),
      kind === null ? null : cleanText(kind),
      payload === undefined ? null : JSON.stringify(cleanJson(payload)),
    );
    return rows.length > 0;
  }

  async seen(source: string, externalId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ n: number }[]>(
      'SELECT 1 AS n FROM inbound_event WHERE source = $1 AND external_id = $2',
      cleanText(source),
      cleanText(externalId),
    );
    return rows.length > 0;
  }

  async release(source: string, externalId: string): Promise<void> {
    await this.prisma.$executeRawUnsafe('DELETE FROM inbound_event WHERE source = $1 AND external_id = $2', cleanText(source), cleanText(externalId));
  }
}

/** The stores of an inbound effect, built on a client (the transaction's) and an outbox bound to it. */
export type InboundStoreFactory = (client: PrismaClient, outbox: PrismaNotificationOutbox) => Omit<InboundEffectStores, 'inbound' | 'outbox'>;

/** Long enough for a Stripe call inside the transaction and for deliveries queueing on one wish's lock. */
const TX_OPTIONS = { maxWait: 60_000, timeout: 120_000 } as const;
/** Runs of one transaction the database aborted (deadlock, serialization failure) before giving up. */
const MAX_RUNS = 5;

// PostgreSQL's deadlock_detected and serialization_failure, however the driver adapter wraps them.
const RETRYABLE = /\b(40P01|40001|P2034)\b|deadlock detected|could not serialize access/;
type ErrorLike = { code?: unknown; message?: unknown; originalCode?: unknown; meta?: { code?: unknown; message?: unknown }; cause?: unknown };
function abortedByDatabase(e: unknown): boolean {
  let x = e as ErrorLike | null | undefined;
  for (let depth = 0; x && typeof x === 'object' && depth < 5; depth++, x = x.cause as ErrorLike | undefined) {
    const text = [x.code, x.meta?.code, x.meta?.message, x.originalCode, x.message].filter((v) => typeof v === 'string').join(' ');
    if (RETRYABLE.test(text)) return true;
  }
  return false;
}

/**
 * Inbound effects in one interactive transaction (core/inbound.ts `applyOnce`): the log and the
 * stores are built on the transaction's client (`joinedTransaction`), the outbox's new rows are
 * handed to the worker once committed (as PrismaWishStore does with its own transactions).
 */
export class PrismaInboundTransactions implements InboundTransactions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: PrismaNotificationOutbox,
    private readonly stores: InboundStoreFactory,
  ) {}

  async run<T>(work: (stores: InboundEffectStores) => Promise<T>): Promise<T> {
    for (let run = 1; ; run++) {
      const recorded: string[] = [];
      let value: T;
      try {
        value = await this.prisma.$transaction(async (tx) => {
          const client = joinedTransaction(tx);
          const outbox = new PrismaNotificationOutbox(client);
          // Held until the commit: a row handed to the worker earlier could not be read yet.
          outbox.onRecorded(async (ids) => void recorded.push(...ids));
          return work({ ...this.stores(client, outbox), inbound: new PrismaInboundLog(client), outbox });
        }, TX_OPTIONS);
      } catch (e) {
        if (run >= MAX_RUNS || !abortedByDatabase(e)) throw e;
        continue;
      }
      await this.outbox.recorded(recorded);
      return value;
    }
  }
}
