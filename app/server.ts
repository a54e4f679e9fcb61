// One HTTP server for everything: public API, health, and the bots' webhook endpoints.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, matchPath, runHandler, sendError, sendJson, type Route } from '../edge/http.ts';
import { apiRoutes } from '../web/api.ts';
import { openApiRoutes } from '../web/openapi.ts';
import { widgetRoutes } from '../web/widget.ts';
import type { Services } from './services.ts';
import type { HealthProbe, Mount } from '../edge/contribution.ts';

export type { HealthProbe, Mount } from '../edge/contribution.ts';


export interface HttpApp {
  server: Server;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createHttpApp({ services, routes = [], mounts = [], probes = [] }: { services: Services; routes?: Route[]; mounts?: Mount[]; probes?: HealthProbe[] }): HttpApp {
  const log = services.log;
  const allRoutes: Route[] = [
    {
      method: 'GET',
      path: '/healthz',
      handler: async (_req, res) => {
        const checks: Record<string, string> = {};
        let ok = true;
        for (const probe of [databaseProbe(services), ...probes]) {
          try {
            await probe.check();
            checks[probe.name] = 'ok';
          } catch (e) {
            ok = false;
            checks[probe.name] = 'unavailable';
            log.warn({ err: e, probe: probe.name }, 'health probe failed');
          }
        }
        sendJson(res, ok ? 200 : 503, { ok, checks, database: services.db.kind }, { 'cache-control': 'no-store' });
      },
    },
    ...apiRoutes(services),
    ...openApiRoutes(services),
    ...widgetRoutes(services),
    ...routes,
  ];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const mount = mounts.find((m) => (m.path.endsWith('/') ? url.pathname.startsWith(m.path) : url.pathname === m.path));
    if (mount) {
      Promise.resolve(mount.listener(req, res)).catch((e: unknown) => {
        log.error({ err: e, mount: mount.name }, 'adapter failed');
        sendError(res, 500, 'internal', 'Something went wrong on our side; it has been logged.');
      });
      return;
    }
    let pathMatched = false;
    try {
      for (const route of allRoutes) {
        const params = matchPath(route.path, url.pathname);
        if (!params) continue;
        pathMatched = true;
        if (route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) continue;
        void runHandler(route.handler, req, res, params, (e) => log.error({ err: e, path: url.pathname }, 'request failed'));
        return;
      }
    } catch (e) {
      // A path that cannot be decoded is the client's mistake.
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
      log.error({ err: e, path: url.pathname }, 'routing failed');
      return sendError(res, 500, 'internal', 'Something went wrong on our side; it has been logged.');
    }
    if (pathMatched) sendError(res, 405, 'method_not_allowed', `${req.method} is not supported on ${url.pathname}.`);
    else sendError(res, 404, 'not_found', `Nothing is served at ${url.pathname}.`);
  });

  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const { port: actual } = server.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function databaseProbe(s: Services): HealthProbe {
  return {
    name: 'database',
    check: async () => {
      await s.db.prisma.$queryRawUnsafe('SELECT 1');
    },
  };
}
