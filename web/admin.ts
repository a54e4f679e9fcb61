// Operator routes under /admin, behind `Authorization: Bearer $UPKEEP_ADMIN_TOKEN`. Without the
// variable the routes do not exist (404), so an unconfigured instance exposes nothing.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { unwrap } from '../core/errors.ts';
import { parsePeriod } from '../core/period.ts';
import type { Services } from '../app/services.ts';
import { refuseUnclosable } from '../worker/cli.ts';
import type { JobRuntime } from '../worker/runtime.ts';
import { bearerToken, HttpError, sendJson, type Route } from '../edge/http.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

function requireAdmin(req: IncomingMessage, token: string): void {
  const given = bearerToken(req);
  // Compare digests: equal length, constant time, whatever was sent.
  if (!given || !timingSafeEqual(digest(given), digest(token))) {
    throw new HttpError(401, 'unauthorized', 'Send `Authorization: Bearer <UPKEEP_ADMIN_TOKEN>` to use the admin routes.', { 'www-authenticate': 'Bearer' });
  }
}

const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);

export function adminRoutes(services: Services, jobs: JobRuntime): Route[] {
  const token = services.config.adminToken;
  if (!token) return [];
  return [
    {
      method: 'POST',
      path: '/admin/periods/{period}/close',
      handler: async (req, res, params) => {
        requireAdmin(req, token);
        const period = unwrap(parsePeriod(params.period ?? ''));
        const existing = await services.ledger.period(period);
        if (existing?.status === 'closed') {
          sendJson(res, 200, { period, status: 'closed', closedAt: existing.closedAt?.toISOString() ?? null, job: null });
          return;
        }
        await refuseUnclosable(services, period);
        const job = await jobs.enqueueClose(period);
        const state = await job.getState();
        services.log.info({ period, jobId: job.id, state }, 'close enqueued by an operator');
        sendJson(res, 202, { period, status: existing?.status ?? 'enqueued', job: { id: job.id, state } });
      },
    },
    {
      method: 'GET',
      path: '/admin/jobs',
      handler: async (req, res) => {
        requireAdmin(req, token);
        const queues = await jobs.counts();
        const periods = await services.db.prisma.period.findMany({ orderBy: { id: 'desc' }, take: 24 });
        const closeJobs = await jobs.queues.periods.getJobs(['active', 'waiting', 'delayed', 'failed', 'completed'], 0, 99);
        const byPeriod = new Map<string, (typeof closeJobs)[number]>();
        for (const job of closeJobs) {
          if (!job || job.name !== 'close-period') continue;
          const p = (job.returnvalue as { period?: string } | null)?.period ?? (job.data as { period?: string }).period;
          if (!p) continue;
          const seen = byPeriod.get(p);
          if (!seen || job.timestamp > seen.timestamp) byPeriod.set(p, job);
        }
        const closes = await Promise.all(
          [...new Set([...periods.map((p) => p.id), ...byPeriod.keys()])].sort().reverse().map(async (id) => {
            const row = periods.find((p) => p.id === id);
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
              (await q.getFailed(0, 19)).filter(Boolean).map((j) => ({ queue: q.name, id: j.id, job: j.name, attempts: j.attemptsMade, failedReason: j.failedReason ?? null, finishedAt: iso(j.finishedOn) })),
            ),
          )
        )
          .flat()
          .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
          .slice(0, 20);
        sendJson(res, 200, { backend: jobs.backend.kind, queues, closes, failed }, { 'cache-control': 'no-store' });
      },
    },
  ];
}
