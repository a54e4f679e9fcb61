// Builds the worker's dependencies from the services: the ports its jobs use, the deliverers of
// the configured platforms (each from its adapter) and the queue backend's target.
import { discordDeliverer } from '../bots/discord/deliverer.ts';
import { githubDeliverer } from '../bots/github/deliverer.ts';
import { createProbot, type GithubClientOptions } from '../bots/github/probot.ts';
import { slackDeliverer } from '../bots/slack/deliverer.ts';
import type { Deliverers } from '../core/ports/deliverers.ts';
import { servePglite } from '../prisma/pglite-socket.ts';
import { PrismaSlackInstallationStore } from '../prisma/slack-installation-store.ts';
import { startJobs, type JobRuntime, type QueueBackendTarget, type RuntimeOptions, type WorkerDeps } from '../worker/index.ts';
import type { Services } from './services.ts';

export interface WorkerBuildOptions {
  /** Octokit retries and throttling of the GitHub deliverer (tests turn them off). */
  github?: GithubClientOptions;
}

/** One deliverer per configured platform; a platform without credentials to post gets none. */
export function deliverersFor(s: Services, options: WorkerBuildOptions = {}): Deliverers {
  const { slack, discord, github } = s.config;
  const deliverers: Deliverers = {};
  if (slack) {
    deliverers.slack = slackDeliverer({ settings: slack, installations: slack.oauth ? new PrismaSlackInstallationStore(s.db.prisma) : null });
  }
  if (discord?.botToken) deliverers.discord = discordDeliverer({ wishes: s.wishes, wishMessages: s.wishMessages, threads: s.threads, gateway: s.gateway, publicUrl: s.config.publicUrl, settings: { apiUrl: discord.apiUrl, botToken: discord.botToken } });
  if (github) {
    const probot = createProbot(github, s.log, options.github);
    deliverers.github = githubDeliverer({ wishes: s.wishes, gateway: s.gateway, clock: s.clock, wishMessages: s.wishMessages, repositories: s.repositories, publicUrl: s.config.publicUrl, probot });
  }
  return deliverers;
}

export function workerDeps(s: Services, options: WorkerBuildOptions = {}): WorkerDeps {
  const { clock, companies, packages, ledger, wishes, payments, gateway, outbox, notifications, repositories, activity, log } = s;
  return { clock, companies, packages, ledger, wishes, payments, gateway, outbox, notifications, repositories, activity, log, currency: s.config.currency, deliverers: deliverersFor(s, options) };
}

/** Where this instance's queues live: REDIS_URL, else the PostgreSQL database, else the embedded one served over a socket. */
export function queueTarget(s: Pick<Services, 'config' | 'db'>, prefix?: string): QueueBackendTarget {
  const { config, db } = s;
  const pglite = db.pglite;
  return {
    redisUrl: config.redisUrl,
    databaseUrl: config.database.kind === 'postgres' ? config.database.url : null,
    embedded: pglite ? () => servePglite(pglite) : null,
    ...(prefix ? { prefix } : {}),
  };
}

/** The job runtime of this process on the configured backend. */
export function startWorker(s: Services, options: RuntimeOptions & WorkerBuildOptions = {}): Promise<JobRuntime> {
  return startJobs(workerDeps(s, options), queueTarget(s), options);
}
