// `npm start`: the whole platform in one process on the configured (or embedded) database.
import { systemClock } from '../core/ports/clock.ts';
import { openDatabase } from '../prisma/db.ts';
import type { Config } from './config.ts';
import { loadConfigOrExit, run, stopOnSignals } from './lifecycle.ts';
import { createLogger } from '../edge/logger.ts';
import { assemblePlatform } from './platform.ts';
import { createHttpApp } from '../edge/server.ts';
import { httpBasics } from './web.ts';
import { createServices } from './services.ts';

function enabledAdapters(config: Config): string {
  const on = (name: string, v: unknown) => `${name}: ${v ? 'on' : 'off'}`;
  return [
    on('slack', config.slack),
    on('github', config.github),
    on('discord', config.discord),
    `stripe: ${config.stripe ? 'on' : 'offline (payments recorded, settled by an operator)'}`,
    `admin routes: ${config.adminToken ? 'on' : 'off'}`,
    on('maintainer sign-in (GitHub)', config.signIn.github),
    on('company sign-in (Slack)', config.signIn.slack),
  ].join(', ');
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config.database);
  if (db.migrations.applied.length > 0) log.info({ applied: db.migrations.applied }, 'migrations applied');
  const services = createServices({ config, db, clock: systemClock, log });
  const platform = await assemblePlatform(services);
  const http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
  const url = await http.listen(config.port);
  const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${config.database.dataDir}`;
  console.log(`Upkeep serves ${url} (public URL ${config.publicUrl}); database: ${where}; currency ${config.currency}`);
  console.log(`Adapters: ${enabledAdapters(config)}`);

  stopOnSignals(log, [() => http.close(), ...[...platform.stops].reverse(), () => db.close()]);
}

run('Upkeep', main);
