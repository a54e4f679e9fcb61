// Routes of the public pages: the home page, a project's space and a package's page. Anyone may
// read them (no session); they show aggregates only (CONTRACT §5), answer a page for a malformed
// address (400) or an unknown project or package (404), never a stack trace, and cache briefly.
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { z } from 'zod';
import { isDomainError } from '../../core/errors.ts';
import { parsePackageId, type PackageId } from '../../core/packages.ts';
import type { Ports } from '../../core/ports/index.ts';
import { getHome } from '../../core/use-cases/get-home.ts';
import { getPackagePage } from '../../core/use-cases/get-package-page.ts';
import { getProjectSpace } from '../../core/use-cases/get-project-space.ts';
import { parseRepo } from '../../core/wishlist.ts';
import type { RoutePlugin } from '../../edge/http.ts';
import { HomePage, type JoinLinks } from './home.tsx';
import { renderPage } from './layout.tsx';
import { BadAddressPage, NoPackagePage, PackagePage } from './package.tsx';
import { NoProjectPage, ProjectPage } from './project.tsx';
import { publicPaths } from './public-parts.tsx';

export type PublicPageDeps = Pick<Ports, 'clock' | 'fundingStats' | 'packages' | 'repositories' | 'wishes' | 'wishSearch'> & {
  /** Base of canonical URLs and snippets (PUBLIC_URL). */
  publicUrl: string;
  /** Settlement currency (CURRENCY). */
  currency: string;
  /** Where to add each app; null for an adapter that is not configured. */
  join: JoinLinks;
};

/** Public pages change when pledges and closes happen: a minute of caching, like the API. */
const CACHE = 'public, max-age=60';

function send(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', CACHE).type('text/html; charset=utf-8').send(renderPage(page));
}

export function publicPageRoutes(deps: PublicPageDeps): RoutePlugin {
  const { publicUrl, currency, clock } = deps;
  const packagePage = async (reply: FastifyReply, raw: string) => {
    const id = parsePackageId(raw);
    if (!id.ok) return send(reply, <BadAddressPage message={id.error.userMessage} />, 400);
    return packagePageOf(reply, id.value);
  };
  const packagePageOf = async (reply: FastifyReply, id: PackageId) => {
    try {
      const page = await getPackagePage({ stats: deps.fundingStats, packages: deps.packages, clock, currency, id });
      return send(reply, <PackagePage page={page} canonical={`${publicUrl}${publicPaths.package(id)}`} />);
    } catch (e) {
      if (isDomainError(e) && e.code === 'not_found') return send(reply, <NoPackagePage id={id} />, 404);
      throw e;
    }
  };

  return (app) => {
    app.get('/', async (_request, reply) => {
      const home = await getHome({ wishSearch: deps.wishSearch, stats: deps.fundingStats, packages: deps.packages, clock, currency });
      return send(reply, <HomePage home={home} join={deps.join} canonical={`${publicUrl}/`} />);
    });

    app.get('/projects/:owner/:repo', { schema: { params: z.object({ owner: z.string(), repo: z.string() }) } }, async (request, reply) => {
      const repo = parseRepo(`${request.params.owner}/${request.params.repo}`);
      if (!repo.ok) return send(reply, <BadAddressPage message={repo.error.userMessage} />, 400);
      try {
        const space = await getProjectSpace({
          repositories: deps.repositories,
          wishes: deps.wishes,
          stats: deps.fundingStats,
          packages: deps.packages,
          clock,
          currency,
          repo: repo.value,
        });
        return send(reply, <ProjectPage space={space} publicUrl={publicUrl} canonical={`${publicUrl}${publicPaths.project(repo.value)}`} />);
      } catch (e) {
        if (isDomainError(e) && e.code === 'not_found') return send(reply, <NoProjectPage repo={repo.value} />, 404);
        throw e;
      }
    });

    // `npm%3Areact` (as the API), and ids with unencoded slashes (`npm:@types/node`).
    app.get('/packages/:id', { schema: { params: z.object({ id: z.string() }) } }, (request, reply) => packagePage(reply, request.params.id));
    app.get('/packages/*', { schema: { params: z.object({ '*': z.string() }) } }, (request, reply) => packagePage(reply, request.params['*']));
  };
}
