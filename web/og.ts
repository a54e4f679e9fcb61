// The share preview of a wish (GET /og/wishes/{owner}/{repo}/{n}.png), named by the wish page's
// og:image: a 1200×630 PNG drawn from SVG with the shipped Inter font. Rendered PNGs are kept
// in memory by ETag (the hash of their SVG), so crawlers asking again cost no rendering.
import type { Ports } from '../core/ports/index.ts';
import type { RoutePlugin } from '../edge/http.ts';
import { EMBEDDABLE, etagOf, RenderCache, sendCached } from './images/http.ts';
import { genericOgSvg, ogSvg } from './images/og-image.ts';
import { renderPng } from './images/png.ts';
import { findWish, wishCard, wishPathParams } from './images/wish-card.ts';

export type OgDeps = Pick<Ports, 'wishes' | 'clock'>;

const PNG = 'image/png';

/** The PNG of `svg`, or of `fallback` if resvg refuses it: a preview is never a 500. */
function renderOr(svg: string, fallback: string): Buffer {
  try {
    return renderPng(svg);
  } catch {
    return renderPng(fallback);
  }
}

export function ogRoutes(deps: OgDeps): RoutePlugin {
  const rendered = new RenderCache(128);
  const generic = genericOgSvg();
  return (app) => {
    app.get('/og/wishes/:owner/:repo/:number', { schema: { params: wishPathParams }, helmet: EMBEDDABLE }, async (request, reply) => {
      const wish = request.params.number.endsWith('.png') ? await findWish(deps.wishes, request.params, '.png') : null;
      // No wish there: Upkeep's own preview, with 404 (the wish page answers 404 too).
      const svg = wish ? ogSvg(wishCard(wish, deps.clock.now())) : generic;
      const etag = etagOf(svg);
      return sendCached(request, reply, { status: wish ? 200 : 404, type: PNG, maxAge: 300 }, { etag, render: () => rendered.get(etag, () => renderOr(svg, generic)) });
    });
  };
}
