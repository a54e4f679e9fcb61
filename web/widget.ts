// The progress of a wish to embed anywhere: an SVG banner for READMEs (never a broken image)
// and an HTML banner with a pledge button for an iframe. Public aggregates only.
import type { Ports } from '../core/ports/index.ts';
import { acceptsPledges, type WishId } from '../core/wishlist.ts';
import type { RoutePlugin } from '../edge/http.ts';
import { embedHtml, notFoundEmbedHtml } from './embed.tsx';
import { bannerSvg, notFoundBannerSvg } from './images/banner.ts';
import { EMBEDDABLE, etagOf, sendCached } from './images/http.ts';
import { parseTheme, type Theme } from './images/palette.ts';
import { RecentAnswers, type RememberedAnswer } from './images/recent-answers.ts';
import { wishCard, wishIdOfPath, wishPathParams } from './images/wish-card.ts';

export type WidgetDeps = Pick<Ports, 'wishes' | 'clock'> & { publicUrl: string };

const SVG = 'image/svg+xml; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/** How long a banner is answered from memory (a README can be loaded thousands of times a minute). */
export const BANNER_MEMORY_MS = 1_000;

/** Wish stores that say when this process changed a wish (PrismaWishStore); the port itself has no such feed. */
type ChangeFeed = { onChange(listener: (id: WishId) => void): () => void };
const changeFeedOf = (wishes: WidgetDeps['wishes']): ChangeFeed | null =>
  typeof (wishes as Partial<ChangeFeed>).onChange === 'function' ? (wishes as unknown as ChangeFeed) : null;

export function widgetRoutes(deps: WidgetDeps): RoutePlugin {
  return (app) => {
    // Only with a store that reports this process's changes: a pledge made here shows at once.
    const feed = changeFeedOf(deps.wishes);
    const recent = feed ? new RecentAnswers(BANNER_MEMORY_MS, 10_000) : null;
    const stop = feed?.onChange((id) => recent!.forget(id));
    if (stop) app.addHook('onClose', async () => void stop());

    const answer = async (id: WishId | null, image: boolean, theme: Theme): Promise<RememberedAnswer> => {
      const wish = id ? await deps.wishes.get(id) : null;
      const card = wish ? wishCard(wish, deps.clock.now()) : null;
      const made = (status: number, type: string, text: string): RememberedAnswer => {
        const body = Buffer.from(text);
        return { status, type, body, etag: etagOf(body) };
      };
      // Always an image with 200, so an embed never shows a broken picture.
      if (image) return made(200, SVG, card ? bannerSvg(card, theme) : notFoundBannerSvg(theme));
      if (!card) return made(404, HTML, notFoundEmbedHtml(theme));
      const wishUrl = `${deps.publicUrl}/wishes/${card.repository}/${card.number}`;
      return made(200, HTML, embedHtml({ card, theme, wishUrl, acceptsPledges: acceptsPledges(wish!) }));
    };

    // One route for both: `7.svg` is the image, `7` the HTML banner. The query is read by hand:
    // a bad `?theme=` falls back to the reader's scheme instead of a JSON 400 in an <img>.
    app.get('/widget/wishes/:owner/:repo/:number', { schema: { params: wishPathParams }, helmet: EMBEDDABLE }, async (request, reply) => {
      const theme = parseTheme((request.query as Record<string, unknown> | undefined)?.theme);
      const image = request.params.number.endsWith('.svg');
      const id = wishIdOfPath(request.params, '.svg');
      const a = id && recent ? await recent.get(`${image ? 'svg' : 'html'} ${theme} ${id}`, id, () => answer(id, image, theme)) : await answer(id, image, theme);
      return sendCached(request, reply, { status: a.status, type: a.type }, { etag: a.etag, render: () => a.body });
    });
  };
}
