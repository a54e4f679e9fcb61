// `npm run upkeep -- close <YYYY-MM>`: hands the close to the worker through the queue.
import { DomainError } from '../core/errors.ts';
import { comparePeriods, periodOf, type Period } from '../core/period.ts';
import type { Services } from '../app/services.ts';
import { startJobs } from './index.ts';

/**
 * Refuses, before anything is enqueued, a close the job would refuse (the same rules as
 * closePeriod): a month that has not started, or one before a month already closed.
 */
export async function refuseUnclosable(s: Services, period: Period): Promise<void> {
  const current = periodOf(s.clock.now());
  if (comparePeriods(period, current) > 0) {
    throw new DomainError('period_in_future', `${period} has not started yet; the latest period that can be closed is ${current}.`, { period });
  }
  if ((await s.ledger.period(period)) !== null) return;
  const later = (await s.ledger.closedPeriods()).filter((p) => comparePeriods(p.period, period) > 0);
  if (later.length > 0) {
    throw new DomainError('period_closed', `${period} can no longer be closed: ${later[later.length - 1]!.period} is already closed, and months close in order.`, { period });
  }
}

export async function enqueueClose(s: Services, period: Period): Promise<number> {
  await refuseUnclosable(s, period);
  const existing = await s.ledger.period(period);
  if (existing?.status === 'closed') {
    console.log(`${period} was already closed; nothing changed.`);
    return 0;
  }
  const jobs = await startJobs(s, { workers: false, schedules: false });
  try {
    const job = await jobs.enqueueClose(period);
    const state = await job.getState();
    console.log(`Close of ${period} enqueued (job ${job.id}, ${state}) on ${jobs.backend.description}.`);
    console.log(
      s.db.kind === 'pglite'
        ? 'The worker of `npm start` (or `npm run worker`) runs it when it starts on this data directory; `--inline` closes it now.'
        : 'A running worker (`npm start` or `npm run worker`) picks it up; `--inline` closes it in this process instead.',
    );
    return 0;
  } finally {
    await jobs.stop();
  }
}
