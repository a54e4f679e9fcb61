// The progress of a wish to embed anywhere: an SVG banner for READMEs (never a broken image)
// and an HTML banner with a pledge button for an iframe. Public aggregates only.
import type { Ports } from '../core/ports/index.ts';
import { acceptsPledges } from '../core/wishlist.ts';
import type { RoutePlugin } from '../edge/http.ts';
import { embedHtml, notFoundEmbedHtml } from './embed.tsx';
import { bannerSvg, notFoundBannerSvg } from './images/banner.ts';
import { EMBEDDABLE, sendCached } from './images/http.ts';
import { parseTheme } from './images/palette.ts';
import { findWish, wishCard, wishPathParams } from './images/wish-card.ts';

export type WidgetDeps = Pick<Ports, 'wishes' | 'clock'> & { publicUrl: string };

const SVG = 'image/svg+xml; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

export function widgetRoutes(deps: WidgetDeps): RoutePlugin {
  return (app) => {
    // One route for both: `7.svg` is the image, `7` the HTML banner. The query is read by hand:
    // a bad `?theme=` falls back to the reader's scheme instead of a JSON 400 in an <img>.
    app.get('/widget/wishes/:owner/:repo/:number', { schema: { params: wishPathParams }, helmet: EMBEDDABLE }, async (request, reply) => {
      const theme = parseTheme((request.query as Record<string, unknown> | undefined)?.theme);
      const image = request.params.number.endsWith('.svg');
      const wish = await findWish(deps.wishes, request.params, '.svg');
      const card = wish ? wishCard(wish, deps.clock.now()) : null;
      if (image) {
        // Always an image with 200, so an embed never shows a broken picture.
        return sendCached(request, reply, { status: 200, type: SVG }, { body: card ? bannerSvg(card, theme) : notFoundBannerSvg(theme) });
      }
      if (!card) return sendCached(request, reply, { status: 404, type: HTML }, { body: notFoundEmbedHtml(theme) });
      const wishUrl = `${deps.publicUrl}/wishes/${card.repository}/${card.number}`;
      return sendCached(request, reply, { status: 200, type: HTML }, { body: embedHtml({ card, theme, wishUrl, acceptsPledges: acceptsPledges(wish!) }) });
    });
  };
}
