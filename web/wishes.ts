// Public read API of wishes (CONTRACT §3): aggregates only, never who pledged what.
import type { Services } from '../app/services.ts';
import { DomainError, unwrap } from '../core/errors.ts';
import { getWish } from '../core/use-cases/wishes/get-wish.ts';
import { listWishes } from '../core/use-cases/wishes/list-wishes.ts';
import { parseRepo, parseWishId, toPublicWish } from '../core/wishlist.ts';
import { sendJson, type Route } from '../edge/http.ts';

const CACHE = { 'cache-control': 'public, max-age=30' };

export function wishRoutes(s: Services): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/wishes',
      handler: async (req, res) => {
        const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('repo');
        if (!raw) throw new DomainError('invalid_input', 'Say which repository: `?repo=owner/repo`, e.g. ?repo=vitejs/vite.');
        const repo = unwrap(parseRepo(raw));
        const wishes = await listWishes({ wishes: s.wishes, repo });
        sendJson(res, 200, { repo, wishes: wishes.map(toPublicWish) }, CACHE);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/wishes/{owner}/{repo}/{number}',
      handler: async (_req, res, params) => {
        const id = unwrap(parseWishId(`${params.owner}/${params.repo}#${params.number}`));
        sendJson(res, 200, toPublicWish(await getWish({ wishes: s.wishes, id })), CACHE);
      },
    },
  ];
}
