// The progress banner of a wish (GET /widget/wishes/{owner}/{repo}/{n}.svg), hand-written SVG
// sized for a README (720 px wide): the title, a progress bar, raised of the quote, the amount
// to go, pledgers, days left and the state. Every text is escaped and fitted with Inter's
// metrics; an unknown wish gets the same frame saying so, never a broken image.
import { FONT_STACK, textWidth } from './fonts.ts';
import { stylesheet, TONE, type Theme } from './palette.ts';
import { escapeXml, fitText, svgText } from './text.ts';
import { cardSentence, type WishCard } from './wish-card.ts';

export const BANNER_WIDTH = 720;
export const BANNER_HEIGHT = 164;
const PAD = 24;
const INNER = BANNER_WIDTH - 2 * PAD;

const TOP = { size: 14 };
const PILL = { size: 13, weight: 'bold' } as const;
const TITLE = { size: 22, weight: 'bold' } as const;
const FIGURES = { size: 17, weight: 'bold' } as const;
const DETAILS = { size: 14 };

function frame(theme: Theme, label: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${BANNER_WIDTH}" height="${BANNER_HEIGHT}" viewBox="0 0 ${BANNER_WIDTH} ${BANNER_HEIGHT}" role="img" aria-label="${escapeXml(label)}" font-family="${escapeXml(FONT_STACK)}">` +
    `<title>${escapeXml(label)}</title><style>${stylesheet(theme)}</style>` +
    `<rect class="bg" x="0.5" y="0.5" width="${BANNER_WIDTH - 1}" height="${BANNER_HEIGHT - 1}" rx="12" stroke-width="1"/>${body}</svg>`
  );
}

const text = svgText;

/** The banner of a wish in `theme`. */
export function bannerSvg(card: WishCard, theme: Theme): string {
  const tone = TONE[card.status];
  const pillText = card.state;
  const pillWidth = Math.ceil(textWidth(pillText, PILL.size, 'bold')) + 20;
  const pillX = BANNER_WIDTH - PAD - pillWidth;
  const top = fitText(`Upkeep · ${card.id}`, pillX - PAD - 12, TOP);
  const filled = card.percent === 0 ? 0 : Math.max(12, Math.round((INNER * card.percent) / 100));
  const outcomeWidth = textWidth(card.outcome, FIGURES.size, 'bold');
  const headline = fitText(card.headline, INNER - outcomeWidth - 16, FIGURES);
  const body =
    text(PAD, 34, 'mu', TOP, top) +
    `<rect class="s-${tone}" x="${pillX + 0.5}" y="17.5" width="${pillWidth - 1}" height="23" rx="11.5" stroke-width="1"/>` +
    text(pillX + pillWidth / 2, 34, `t-${tone}`, PILL, pillText, 'middle') +
    text(PAD, 70, 'fg', TITLE, fitText(card.title, INNER, TITLE)) +
    `<rect class="tr" x="${PAD}" y="86" width="${INNER}" height="12" rx="6"/>` +
    (filled > 0 ? `<rect class="t-${tone}" x="${PAD}" y="86" width="${filled}" height="12" rx="6"/>` : '') +
    text(PAD, 126, 'fg', FIGURES, headline) +
    text(BANNER_WIDTH - PAD, 126, card.collecting ? `t-${tone}` : 'fg', FIGURES, card.outcome, 'end') +
    text(PAD, 150, 'mu', DETAILS, fitText(card.details.join(' · '), INNER, DETAILS));
  return frame(theme, cardSentence(card), body);
}

/** The banner of a path that names no wish: a valid image saying so. */
export function notFoundBannerSvg(theme: Theme): string {
  const body =
    text(PAD, 34, 'mu', TOP, 'Upkeep') +
    text(PAD, 70, 'fg', TITLE, 'Wish not found') +
    `<rect class="tr" x="${PAD}" y="86" width="${INNER}" height="12" rx="6"/>` +
    text(PAD, 126, 'mu', DETAILS, 'No wish is open on this GitHub issue yet; a /wish comment on the issue opens one.');
  return frame(theme, 'Upkeep: wish not found', body);
}
