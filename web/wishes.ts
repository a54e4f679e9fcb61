// Public read API of wishes (CONTRACT §3): aggregates only, never who pledged what.
import { z } from 'zod';
import { unwrap } from '../core/errors.ts';
import type { Ports } from '../core/ports/index.ts';
import { getWish } from '../core/use-cases/wishes/get-wish.ts';
import { listWishes } from '../core/use-cases/wishes/list-wishes.ts';
import { parseRepo, parseWishId, toPublicWish } from '../core/wishlist.ts';
import { errorAnswer, jsonAnswer, parsedField, type RoutePlugin } from '../edge/http.ts';
import { wishSchema } from './schemas.ts';

export type WishRoutesDeps = Pick<Ports, 'wishes'>;

const CACHE = 'public, max-age=30';

const repo = parsedField(parseRepo, {
  code: 'invalid_input',
  missing: 'Say which repository: `?repo=owner/repo`, e.g. ?repo=vitejs/vite.',
  example: 'owner/repo',
});

export function wishRoutes(deps: WishRoutesDeps): RoutePlugin {
  return (app) => {
    app.get(
      '/api/v1/wishes',
      {
        schema: {
          tags: ['wishes'],
          summary: 'Public wishlist of a repository',
          querystring: z.object({ repo }),
          response: {
            200: jsonAnswer('The wishes of the repository, newest first', z.object({ repo: z.string(), wishes: z.array(wishSchema) })),
            400: errorAnswer('No repository, or not `owner/repo`'),
          },
        },
      },
      async (request, reply) => {
        const wishes = await listWishes({ wishes: deps.wishes, repo: request.query.repo });
        reply.header('cache-control', CACHE);
        return { repo: request.query.repo, wishes: wishes.map(toPublicWish) };
      },
    );
    app.get(
      '/api/v1/wishes/:owner/:repo/:number',
      {
        schema: {
          tags: ['wishes'],
          summary: 'One wish',
          params: z.object({ owner: z.string(), repo: z.string(), number: z.string().meta({ example: '7' }) }),
          response: { 200: jsonAnswer('The wish', wishSchema), 400: errorAnswer('Not a wish identifier'), 404: errorAnswer('No wish on this issue') },
        },
      },
      async (request, reply) => {
        const { owner, repo: name, number } = request.params;
        const id = unwrap(parseWishId(`${owner}/${name}#${number}`));
        const wish = toPublicWish(await getWish({ wishes: deps.wishes, id }));
        reply.header('cache-control', CACHE);
        return wish;
      },
    );
  };
}
