// The share preview of a wish (og:image, 1200×630): the title on up to three lines, the
// progress bar, raised of the quote and the amount to go, pledgers and days left, the
// repository. Always light: a preview has no reader's theme to follow.
import { FONT_STACK, textWidth } from './fonts.ts';
import { stylesheet, TONE } from './palette.ts';
import { escapeXml, fitText, svgText as text, wrapText } from './text.ts';
import { cardSentence, type WishCard } from './wish-card.ts';

export const OG_WIDTH = 1200;
export const OG_HEIGHT = 630;
const PAD = 60;
const INNER = OG_WIDTH - 2 * PAD;

const BRAND = { size: 34, weight: 'bold' } as const;
const TOP = { size: 30 };
const PILL = { size: 26, weight: 'bold' } as const;
const TITLE = { size: 62, weight: 'bold' } as const;
const FIGURES = { size: 40, weight: 'bold' } as const;
const DETAILS = { size: 28 };

function frame(label: string, stripe: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${OG_WIDTH}" height="${OG_HEIGHT}" viewBox="0 0 ${OG_WIDTH} ${OG_HEIGHT}" role="img" aria-label="${escapeXml(label)}" font-family="${escapeXml(FONT_STACK)}">` +
    `<title>${escapeXml(label)}</title><style>${stylesheet('light')}</style>` +
    `<rect class="bg" width="${OG_WIDTH}" height="${OG_HEIGHT}" stroke-width="0"/><rect class="${stripe}" width="${OG_WIDTH}" height="14"/>${body}</svg>`
  );
}

/** The preview image of a wish, as SVG. */
export function ogSvg(card: WishCard): string {
  const tone = TONE[card.status];
  const pillWidth = Math.ceil(textWidth(card.state, PILL.size, 'bold')) + 40;
  const pillX = OG_WIDTH - PAD - pillWidth;
  const brandWidth = textWidth('Upkeep', BRAND.size, 'bold');
  const repo = fitText(`·  github.com/${card.repository}/issues/${card.number}`, pillX - PAD - brandWidth - 40, TOP);
  const lines = wrapText(card.title, INNER, TITLE, 3);
  const filled = card.percent === 0 ? 0 : Math.max(28, Math.round((INNER * card.percent) / 100));
  const outcomeWidth = textWidth(card.outcome, FIGURES.size, 'bold');
  const body =
    text(PAD, 104, 'fg', BRAND, 'Upkeep') +
    text(PAD + brandWidth + 16, 103, 'mu', TOP, repo) +
    `<rect class="s-${tone}" x="${pillX + 1}" y="67" width="${pillWidth - 2}" height="48" rx="24" stroke-width="2"/>` +
    text(pillX + pillWidth / 2, 101, `t-${tone}`, PILL, card.state, 'middle') +
    lines.map((line, i) => text(PAD, 214 + i * 76, 'fg', TITLE, line)).join('') +
    `<rect class="tr" x="${PAD}" y="430" width="${INNER}" height="28" rx="14"/>` +
    (filled > 0 ? `<rect class="t-${tone}" x="${PAD}" y="430" width="${filled}" height="28" rx="14"/>` : '') +
    text(PAD, 530, 'fg', FIGURES, fitText(card.headline, INNER - outcomeWidth - 30, FIGURES)) +
    text(OG_WIDTH - PAD, 530, card.collecting ? `t-${tone}` : 'fg', FIGURES, card.outcome, 'end') +
    text(PAD, 584, 'mu', DETAILS, fitText(card.details.join('  ·  '), INNER, DETAILS));
  return frame(cardSentence(card), `t-${tone}`, body);
}

const TAGLINE = 'Steady money for the open source companies depend on, and features the community funds together.';

/** The preview of Upkeep itself, for a path that names no wish. */
export function genericOgSvg(): string {
  const body =
    text(PAD, 250, 'fg', { size: 112, weight: 'bold' }, 'Upkeep') +
    wrapText(TAGLINE, INNER, { size: 44 }, 3)
      .map((line, i) => text(PAD, 340 + i * 58, 'fg', { size: 44 }, line))
      .join('') +
    text(PAD, 560, 'mu', DETAILS, 'Pledge to a wish from the web, GitHub, Slack or Discord.');
  return frame('Upkeep: funding open-source maintenance and features', 't-progress', body);
}
