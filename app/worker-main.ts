// `npm run worker`: only the job worker (no HTTP server), for deployments that scale workers
// separately. Any number may run against the same REDIS_URL or DATABASE_URL.
// UPKEEP_WORKER_LOCK_MS (optional, default 60000) bounds how long a job of a killed worker
// stays locked before another worker resumes it.
import { systemClock } from '../core/ports/clock.ts';
import { openDatabase } from '../prisma/db.ts';
import { loadConfigOrExit, run, stopOnSignals } from './lifecycle.ts';
import { createLogger } from '../edge/logger.ts';
import { createServices } from './services.ts';
import { threadRelay } from './platform.ts';
import { startWorker } from './worker.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config.database);
  const services = createServices({ config, db, clock: systemClock, log });
  const jobs = await startWorker(services, { workers: true, schedules: true, lockDuration: config.workerLockMs ?? undefined });
  console.log(`Upkeep worker running; queue backend: ${jobs.backend.description}`);
  if (db.kind === 'pglite') {
    console.warn(`The embedded database in ${config.database.kind === 'pglite' ? config.database.dataDir : ''} belongs to this process: do not run \`npm start\` on it at the same time (its worker already runs in-process).`);
  }

  const relay = threadRelay(services);
  stopOnSignals(log, [...(relay ? [() => relay.stop()] : []), () => jobs.stop(), () => db.close()]);
}

run('Upkeep worker', main);
