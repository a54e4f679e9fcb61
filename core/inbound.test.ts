import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { applyOnce, DeliveryIncomplete, receiveOnce } from './inbound.ts';
import type { InboundEffectStores, InboundLog, InboundTransactions } from './ports/inbound.ts';

function memoryLog(): InboundLog & { rows: Map<string, unknown> } {
  const rows = new Map<string, unknown>();
  const k = (s: string, id: string) => `${s}\u0000${id}`;
  return {
    rows,
    claim: async (s, id, _kind, payload) => {
      if (rows.has(k(s, id))) return false;
      rows.set(k(s, id), payload ?? null);
      return true;
    },
    seen: async (s, id) => rows.has(k(s, id)),
    release: async (s, id) => {
      rows.delete(k(s, id));
    },
  };
}

const delivery = { source: 'github', externalId: 'd-1', kind: 'issues' };

describe('receiveOnce', () => {
  for (const policy of ['claim-first', 'record-after'] as const) {
    it(`${policy}: handles a delivery once, skips the redelivery`, async () => {
      const log = memoryLog();
      let runs = 0;
      const first = await receiveOnce(log, delivery, policy, async () => ++runs);
      const second = await receiveOnce(log, delivery, policy, async () => ++runs);
      expect(first).toEqual({ duplicate: false, value: 1 });
      expect(second).toEqual({ duplicate: true });
      expect(runs).toBe(1);
    });

    it(`${policy}: a handler that crashed is run again on redelivery`, async () => {
      const log = memoryLog();
      await expect(receiveOnce(log, delivery, policy, async () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
      expect(log.rows.size).toBe(0);
      expect(await receiveOnce(log, delivery, policy, async () => 'done')).toEqual({ duplicate: false, value: 'done' });
    });
  }

  it('claim-first: a refusal keeps the claim (the same input would be refused again)', async () => {
    const log = memoryLog();
    await expect(receiveOnce(log, delivery, 'claim-first', async () => Promise.reject(new DomainError('wish_not_found', 'No such wish.')))).rejects.toThrow('No such wish');
    expect(await receiveOnce(log, delivery, 'claim-first', async () => 'again')).toEqual({ duplicate: true });
  });

  it('claim-first-release-refusals: a refusal is released (sent again, answered again); a crash or a payment that could not start keeps the claim', async () => {
    const log = memoryLog();
    const refused = () => Promise.reject(new DomainError('allocation_points_total', 'The points add up to 90, not 100.'));
    await expect(receiveOnce(log, delivery, 'claim-first-release-refusals', refused)).rejects.toThrow('not 100');
    await expect(receiveOnce(log, delivery, 'claim-first-release-refusals', refused)).rejects.toThrow('not 100');
    expect(log.rows.size).toBe(0);
    await expect(receiveOnce(log, delivery, 'claim-first-release-refusals', async () => Promise.reject(new Error('socket hang up')))).rejects.toThrow('socket hang up');
    expect(await receiveOnce(log, delivery, 'claim-first-release-refusals', async () => 'again')).toEqual({ duplicate: true });
    const other = { ...delivery, externalId: 'd-2' };
    await expect(receiveOnce(log, other, 'claim-first-release-refusals', async () => Promise.reject(new DomainError('payment_failed', 'Stripe did not answer.')))).rejects.toThrow('Stripe');
    expect(await receiveOnce(log, other, 'claim-first-release-refusals', async () => 'again')).toEqual({ duplicate: true });
  });

  it('claim-first: a concurrent redelivery is skipped while the first is still running', async () => {
    const log = memoryLog();
    let release!: () => void;
    const slow = receiveOnce(log, delivery, 'claim-first', () => new Promise<string>((r) => (release = () => r('first'))));
    const concurrent = await receiveOnce(log, delivery, 'claim-first', async () => 'second');
    release();
    expect(concurrent).toEqual({ duplicate: true });
    expect(await slow).toEqual({ duplicate: false, value: 'first' });
  });

  it('record-after: keeps the payload with the record', async () => {
    const log = memoryLog();
    await receiveOnce(log, { source: 'stripe', externalId: 'evt_1', kind: 'charge.refunded', payload: { id: 'ch_1' } }, 'record-after', async () => null);
    expect([...log.rows.values()]).toEqual([{ id: 'ch_1' }]);
  });
});

/**
 * One database in memory: the log's rows and the effect's rows, changed by transactions that
 * run one at a time (as concurrent ones wait on the record's key) and are undone when they throw.
 */
function memoryDatabase() {
  const log = memoryLog();
  const effects: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const transactions: InboundTransactions = {
    run<T>(work: (stores: InboundEffectStores) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        const rows = new Map(log.rows);
        const written = effects.length;
        try {
          // The effects here write to `effects`; only the log is a store.
          return await work({ inbound: log } as unknown as InboundEffectStores);
        } catch (e) {
          log.rows.clear();
          for (const [k, v] of rows) log.rows.set(k, v);
          effects.length = written;
          throw e;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
  return { log, effects, transactions };
}

describe('applyOnce', () => {
  const event = { source: 'stripe', externalId: 'evt_1', kind: 'checkout.session.completed', payload: { id: 'cs_1' } };

  it('applies the effect and records the delivery together; a redelivery applies nothing', async () => {
    const db = memoryDatabase();
    const first = await applyOnce(db.transactions, event, async () => db.effects.push('paid'));
    const second = await applyOnce(db.transactions, event, async () => db.effects.push('paid'));
    expect(first).toEqual({ duplicate: false, value: 1 });
    expect(second).toEqual({ duplicate: true });
    expect(db.effects).toEqual(['paid']);
    expect([...db.log.rows.values()]).toEqual([{ id: 'cs_1' }]);
  });

  it('an effect that fails after writing leaves neither its writes nor the record; the redelivery applies it', async () => {
    const db = memoryDatabase();
    const failing = async () => {
      db.effects.push('wish updated');
      throw new Error('ledger refused');
    };
    await expect(applyOnce(db.transactions, event, failing)).rejects.toThrow('ledger refused');
    expect(db.effects).toEqual([]);
    expect(db.log.rows.size).toBe(0);
    expect(await applyOnce(db.transactions, event, async () => db.effects.push('wish updated', 'ledger'))).toEqual({ duplicate: false, value: 2 });
    expect(db.effects).toEqual(['wish updated', 'ledger']);
  });

  it('a refusal is thrown too (the caller decides whether it is an answer worth recording)', async () => {
    const db = memoryDatabase();
    await expect(applyOnce(db.transactions, event, async () => Promise.reject(new DomainError('wish_not_found', 'No such wish.')))).rejects.toThrow('No such wish');
    expect(db.log.rows.size).toBe(0);
  });

  it('an incomplete effect keeps its writes but not the record, and is rethrown so the provider redelivers', async () => {
    const db = memoryDatabase();
    const pending = async () => {
      db.effects.push('card saved', 'charge attempted');
      throw new DeliveryIncomplete('no answer from Stripe yet');
    };
    await expect(applyOnce(db.transactions, event, pending)).rejects.toBeInstanceOf(DeliveryIncomplete);
    expect(db.effects).toEqual(['card saved', 'charge attempted']);
    expect(db.log.rows.size).toBe(0);
    expect(await applyOnce(db.transactions, event, async () => 'finished')).toEqual({ duplicate: false, value: 'finished' });
    expect(await applyOnce(db.transactions, event, async () => 'again')).toEqual({ duplicate: true });
  });

  it('concurrent deliveries: one applies the effect, the others find it recorded', async () => {
    const db = memoryDatabase();
    const replies = await Promise.all(Array.from({ length: 10 }, () => applyOnce(db.transactions, event, async () => db.effects.push('paid'))));
    expect(replies.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(db.effects).toEqual(['paid']);
  });
});
