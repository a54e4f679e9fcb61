// Start-up and shutdown shared by `npm start` and `npm run worker`.
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { Logger } from '../edge/logger.ts';

/** The configuration, or exit 1 with a message naming every bad variable. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

/** On SIGINT/SIGTERM runs `steps` in order once (a failing step is logged, the rest still run), then exits 0. */
export function stopOnSignals(log: Logger, steps: (() => Promise<void>)[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    for (const step of steps) await step().catch((e: unknown) => log.error({ err: e }, 'shutdown step failed'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Runs `main`, turning a start-up failure into a one-line message and exit 1. */
export function run(what: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(`${what} could not start:`, e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
