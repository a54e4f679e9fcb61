// Job definitions: a name, the queue it runs on, a zod schema for its payload and a handler
// that calls core use-cases. Handlers may run more than once for one job (retries, a worker
// killed mid-way, a stalled lock): every effect is guarded by a database uniqueness
// constraint (period id, ledger transaction key, notification key), never by the queue.
import type { Job, JobsOptions } from 'bullmq';
import { z } from 'zod';
import { parsePeriod, periodOf, addMonths, type Period } from '../core/period.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { refundWishPledges } from '../core/use-cases/payments/refund-wish-pledges.ts';
import { sendPayouts } from '../core/use-cases/payments/send-payouts.ts';
import { refreshActivity } from '../core/use-cases/refresh-activity.ts';
import { expireWishes } from '../core/use-cases/wishes/expire-wishes.ts';
import { remindDeadlines } from '../core/use-cases/wishes/remind-deadlines.ts';
import type { Deliverers } from '../core/ports/deliverers.ts';
import type { Ports } from '../core/ports/index.ts';
import type { Logger } from '../edge/logger.ts';
import { deliverNotification, sweepPendingNotifications } from './notifications.ts';

export const QUEUE_NAMES = ['periods', 'maintenance', 'notifications'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** What the jobs use: the ports they call, the settlement currency, and the platforms' deliverers. */
export type WorkerDeps = Pick<Ports, 'clock' | 'companies' | 'packages' | 'ledger' | 'wishes' | 'payments' | 'gateway' | 'outbox' | 'notifications' | 'repositories' | 'activity'> & {
  currency: string;
  log: Logger;
  /** The configured platforms' deliverers (built by the composition root from each adapter). */
  deliverers: Deliverers;
};

export interface JobContext {
  deps: WorkerDeps;
  job: Job;
  log: Logger;
  /** Adds another job (e.g. follow-ups of a close); deduplicated by `jobId` while it exists. */
  enqueue(name: JobName, data: unknown, opts?: JobsOptions): Promise<void>;
  /** Enqueues delivery jobs for notification rows (ids). */
  deliver(ids: readonly string[]): Promise<void>;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly queue: QueueName;
  readonly schema: S;
  /** Defaults for every job of this kind (attempts, back-off). */
  readonly options?: JobsOptions;
  handler(data: z.infer<S>, ctx: JobContext): Promise<unknown>;
}

const define = <S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> => d;

const periodSchema = z.string().transform((s, ctx) => {
  const r = parsePeriod(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.error.userMessage });
    return z.NEVER;
  }
  return r.value;
});

/** The period a scheduled close (fired at 00:00 UTC on the 1st) closes: the month before. */
export const previousPeriod = (now: Date): Period => addMonths(periodOf(now), -1);

/** Job id of the close of a period: BullMQ ids must not contain `:`. */
export const closeJobId = (period: Period): string => `close-${period}`;

export const closePeriodJob = define({
  name: 'close-period',
  queue: 'periods',
  // Without a period (the monthly scheduler), the job closes the month before "now".
  schema: z.object({ period: periodSchema.optional() }),
  options: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 } },
  async handler(data, { deps, job, log, enqueue }) {
    const period = data.period ?? previousPeriod(deps.clock.now());
    let lastReported = -1;
    // Charging company budgets is the close's first step (Stripe off-session, or recorded as
    // owed offline), so a company whose charge failed is left out of the distribution.
    // A failed charge is told to the company's channels and to each admin directly.
    const budgets = budgetCollector({ gateway: deps.gateway, payments: deps.payments, outbox: deps.outbox, currency: deps.currency, companies: deps.companies, clock: deps.clock });
    const report = await closePeriod({
      ledger: deps.ledger,
      clock: deps.clock,
      period,
      budgets,
      // Package summaries also reach the channels following the repository that claims the package.
      announce: { outbox: deps.outbox, currency: deps.currency, packages: deps.packages },
      onProgress: (done, total) => {
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
        if (percent === lastReported) return;
        lastReported = percent;
        void job.updateProgress({ done, total, percent }).catch(() => {});
      },
    });
    log.info({ period, closedNow: report.closedNow, planned: report.planned, written: report.written, companies: report.companies, unfunded: report.unfunded.length }, 'period close finished');
    // Payouts follow every close (a repeat finds nothing new to pay; offline, they are owed).
    await enqueue('pay-maintainers', { period }, { jobId: `payout-${period}` });
    return { period, closedNow: report.closedNow, planned: report.planned, written: report.written, companies: report.companies, unfunded: report.unfunded.length };
  },
});

export const payMaintainersJob = define({
  name: 'pay-maintainers',
  queue: 'maintenance',
  schema: z.object({ period: periodSchema }),
  options: { attempts: 8, backoff: { type: 'exponential', delay: 60_000 } },
  async handler(data, { deps, log }) {
    const report = await sendPayouts({ payments: deps.payments, gateway: deps.gateway, ledger: deps.ledger, clock: deps.clock, period: data.period, currency: deps.currency });
    const summary = { period: data.period, sent: report.sent.length, owed: report.owed.length, carried: report.carried.length, failed: report.failed.length };
    log.info(summary, 'payouts done');
    // Transfers without an answer are retried with the same idempotency keys.
    if (report.failed.some((f) => f.retried)) throw new Error(`${report.failed.filter((f) => f.retried).length} payout(s) had no answer; retrying`);
    return summary;
  },
});

export const expireWishesJob = define({
  name: 'expire-wishes',
  queue: 'maintenance',
  schema: z.object({}).passthrough(),
  options: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
  async handler(_data, { deps, log }) {
    const now = deps.clock.now();
    const { expired } = await expireWishes({ wishes: deps.wishes, outbox: deps.outbox, now });
    let refunded = 0;
    let released = 0;
    let owed = 0;
    const failures: string[] = [];
    // Those expired by this run, and any whose refunds an earlier run did not finish (a crash, a provider outage).
    for (const wishId of await deps.wishes.owingRefunds()) {
      try {
        // Idempotent per pledge (key `refund:<pledgeId>` on the provider, payment row and ledger).
        const r = await refundWishPledges({ wishes: deps.wishes, payments: deps.payments, gateway: deps.gateway, ledger: deps.ledger, clock: deps.clock, wishId });
        refunded += r.refunded.length;
        released += r.released.length;
        owed += r.owed.length;
        for (const f of r.failed) failures.push(`${wishId} ${f.pledgeId}: ${f.error}`);
      } catch (e) {
        failures.push(`${wishId}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const summary = { expired: expired.length, refunded, released, owed, failed: failures.length };
    log.info(summary, 'wish expiry done');
    if (failures.length > 0) throw new Error(`refunds did not all go through (retried): ${failures.slice(0, 5).join('; ')}`);
    return summary;
  },
});

export const remindDeadlinesJob = define({
  name: 'remind-deadlines',
  queue: 'maintenance',
  schema: z.object({}).passthrough(),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
  async handler(_data, { deps, log }) {
    // Once per wish (the notice key), however often this runs: daily, retried, or on two workers.
    const { reminded } = await remindDeadlines({ wishes: deps.wishes, outbox: deps.outbox, now: deps.clock.now() });
    log.info({ reminded: reminded.length }, 'deadline reminders done');
    return { reminded: reminded.length };
  },
});

export const deliverNotificationJob = define({
  name: 'deliver-notification',
  queue: 'notifications',
  schema: z.object({ id: z.string().regex(/^\d+$/, 'a notification id') }),
  // Per destination: each notification row is one channel and one job, retried on its own.
  options: { attempts: 8, backoff: { type: 'exponential', delay: 5_000 } },
  async handler(data, ctx) {
    return deliverNotification({ notifications: ctx.deps.notifications, id: data.id, deliverers: ctx.deps.deliverers, log: ctx.log, attempt: ctx.job.attemptsMade + 1 });
  },
});

export const sweepNotificationsJob = define({
  name: 'sweep-notifications',
  queue: 'notifications',
  schema: z.object({}).passthrough(),
  async handler(_data, ctx) {
    // Rows recorded while no queue was reachable (a CLI run, a crash between insert and add).
    const ids = await sweepPendingNotifications({ notifications: ctx.deps.notifications, olderThan: new Date(ctx.deps.clock.now().getTime() - 60_000) });
    await ctx.deliver(ids);
    return { enqueued: ids.length };
  },
});

export const refreshActivityJob = define({
  name: 'refresh-activity',
  queue: 'maintenance',
  schema: z.object({}).passthrough(),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
  async handler(_data, { deps, log }) {
    if (!deps.activity) return { skipped: 'the GitHub App is not configured' };
    const result = await refreshActivity({ repositories: deps.repositories, source: deps.activity, clock: deps.clock });
    // One unreadable repository is logged and read again tomorrow; it does not fail the job.
    if (result.failed.length > 0) log.warn({ failed: result.failed.slice(0, 20) }, 'some repositories could not be read');
    log.info({ checked: result.checked, updated: result.updated, failed: result.failed.length, skipped: result.skipped.length }, 'activity refreshed');
    return result;
  },
});

export const JOBS: readonly JobDefinition[] = [closePeriodJob, payMaintainersJob, expireWishesJob, remindDeadlinesJob, refreshActivityJob, deliverNotificationJob, sweepNotificationsJob];
export type JobName = string;

/** Repeating schedules, registered idempotently (upsertJobScheduler) by every instance. */
export const SCHEDULES: readonly { id: string; queue: QueueName; pattern: string; job: JobName; data: Record<string, unknown> }[] = [
  { id: 'close-previous-month', queue: 'periods', pattern: '0 0 1 * *', job: 'close-period', data: {} },
  { id: 'expire-wishes-daily', queue: 'maintenance', pattern: '30 0 * * *', job: 'expire-wishes', data: {} },
  { id: 'remind-deadlines-daily', queue: 'maintenance', pattern: '0 9 * * *', job: 'remind-deadlines', data: {} },
  { id: 'refresh-activity-daily', queue: 'maintenance', pattern: '0 3 * * *', job: 'refresh-activity', data: {} },
  { id: 'sweep-notifications', queue: 'notifications', pattern: '*/5 * * * *', job: 'sweep-notifications', data: {} },
];
