// `npm run worker`: only the job worker (no HTTP server), for deployments that scale workers
// separately. Any number may run against the same REDIS_URL or DATABASE_URL.
// UPKEEP_WORKER_LOCK_MS (optional, default 60000) bounds how long a job of a killed worker
// stays locked before another worker resumes it.
import { systemClock } from '../core/ports/clock.ts';
import { openDatabase } from '../prisma/db.ts';
import { startJobs } from '../worker/index.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createServices } from './services.ts';

function lockDuration(): number | undefined {
  const v = process.env.UPKEEP_WORKER_LOCK_MS?.trim();
  if (!v) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1_000) throw new ConfigError('Invalid configuration:\n  UPKEEP_WORKER_LOCK_MS: must be a number of milliseconds, at least 1000');
  return Number(v);
}

async function main(): Promise<void> {
  let config: Config;
  let lock: number | undefined;
  try {
    config = loadConfig();
    lock = lockDuration();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config.database);
  const services = createServices({ config, db, clock: systemClock, log });
  const jobs = await startJobs(services, { workers: true, schedules: true, lockDuration: lock });
  console.log(`Upkeep worker running; queue backend: ${jobs.backend.description}`);
  if (db.kind === 'pglite') {
    console.warn(`The embedded database in ${config.database.kind === 'pglite' ? config.database.dataDir : ''} belongs to this process: do not run \`npm start\` on it at the same time (its worker already runs in-process).`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker stopping');
    await jobs.stop().catch((e: unknown) => log.error({ err: e }, 'worker stop failed'));
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error('Upkeep worker could not start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
