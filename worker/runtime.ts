// The queues of one process, and (optionally) the workers that run their jobs. Any number of
// processes may start a runtime against the same backend: schedules are upserted by id, so
// they exist once, and every effect is guarded by the database.
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { isDomainError, type DomainErrorCode } from '../core/errors.ts';
import type { Period } from '../core/period.ts';
import { withDeadline, type HealthProbe } from '../edge/contribution.ts';
import type { QueueBackend } from './backend.ts';
import { closeJobId, JOBS, QUEUE_NAMES, SCHEDULES, type JobContext, type JobDefinition, type QueueName, type WorkerDeps } from './jobs.ts';

export interface RuntimeOptions {
  /** Start workers (false: only enqueue, e.g. the CLI or a web-only process). */
  workers?: boolean;
  /** Register the repeating schedules (idempotent). */
  schedules?: boolean;
  /** How long a job's lock lasts before another worker may take a job whose worker died. */
  lockDuration?: number;
  /** Override of every job kind's defaults (tests shorten back-offs). */
  jobOptions?: Partial<Record<string, JobsOptions>>;
  concurrency?: Partial<Record<QueueName, number>>;
}

export interface QueueSummary {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface JobRuntime {
  readonly backend: QueueBackend;
  readonly queues: Readonly<Record<QueueName, Queue>>;
  enqueue(name: string, data: unknown, opts?: JobsOptions): Promise<Job>;
  /** Enqueues the close of `period` (job id `close-<period>`: a repeat while it exists is a no-op). */
  enqueueClose(period: Period): Promise<Job>;
  /** Enqueues delivery jobs for recorded notifications. */
  deliver(ids: readonly string[]): Promise<void>;
  registerSchedules(): Promise<void>;
  counts(): Promise<QueueSummary[]>;
  readonly probe: HealthProbe;
  stop(): Promise<void>;
}

const FINAL_CODES = new Set<DomainErrorCode>(['period_in_future', 'period_closed', 'invalid_period', 'invalid_input', 'not_found', 'wish_not_found', 'company_not_found']);

const READY_TIMEOUT_MS = 20_000;

/** Worker deaths a close survives before BullMQ fails it (each resumes where the last stopped). */
const CLOSE_MAX_STALLED = 1_000;

/** Longest a request that recorded notices waits for the queue to take their deliveries. */
const RECORDED_HANDOFF_MS = 1_000;

const KEEP = { removeOnComplete: { age: 30 * 24 * 3600, count: 1_000 }, removeOnFail: false } as const;

export async function createJobRuntime({ deps, backend, options = {} }: { deps: WorkerDeps; backend: QueueBackend; options?: RuntimeOptions }): Promise<JobRuntime> {
  const log = deps.log.child({ component: 'worker', backend: backend.kind });
  const byName = new Map<string, JobDefinition>(JOBS.map((d) => [d.name, d]));
  const common = { connection: backend.connection as never, prefix: backend.prefix };
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, common, backend.factory as never)])) as Record<QueueName, Queue>;
  for (const q of Object.values(queues)) q.on('error', (e) => log.error({ err: e, queue: q.name }, 'queue error'));
  // BullMQ retries a connection forever; at start-up, say what is missing instead of hanging.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(Object.values(queues).map((q) => q.waitUntilReady())),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the queue backend (${backend.description}) did not answer within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    await Promise.all(Object.values(queues).map((q) => q.close().catch(() => {})));
    throw e;
  } finally {
    clearTimeout(timer);
  }

  // ioredis holds commands while disconnected (they would wait for the reconnection): not connected is down, now.
  const connected = () => backend.kind !== 'redis' || (backend.connection as { status?: string }).status === 'ready';

  const optionsOf = (name: string, opts?: JobsOptions): JobsOptions => ({ ...KEEP, ...byName.get(name)?.options, ...options.jobOptions?.[name], ...opts });

  const enqueue = async (name: string, data: unknown, opts?: JobsOptions): Promise<Job> => {
    const def = byName.get(name);
    if (!def) throw new Error(`unknown job ${name}`);
    def.schema.parse(data);
    if (opts?.jobId?.includes(':')) throw new Error(`job id ${opts.jobId} must not contain ':'`);
    return queues[def.queue].add(name, data, optionsOf(name, opts));
  };

  const deliver = async (ids: readonly string[]): Promise<void> => {
    if (ids.length === 0) return;
    await queues.notifications.addBulk(
      ids.map((id) => ({ name: 'deliver-notification', data: { id: String(id) }, opts: optionsOf('deliver-notification', { jobId: `notify-${id}` }) })),
    );
  };

  // Notices recorded from now on in this process are handed to the queue straight away. A
  // queue hiccup must not fail (nor hold) the use-case that recorded the notice: the row is
  // written and the periodic sweep enqueues it later. Redis down: ioredis holds the command and
  // sends it once it reconnects, so the request does not wait for that; otherwise it waits at
  // most RECORDED_HANDOFF_MS.
  deps.notifications.onRecorded(async (ids) => {
    const handoff = deliver(ids).catch((e: unknown) => log.warn({ err: e, notifications: ids.length }, 'could not enqueue deliveries; the sweep will'));
    if (!connected()) return void log.warn({ notifications: ids.length, backend: backend.description }, 'queue disconnected: deliveries enqueued once it is back');
    await withDeadline(handoff, RECORDED_HANDOFF_MS, () => new Error(`the queue backend (${backend.description}) did not take the deliveries within ${RECORDED_HANDOFF_MS} ms`)).catch((e: unknown) =>
      log.warn({ err: e, notifications: ids.length }, 'deliveries not taken yet; they are enqueued when the queue answers, or the sweep will'),
    );
  });

  const context = (job: Job): JobContext => ({
    deps,
    job,
    log: log.child({ jobId: job.id, job: job.name, queue: job.queueName }),
    enqueue: async (name, data, opts) => {
      await enqueue(name, data, opts);
    },
    deliver,
  });

  const run = async (job: Job): Promise<unknown> => {
    const def = byName.get(job.name);
    if (!def) throw new UnrecoverableError(`no handler for job ${job.name}`);
    const parsed = def.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const ctx = context(job);
    ctx.log.info({ attempt: job.attemptsMade + 1 }, 'job started');
    try {
      return await def.handler(parsed.data, ctx);
    } catch (e) {
      // A refused input (a future period, a month closed out of order) will not change on
      // retry; other domain errors (a payment provider with no answer yet) are retried.
      if (isDomainError(e) && FINAL_CODES.has(e.code)) throw new UnrecoverableError(e.userMessage);
      throw e;
    }
  };

  const workers: Worker[] = [];
  if (options.workers) {
    for (const q of QUEUE_NAMES) {
      const worker = new Worker(
        q,
        run,
        {
          ...common,
          concurrency: options.concurrency?.[q] ?? (q === 'notifications' ? 8 : 1),
          lockDuration: options.lockDuration ?? 60_000,
          stalledInterval: Math.max(1_000, Math.floor((options.lockDuration ?? 60_000) / 2)),
          // A close resumes from its frozen snapshot and writes only what is missing, so a close
          // whose workers keep dying is always taken over again; other jobs give up after 5.
          maxStalledCount: q === 'periods' ? CLOSE_MAX_STALLED : 5,
          ...(backend.pollSeconds ? { drainDelay: backend.pollSeconds } : {}),
        },
        backend.factory as never,
      );
      worker.on('completed', (job, result) => log.info({ jobId: job.id, job: job.name, queue: q, result }, 'job completed'));
      worker.on('failed', (job, err) => {
        if (!job) return;
        const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        log[final ? 'error' : 'warn']({ jobId: job.id, job: job.name, queue: q, attempt: job.attemptsMade, final, err: err.message }, final ? 'job failed for good' : 'job failed; will retry');
        if (final && job.name === 'deliver-notification') {
          const id = (job.data as { id?: string }).id;
          if (id && /^\d+$/.test(id)) void deps.notifications.markFailed(id, err.message).catch(() => {});
        }
      });
      worker.on('error', (e) => log.error({ err: e, queue: q }, 'worker error'));
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  }

  const registerSchedules = async () => {
    for (const s of SCHEDULES) {
      const queue = queues[s.queue];
      try {
        await queue.upsertJobScheduler(s.id, { pattern: s.pattern, tz: 'UTC' }, { name: s.job, data: s.data, opts: optionsOf(s.job) });
      } catch (e) {
        // Measured on the PostgreSQL backend: instances starting together race on the
        // scheduler's next iteration and the losers get "job ID already exists". The
        // scheduler is then registered (by the winner): that is the outcome we want.
        if (!(e instanceof Error && /already exists/.test(e.message)) || !(await queue.getJobScheduler(s.id))) throw e;
        log.debug({ scheduler: s.id }, 'schedule registered by another instance');
      }
    }
  };
  if (options.schedules) {
    await registerSchedules();
    // A Redis that restarted empty lost the schedules: every reconnection upserts them again (idempotent).
    const redis = backend.kind === 'redis' ? (backend.connection as { on?: (event: 'ready', fn: () => void) => void }) : null;
    redis?.on?.('ready', () => void registerSchedules().catch((e: unknown) => log.warn({ err: e }, 'could not register the schedules again after the queue reconnected')));
  }

  return {
    backend,
    queues,
    enqueue,
    async enqueueClose(period) {
      const job = await enqueue('close-period', { period }, { jobId: closeJobId(period) });
      // A close that failed for good keeps its job (and id): asking again retries that job.
      if ((await job.getState()) === 'failed') {
        await job.retry('failed');
        log.info({ jobId: job.id, period }, 'failed close retried');
      }
      return job;
    },
    deliver,
    registerSchedules,
    async counts() {
      return Promise.all(
        QUEUE_NAMES.map(async (q) => {
          const c = await queues[q].getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
          return { queue: q, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
        }),
      );
    },
    probe: {
      name: 'queue',
      check: async () => {
        if (!connected()) throw new Error(`the queue backend (${backend.description}) is ${(backend.connection as { status?: string }).status ?? 'not connected'}`);
        await queues.periods.getJobCounts('waiting');
      },
    },
    async stop() {
      deps.notifications.onRecorded(null);
      await Promise.all(workers.map((w) => w.close().catch((e: unknown) => log.warn({ err: e }, 'worker close failed'))));
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => {})));
      await backend.close();
    },
  };
}
