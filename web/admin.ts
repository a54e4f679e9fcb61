// Operator routes under /admin, behind `Authorization: Bearer $UPKEEP_ADMIN_TOKEN`. Without the
// token the routes do not exist (404), so an unconfigured instance exposes nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parsePeriod, type Period } from '../core/period.ts';
import type { Ports } from '../core/ports/index.ts';
import { refuseUnclosable } from '../core/use-cases/close-period.ts';
import type { Logger } from '../edge/logger.ts';
import { bearerToken, HttpError, parsedField, type RoutePlugin } from '../edge/http.ts';

/** A queued job, as far as the operator routes read it. */
export interface AdminJob {
  readonly id?: string;
  readonly name: string;
  readonly data: unknown;
  readonly returnvalue: unknown;
  readonly timestamp: number;
  readonly attemptsMade: number;
  readonly progress: unknown;
  readonly failedReason?: string;
  readonly finishedOn?: number;
  getState(): Promise<string>;
}

export interface AdminQueue {
  readonly name: string;
  getJobs(types: ('active' | 'waiting' | 'delayed' | 'failed' | 'completed')[], start: number, end: number): Promise<(AdminJob | undefined)[]>;
  getFailed(start: number, end: number): Promise<(AdminJob | undefined)[]>;
}

/** What the operator routes need of the job runtime. */
export interface AdminJobs {
  readonly backend: { readonly kind: string };
  readonly queues: Readonly<Record<string, AdminQueue>> & { readonly periods: AdminQueue };
  /** Enqueues the close of `period` (idempotent while the job exists). */
  enqueueClose(period: Period): Promise<AdminJob>;
  counts(): Promise<readonly object[]>;
}

export type AdminDeps = Pick<Ports, 'ledger' | 'clock'> & { log: Logger; adminToken: string | null; jobs: AdminJobs };

/** An operator request carries no body; anything larger is refused before it is read. */
const ADMIN_BODY_LIMIT = 16 * 1024;

const digest = (s: string) => createHash('sha256').update(s).digest();

const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

const period = parsedField(parsePeriod, { code: 'invalid_period', missing: 'Say which month to close, `YYYY-MM`.' });

/** The operator routes; none without an admin token. */
export function adminRoutes(deps: AdminDeps): RoutePlugin[] {
  const token = deps.adminToken;
  if (!token) return [];
  const requireAdmin = async (request: FastifyRequest) => {
    const given = bearerToken(request);
    // Compare digests: equal length, constant time, whatever was sent.
    if (!given || !timingSafeEqual(digest(given), digest(token))) {
      throw new HttpError(401, 'unauthorized', 'Send `Authorization: Bearer <UPKEEP_ADMIN_TOKEN>` to use the admin routes.', { 'www-authenticate': 'Bearer' });
    }
  };
  const { jobs, ledger, log } = deps;

  return [
    (app) => {
      app.post(
        '/admin/periods/:period/close',
        { schema: { params: z.object({ period }) }, onRequest: requireAdmin, bodyLimit: ADMIN_BODY_LIMIT },
        async (request, reply) => {
          const { period } = request.params;
          const existing = await ledger.period(period);
          if (existing?.status === 'closed') {
            return { period, status: 'closed', closedAt: existing.closedAt?.toISOString() ?? null, job: null };
          }
          await refuseUnclosable(deps, period);
          const job = await jobs.enqueueClose(period);
          const state = await job.getState();
          log.info({ period, jobId: job.id, state }, 'close enqueued by an operator');
          return reply.code(202).send({ period, status: existing?.status ?? 'enqueued', job: { id: job.id, state } });
        },
      );

      app.get('/admin/jobs', { onRequest: requireAdmin }, async (_request, reply) => {
        const queues = await jobs.counts();
        const periods = await ledger.recentPeriods(24);
        const closeJobs = await jobs.queues.periods.getJobs(['active', 'waiting', 'delayed', 'failed', 'completed'], 0, 99);
        const byPeriod = new Map<string, AdminJob>();
        for (const job of closeJobs) {
          if (!job || job.name !== 'close-period') continue;
          const p = (job.returnvalue as { period?: string } | null)?.period ?? (job.data as { period?: string }).period;
          if (!p) continue;
          const seen = byPeriod.get(p);
          if (!seen || job.timestamp > seen.timestamp) byPeriod.set(p, job);
        }
        const ids = [...new Set<string>([...periods.map((p) => p.period), ...byPeriod.keys()])].sort().reverse();
        const closes = await Promise.all(
          ids.map(async (id) => {
            const row = periods.find((p) => p.period === id);
            const job = byPeriod.get(id);
            return {
              period: id,
              status: row?.status ?? 'not started',
              startedAt: row?.startedAt.toISOString() ?? null,
              closedAt: row?.closedAt?.toISOString() ?? null,
              lastJob: job
                ? { id: job.id, state: await job.getState(), attempts: job.attemptsMade, progress: job.progress, failedReason: job.failedReason ?? null, finishedAt: iso(job.finishedOn) }
                : null,
            };
          }),
        );
        // The latest failures, kept with their error (removeOnFail: false).
        const failed = (
          await Promise.all(
            Object.values(jobs.queues).map(async (q) =>
              (await q.getFailed(0, 19))
                .filter((j): j is AdminJob => Boolean(j))
                .map((j) => ({ queue: q.name, id: j.id, job: j.name, attempts: j.attemptsMade, failedReason: j.failedReason ?? null, finishedAt: iso(j.finishedOn) })),
            ),
          )
        )
          .flat()
          .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
          .slice(0, 20);
        reply.header('cache-control', 'no-store');
        return { backend: jobs.backend.kind, queues, closes, failed };
      });
    },
  ];
}
