// Entry points for the app: the job runtime on the configured backend, with the deliverers
// of the adapters that are configured.
import type { HealthProbe } from '../edge/contribution.ts';
import type { Services } from '../app/services.ts';
import { openQueueBackend } from './backend.ts';
import { createDeliverers } from './deliverers.ts';
import { createJobRuntime, type JobRuntime, type RuntimeOptions } from './runtime.ts';

export type { JobRuntime } from './runtime.ts';

/** Opens the queue backend from the configuration (REDIS_URL, DATABASE_URL or embedded) and starts the runtime. */
export async function startJobs(services: Services, options: RuntimeOptions = {}): Promise<JobRuntime> {
  const { config, db } = services;
  const backend = await openQueueBackend({ redisUrl: config.redisUrl, db, databaseUrl: config.database.kind === 'postgres' ? config.database.url : null });
  try {
    return await createJobRuntime({ services, backend, options: { deliverers: createDeliverers(services), ...options } });
  } catch (e) {
    await backend.close().catch(() => {});
    throw e;
  }
}

/**
 * `npm start`: runs the worker in-process (queues, workers, schedules) and registers its stop
 * and its health probe with the platform.
 */
export async function attachWorker(platform: { probes: HealthProbe[]; stops: (() => Promise<void>)[] }, services: Services): Promise<JobRuntime> {
  const jobs = await startJobs(services, { workers: true, schedules: true });
  platform.probes.push(jobs.probe);
  platform.stops.push(() => jobs.stop());
  services.log.info({ backend: jobs.backend.description }, 'worker started in-process');
  return jobs;
}
