// The embeddable HTML banner (GET /widget/wishes/{owner}/{repo}/{n}, for an iframe): what the
// SVG banner shows, plus a pledge button that opens the wish page in a new tab. Light, dark
// or the reader's scheme; no scripts; readable from 320 px wide.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { cssVariables, TONE, type Theme } from './images/palette.ts';
import type { WishCard } from './images/wish-card.ts';

const CSS = `*{box-sizing:border-box}
html,body{margin:0;background:transparent}
body{font:15px/1.4 Inter,"Segoe UI",system-ui,-apple-system,Roboto,Helvetica,Arial,sans-serif;color:var(--fg)}
.card{background:var(--bg);border:1px solid var(--edge);border-radius:12px;padding:14px 18px;max-width:720px;min-height:100vh}
.top{display:flex;justify-content:space-between;align-items:center;gap:8px;color:var(--muted);font-size:13px;margin:0}
.pill{border:1px solid currentColor;border-radius:999px;padding:1px 10px;font-weight:700;white-space:nowrap}
.progress{color:var(--progress)}.done{color:var(--done)}.ended{color:var(--ended)}
h1{font-size:18px;margin:6px 0 8px;line-height:1.3;overflow:hidden;text-overflow:ellipsis;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical}
a{color:inherit}
.bar{height:10px;border-radius:5px;background:var(--track);overflow:hidden}
.bar>div{height:100%;border-radius:5px}
.bar>.progress{background:var(--progress)}.bar>.done{background:var(--done)}.bar>.ended{background:var(--ended)}
.figures{display:flex;justify-content:space-between;flex-wrap:wrap;gap:4px 12px;margin:8px 0 2px;font-weight:700}
.details{color:var(--muted);font-size:13px;margin:0}
.foot{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap;margin-top:8px}
.button{display:inline-block;background:var(--progress);color:var(--bg);font-weight:700;text-decoration:none;border-radius:6px;padding:6px 14px}
.button:focus-visible,a:focus-visible{outline:3px solid var(--fg);outline-offset:2px}`;

function Document({ title, theme, children }: { title: string; theme: Theme; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: cssVariables(theme) + CSS }} />
      </head>
      <body>{children}</body>
    </html>
  );
}

export interface EmbedProps {
  card: WishCard;
  theme: Theme;
  /** The wish page (its pledge form at `#pledge`). */
  wishUrl: string;
  /** Whether the wish still takes pledges (open or quoted). */
  acceptsPledges: boolean;
}

/** The embed of a wish, as a complete HTML document. */
export function embedHtml({ card, theme, wishUrl, acceptsPledges }: EmbedProps): string {
  const tone = TONE[card.status];
  return `<!doctype html>${renderToString(
    <Document title={`${card.title} · Upkeep`} theme={theme}>
      <main class="card" aria-label={`Wish ${card.id} on Upkeep`}>
        <p class="top">
          <span>Upkeep · {card.id}</span>
          <span class={`pill ${tone}`}>{card.state}</span>
        </p>
        <h1>
          <a href={wishUrl} target="_blank" rel="noopener">
            {card.title}
          </a>
        </h1>
        <div class="bar" role="progressbar" aria-label="Funding of the quote" aria-valuemin={0} aria-valuemax={100} aria-valuenow={card.percent} aria-valuetext={`${card.percent}% funded`}>
          <div class={tone} style={`width:${card.percent}%`} />
        </div>
        <p class="figures">
          <span>{card.headline}</span>
          <span class={card.collecting ? tone : ''}>{card.outcome}</span>
        </p>
        <div class="foot">
          <p class="details">{card.details.join(' · ')}</p>
          {acceptsPledges ? (
            <a class="button" href={`${wishUrl}#pledge`} target="_blank" rel="noopener">
              Pledge
            </a>
          ) : (
            <a href={wishUrl} target="_blank" rel="noopener">
              See the wish
            </a>
          )}
        </div>
      </main>
    </Document>,
  )}`;
}

/** The embed of a path that names no wish. */
export function notFoundEmbedHtml(theme: Theme): string {
  return `<!doctype html>${renderToString(
    <Document title="Wish not found · Upkeep" theme={theme}>
      <main class="card">
        <p class="top">Upkeep</p>
        <h1>Wish not found</h1>
        <p class="details">This wish does not exist (yet): a /wish comment on the GitHub issue opens it.</p>
      </main>
    </Document>,
  )}`;
}
