// The environment, parsed once at start-up. Absent optional variables disable an adapter;
// a present but malformed value stops start-up with a message naming the variable.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DiscordSettings } from '../bots/discord/deps.ts';
import type { GithubSettings } from '../bots/github/deps.ts';
import type { SlackSettings } from '../bots/slack/deps.ts';
import type { StripeSettings } from '../payments/create-gateway.ts';
import type { SignInSettings } from '../web/auth/deps.ts';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (protocols: string[]) =>
  optional.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(' or ')})` },
  );

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const EnvSchema = z.object({
  PORT: optional
    .refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) <= 65535), { message: 'must be a port number from 0 to 65535' })
    .transform((v) => (v === undefined ? undefined : Number(v))),
  PUBLIC_URL: url(['http:', 'https:']),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  UPKEEP_DATA_DIR: optional,
  REDIS_URL: url(['redis:', 'rediss:']),
  CURRENCY: optional.refine((v) => v === undefined || isKnownCurrency(v), { message: 'must be an ISO 4217 currency code such as EUR' }),
  UPKEEP_ADMIN_TOKEN: optional.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  UPKEEP_WORKER_LOCK_MS: optional
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1_000), { message: 'must be a number of milliseconds, at least 1000' })
    .transform((v) => (v === undefined ? undefined : Number(v))),
  // The reverse proxies whose X-Forwarded-For names the client (per-address rate limits): their addresses or CIDRs, comma-separated.
  UPKEEP_TRUSTED_PROXIES: optional
    .refine((v) => v === undefined || v.split(',').every((p) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p.trim())), { message: 'must be comma-separated IP addresses or CIDRs, e.g. 10.0.0.1,10.1.0.0/16' })
    .transform((v) => (v === undefined ? undefined : v.split(',').map((p) => p.trim()))),
  LOG_LEVEL: optional.refine((v) => v === undefined || LOG_LEVELS.includes(v), { message: `must be one of ${LOG_LEVELS.join(', ')}` }),
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional,
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional,
  SLACK_API_URL: url(['http:', 'https:']),
  DISCORD_APPLICATION_ID: optional,
  DISCORD_PUBLIC_KEY: optional.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), { message: 'must be the 64-hex-digit public key from the Discord developer portal' }),
  DISCORD_BOT_TOKEN: optional,
  DISCORD_API_URL: url(['http:', 'https:']),
  DISCORD_GATEWAY: optional.refine((v) => v === undefined || v === 'on' || v === 'off', { message: 'must be on or off' }),
  GITHUB_APP_ID: optional,
  GITHUB_PRIVATE_KEY: optional,
  GITHUB_WEBHOOK_SECRET: optional,
  GITHUB_API_URL: url(['http:', 'https:']),
  GITHUB_APP_SLUG: optional.refine((v) => v === undefined || /^[a-z0-9](?:[a-z0-9-]{0,98})$/i.test(v), { message: 'must be the App\'s slug, as in https://github.com/apps/<slug>' }),
  STRIPE_SECRET_KEY: optional,
  STRIPE_WEBHOOK_SECRET: optional,
  STRIPE_API_URL: url(['http:', 'https:']),
  GITHUB_CLIENT_ID: optional,
  GITHUB_CLIENT_SECRET: optional,
  GITHUB_WEB_URL: url(['http:', 'https:']),
  SLACK_WEB_URL: url(['http:', 'https:']),
  UPKEEP_SESSION_SECRET: optional.refine((v) => v === undefined || v.length >= 32, { message: 'must be at least 32 characters (e.g. the output of `openssl rand -base64 32`)' }),
});

function isKnownCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return true;
  }
}

export interface Config {
  port: number;
  publicUrl: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  redisUrl: string | null;
  currency: string;
  adminToken: string | null;
  logLevel: string;
  /** How long a killed worker's job stays locked before another worker resumes it. */
  workerLockMs: number | null;
  /** UPKEEP_TRUSTED_PROXIES: whose X-Forwarded-For is believed (none: the connection's address is the client's). */
  trustedProxies: string[] | null;
  slack: SlackSettings | null;
  discord: DiscordSettings | null;
  /** DISCORD_GATEWAY=on: hold the Gateway connection that relays discussion threads to GitHub (one process at a time). */
  discordGateway: boolean;
  github: GithubSettings | null;
  /** The GitHub App's slug (GITHUB_APP_SLUG), for the home page's install link; null when unknown. */
  githubAppSlug: string | null;
  stripe: StripeSettings | null;
  /** Web sign-in: maintainers with GitHub, companies with Slack; each null when not configured. */
  signIn: SignInSettings;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const port = e.PORT ?? 3000;
  const pairs: string[] = [];
  const need = (group: string, vars: Record<string, string | undefined>): boolean => {
    const present = Object.entries(vars).filter(([, v]) => v !== undefined);
    if (present.length === 0) return false;
    const missing = Object.entries(vars).filter(([, v]) => v === undefined).map(([k]) => k);
    if (missing.length > 0) pairs.push(`${group} is partly configured: set ${missing.join(', ')} too (or unset ${present.map(([k]) => k).join(', ')})`);
    return missing.length === 0;
  };
  const slackOn = need('Slack', { SLACK_SIGNING_SECRET: e.SLACK_SIGNING_SECRET });
  // SLACK_CLIENT_ID/SECRET enable Sign in with Slack; with SLACK_STATE_SECRET too, multi-workspace installation.
  const slackClient = need('Slack sign-in', { SLACK_CLIENT_ID: e.SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: e.SLACK_CLIENT_SECRET });
  if (e.SLACK_STATE_SECRET && !slackClient) pairs.push('SLACK_STATE_SECRET (multi-workspace OAuth) needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET too');
  const slackOauth = slackClient && e.SLACK_STATE_SECRET !== undefined;
  if (slackOn && !e.SLACK_BOT_TOKEN && !slackOauth) pairs.push('Slack needs SLACK_BOT_TOKEN (single workspace) or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET/SLACK_STATE_SECRET (OAuth)');
  if (slackClient && !slackOn) pairs.push('Slack sign-in (SLACK_CLIENT_ID/SLACK_CLIENT_SECRET) is for the workspaces of the Slack app: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or SLACK_STATE_SECRET) too');
  const githubSignIn = need('GitHub sign-in', { GITHUB_CLIENT_ID: e.GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET: e.GITHUB_CLIENT_SECRET });
  if ((githubSignIn || slackClient) && !e.UPKEEP_SESSION_SECRET) {
    pairs.push(`UPKEEP_SESSION_SECRET: required once a web sign-in is configured (${[githubSignIn && 'GITHUB_CLIENT_ID', slackClient && 'SLACK_CLIENT_ID'].filter(Boolean).join(', ')}); set 32 or more random characters, e.g. \`openssl rand -base64 32\``);
  }
  const discordOn = need('Discord', { DISCORD_APPLICATION_ID: e.DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY: e.DISCORD_PUBLIC_KEY });
  const githubOn = need('GitHub', { GITHUB_APP_ID: e.GITHUB_APP_ID, GITHUB_PRIVATE_KEY: e.GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET: e.GITHUB_WEBHOOK_SECRET });
  const stripeOn = need('Stripe', { STRIPE_SECRET_KEY: e.STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: e.STRIPE_WEBHOOK_SECRET });
  let privateKey = e.GITHUB_PRIVATE_KEY ?? '';
  if (githubOn && !privateKey.includes('-----BEGIN')) {
    if (!existsSync(privateKey)) pairs.push('GITHUB_PRIVATE_KEY: must be PEM text or the path of a PEM file');
    else privateKey = readFileSync(privateKey, 'utf8');
  }
  if (e.DISCORD_GATEWAY === 'on' && !(discordOn && e.DISCORD_BOT_TOKEN)) pairs.push('DISCORD_GATEWAY=on needs the Discord bot: set DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN too');
  if (pairs.length > 0) throw new ConfigError(`Invalid configuration:\n  ${pairs.join('\n  ')}`);
  return {
    port,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: path.resolve(e.UPKEEP_DATA_DIR ?? '.upkeep') },
    redisUrl: e.REDIS_URL ?? null,
    currency: e.CURRENCY ?? 'EUR',
    adminToken: e.UPKEEP_ADMIN_TOKEN ?? null,
    logLevel: e.LOG_LEVEL ?? 'info',
    workerLockMs: e.UPKEEP_WORKER_LOCK_MS ?? null,
    trustedProxies: e.UPKEEP_TRUSTED_PROXIES ?? null,
    slack: slackOn
      ? {
          signingSecret: e.SLACK_SIGNING_SECRET!,
          botToken: e.SLACK_BOT_TOKEN ?? null,
          oauth: slackOauth ? { clientId: e.SLACK_CLIENT_ID!, clientSecret: e.SLACK_CLIENT_SECRET!, stateSecret: e.SLACK_STATE_SECRET! } : null,
          apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
        }
      : null,
    discord: discordOn
      ? { applicationId: e.DISCORD_APPLICATION_ID!, publicKey: e.DISCORD_PUBLIC_KEY!.toLowerCase(), botToken: e.DISCORD_BOT_TOKEN ?? null, apiUrl: e.DISCORD_API_URL ?? 'https://discord.com/api' }
      : null,
    discordGateway: e.DISCORD_GATEWAY === 'on',
    github: githubOn ? { appId: e.GITHUB_APP_ID!, privateKey, webhookSecret: e.GITHUB_WEBHOOK_SECRET!, apiUrl: e.GITHUB_API_URL ?? 'https://api.github.com' } : null,
    githubAppSlug: e.GITHUB_APP_SLUG ?? null,
    stripe: stripeOn ? { secretKey: e.STRIPE_SECRET_KEY!, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, apiUrl: e.STRIPE_API_URL ?? null } : null,
    signIn: {
      sessionSecret: e.UPKEEP_SESSION_SECRET ?? null,
      github: githubSignIn
        ? { clientId: e.GITHUB_CLIENT_ID!, clientSecret: e.GITHUB_CLIENT_SECRET!, webUrl: (e.GITHUB_WEB_URL ?? 'https://github.com').replace(/\/+$/, ''), apiUrl: e.GITHUB_API_URL ?? 'https://api.github.com' }
        : null,
      slack:
        slackClient && slackOn
          ? {
              clientId: e.SLACK_CLIENT_ID!,
              clientSecret: e.SLACK_CLIENT_SECRET!,
              webUrl: (e.SLACK_WEB_URL ?? 'https://slack.com').replace(/\/+$/, ''),
              apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
              workspaces: slackOauth ? { kind: 'installed' } : { kind: 'single', botToken: e.SLACK_BOT_TOKEN! },
            }
          : null,
    },
  };
}
