// `npm start`: the whole platform in one process on the configured (or embedded) database.
import { systemClock } from '../core/ports/clock.ts';
import { openDatabase } from '../prisma/db.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { assemblePlatform } from './platform.ts';
import { createHttpApp } from './server.ts';
import { createServices } from './services.ts';

function enabledAdapters(config: Config): string {
  const on = (name: string, v: unknown) => `${name}: ${v ? 'on' : 'off'}`;
  return [
    on('slack', config.slack),
    on('github', config.github),
    on('discord', config.discord),
    `stripe: ${config.stripe ? 'on' : 'offline (payments recorded, settled by an operator)'}`,
    `admin routes: ${config.adminToken ? 'on' : 'off'}`,
  ].join(', ');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir });
  if (db.migrations.applied.length > 0) log.info({ applied: db.migrations.applied }, 'migrations applied');
  const services = createServices({ config, db, clock: systemClock, log });
  const platform = await assemblePlatform(services);
  const http = createHttpApp({ services, routes: platform.routes, mounts: platform.mounts, probes: platform.probes });
  const url = await http.listen(config.port);
  const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`;
  console.log(`Upkeep serves ${url} (public URL ${config.publicUrl}); database: ${where}; currency ${config.currency}`);
  console.log(`Adapters: ${enabledAdapters(config)}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await http.close();
    for (const stopPart of [...platform.stops].reverse()) await stopPart().catch((e: unknown) => log.error({ err: e }, 'shutdown step failed'));
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error('Upkeep could not start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
