import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Credentials wherever a log call may carry them: request or response headers (ours, or an SDK
 * error's request config) and the names the adapters give tokens and secrets. Logged as
 * `[redacted]`, so a line still says that the value was there.
 */
export const REDACTED_PATHS = [
  ...['authorization', 'Authorization', 'cookie', 'Cookie', '["set-cookie"]', '["proxy-authorization"]'].flatMap((h) => [
    `headers.${h}`,
    `*.headers.${h}`,
    `*.*.headers.${h}`,
    `err.config.headers.${h}`,
    `err.original.config.headers.${h}`,
    `err.request.headers.${h}`,
  ]),
  ...['token', 'botToken', 'accessToken', 'refreshToken', 'clientSecret', 'signingSecret', 'webhookSecret', 'privateKey', 'secretKey', 'password', 'apiKey'].flatMap((k) => [k, `*.${k}`]),
];

/** Structured JSON logs on stderr (stdout stays for what commands print); tests pass a buffer as `destination`. */
export function createLogger(level = 'info', destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { app: 'upkeep' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
