// Entry points for the composition root: the job runtime on the queue backend it names, with
// the deliverers it built from the configured adapters.
import type { HealthProbe } from '../edge/contribution.ts';
import { openQueueBackend, type QueueBackendTarget } from './backend.ts';
import type { WorkerDeps } from './jobs.ts';
import { createJobRuntime, type JobRuntime, type RuntimeOptions } from './runtime.ts';

export type { JobRuntime, RuntimeOptions } from './runtime.ts';
export type { WorkerDeps } from './jobs.ts';
export type { QueueBackendTarget, ServedDatabase } from './backend.ts';

/** Opens the queue backend (Redis, PostgreSQL or the embedded database) and starts the runtime on it. */
export async function startJobs(deps: WorkerDeps, target: QueueBackendTarget, options: RuntimeOptions = {}): Promise<JobRuntime> {
  const backend = await openQueueBackend(target);
  try {
    return await createJobRuntime({ deps, backend, options });
  } catch (e) {
    await backend.close().catch(() => {});
    throw e;
  }
}

/**
 * `npm start`: runs the worker in-process (queues, workers, schedules) and registers its stop
 * and its health probe with the platform.
 */
export async function attachWorker(
  platform: { probes: HealthProbe[]; stops: (() => Promise<void>)[] },
  deps: WorkerDeps,
  target: QueueBackendTarget,
): Promise<JobRuntime> {
  const jobs = await startJobs(deps, target, { workers: true, schedules: true });
  platform.probes.push(jobs.probe);
  platform.stops.push(() => jobs.stop());
  deps.log.info({ backend: jobs.backend.description }, 'worker started in-process');
  return jobs;
}
