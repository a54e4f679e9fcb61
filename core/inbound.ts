/**
 * The one deduplication helper for inbound deliveries. Providers redeliver (GitHub and Stripe on
 * a 5xx or a time-out, Slack after 3 s, Discord never), so each delivery is handled at most once
 * in effect, with one of these explicit policies:
 *
 * - `applyOnce` (its own function): the delivery's record and its effect commit in ONE database
 *   transaction. The record is inserted first, so a duplicate (recorded before, or by a
 *   concurrent delivery that committed meanwhile) is found inside the transaction and the effect
 *   does not run; an effect that fails rolls the record back with it, so the provider's
 *   redelivery applies it from the start. For providers whose events carry money (Stripe).
 * - `claim-first`: the delivery is claimed before handling, so a concurrent redelivery is skipped
 *   at once. If handling fails with an error a retry may fix (`retryable`), the claim is
 *   released and the provider's redelivery is handled again; a refusal (DomainError) keeps the
 *   claim, since the same input would be refused again. For providers that redeliver on their
 *   own after a failure (GitHub, Discord).
 * - `claim-first-release-refusals`: claimed before handling too, but the release goes the other
 *   way. A refusal applied nothing, so the claim is released and a person who sends the same
 *   thing again gets the same answer again. An unexpected failure, or a payment that could not
 *   start after its pledge was recorded, keeps the claim: part of it may have been applied, and
 *   a new attempt comes with a new id. For requests a person resends by hand (Slack commands
 *   and forms, which Slack itself retries only while the first attempt is unanswered).
 * - `record-after`: handling runs first and must be idempotent (every effect has its own key);
 *   the delivery is recorded only once it succeeded, so a crash mid-way is completed by the
 *   redelivery. A delivery already recorded is skipped without running the handler. Left for
 *   the Discord Gateway relay, whose effect is one keyed outbox notice.
 */
import { isDomainError } from './errors.ts';
import type { InboundEffectStores, InboundLog, InboundTransactions } from './ports/inbound.ts';

export type InboundPolicy = 'claim-first' | 'claim-first-release-refusals' | 'record-after';

export interface InboundDelivery {
  /** `github`, `github-comment`, `slack`, `discord`, `stripe`... */
  readonly source: string;
  readonly externalId: string;
  readonly kind?: string | null;
  /** Kept with the record (e.g. a Stripe event's object, for reconciliation). */
  readonly payload?: unknown;
}

export type Received<T> = { duplicate: true } | { duplicate: false; value: T };

/** Whether a failed handling should be tried again on redelivery: anything but a refusal. */
export const retryable = (e: unknown): boolean => !isDomainError(e);

/** A refusal that applied nothing (a pledge whose payment could not start stays recorded). */
const appliedNothing = (e: unknown): boolean => isDomainError(e) && e.code !== 'payment_failed';

const RELEASE: Readonly<Record<Exclude<InboundPolicy, 'record-after'>, (e: unknown) => boolean>> = {
  'claim-first': retryable,
  'claim-first-release-refusals': appliedNothing,
};

/** Runs `handle` for a delivery not seen before, under `policy`; a duplicate does not run it. */
export async function receiveOnce<T>(
  inbound: InboundLog,
  delivery: InboundDelivery,
  policy: InboundPolicy,
  handle: () => Promise<T>,
): Promise<Received<T>> {
  const { source, externalId, kind = null, payload } = delivery;
  if (policy !== 'record-after') {
    if (!(await inbound.claim(source, externalId, kind, payload))) return { duplicate: true };
    try {
      return { duplicate: false, value: await handle() };
    } catch (e) {
      if (RELEASE[policy](e)) await inbound.release(source, externalId);
      throw e;
    }
  }
  if (await inbound.seen(source, externalId)) return { duplicate: true };
  const value = await handle();
  // A concurrent delivery may have recorded it meanwhile: both ran idempotent effects.
  await inbound.claim(source, externalId, kind, payload);
  return { duplicate: false, value };
}

/**
 * Thrown by an effect that applied what it could (every part under its own key) but is not done,
 * e.g. a charge the provider has not answered yet: what it wrote is committed, the delivery is
 * not recorded, and `applyOnce` rethrows it so the provider redelivers and the next run finishes.
 */
export class DeliveryIncomplete extends Error {
  override readonly name = 'DeliveryIncomplete';
}

/**
 * Records `delivery` and runs `effect` in one database transaction (see the policies above):
 * a duplicate does not run the effect; an effect that throws leaves neither its writes nor the
 * record, except `DeliveryIncomplete`, which keeps the writes and forgets the record.
 */
export async function applyOnce<T>(
  transactions: InboundTransactions,
  delivery: InboundDelivery,
  effect: (stores: InboundEffectStores) => Promise<T>,
): Promise<Received<T>> {
  const { source, externalId, kind = null, payload } = delivery;
  const outcome = await transactions.run(async (stores): Promise<Received<T> | { incomplete: DeliveryIncomplete }> => {
    if (!(await stores.inbound.claim(source, externalId, kind, payload))) return { duplicate: true };
    try {
      return { duplicate: false, value: await effect(stores) };
    } catch (e) {
      if (!(e instanceof DeliveryIncomplete)) throw e;
      await stores.inbound.release(source, externalId);
      return { incomplete: e };
    }
  });
  if ('incomplete' in outcome) throw outcome.incomplete;
  return outcome;
}
