import type { CompanyStore } from './companies.ts';
import type { LedgerStore } from './ledger.ts';
import type { NotificationOutbox } from './notifications.ts';
import type { PaymentStore } from './payments.ts';
import type { UnfundedMonthStore } from './unfunded-months.ts';
import type { WishStore } from './wishes.ts';

/**
 * The log of inbound deliveries (GitHub deliveries and comment commands, Slack retries, Discord
 * interactions, Stripe events): one row per (source, external id). Use it through
 * `receiveOnce` or `applyOnce` (core/inbound.ts), which own the claim-and-release policies.
 */
export interface InboundLog {
  /** Records the delivery; true the first time, false for every later call (also under concurrency). */
  claim(source: string, externalId: string, kind?: string | null, payload?: unknown): Promise<boolean>;
  /** Whether the delivery is already recorded (nothing is written). */
  seen(source: string, externalId: string): Promise<boolean>;
  /** Forgets the delivery, so a redelivery is handled again. */
  release(source: string, externalId: string): Promise<void>;
}

/**
 * The stores an inbound delivery's effect writes through, every one bound to the same database
 * transaction as the delivery's record (`inbound`). An effect writes through these only: a
 * write through another store would commit on its own.
 */
export interface InboundEffectStores {
  inbound: InboundLog;
  wishes: WishStore;
  ledger: LedgerStore;
  outbox: NotificationOutbox;
  payments: PaymentStore;
  unfundedMonths: UnfundedMonthStore;
  companies: CompanyStore;
}

/**
 * One database transaction around an inbound delivery's record and its effect (use through
 * `applyOnce`, core/inbound.ts).
 */
export interface InboundTransactions {
  /**
   * Runs `work` with the stores bound to one transaction: committed when it resolves, rolled back
   * when it throws. Notices it records are handed to the worker only after the commit. When the
   * database aborts the transaction (a deadlock, a serialization failure) `work` runs again from
   * the start, so anything it does outside the database must be safe to repeat (provider calls
   * carry idempotency keys).
   */
  run<T>(work: (stores: InboundEffectStores) => Promise<T>): Promise<T>;
}
