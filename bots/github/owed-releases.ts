// A claim whose release failed is owed: GitHub's redelivery must be handled again. The release
// fails when the database went away in the middle of a delivery (the handler failed for that
// very reason), so the claim would otherwise stay and every redelivery be answered "duplicate"
// with nothing applied. The process remembers such claims and releases them before its next
// claim, once the database answers again.
import type { InboundLog } from '../../core/ports/inbound.ts';

/** `inbound` whose failed releases are retried before the next claim (or look-up) succeeds. */
export function withOwedReleases(inbound: InboundLog): InboundLog {
  const owed = new Map<string, { source: string; externalId: string }>();
  const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;
  // Throws while the database is still away: the claim that follows would fail the same way.
  const settle = async () => {
    for (const [key, c] of owed) {
      await inbound.release(c.source, c.externalId);
      owed.delete(key);
    }
  };
  return {
    async claim(source, externalId, kind, payload) {
      if (owed.size > 0) await settle();
      return inbound.claim(source, externalId, kind, payload);
    },
    async seen(source, externalId) {
      if (owed.size > 0) await settle();
      return inbound.seen(source, externalId);
    },
    async release(source, externalId) {
      try {
        await inbound.release(source, externalId);
      } catch (e) {
        owed.set(keyOf(source, externalId), { source, externalId });
        throw e;
      }
    },
  };
}
