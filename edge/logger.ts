import { pino } from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stderr (stdout stays for what commands print). */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { app: 'upkeep' } }, pino.destination(2));
}
