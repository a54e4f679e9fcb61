// Embeddable progress of a wish: an SVG banner (never a broken image), an HTML banner for an
// iframe, and a share page with OpenGraph/Twitter meta. Public aggregates only.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import { makeBadge } from 'badge-maker';
import { z } from 'zod';
import { formatMoney } from '../core/money.ts';
import type { Ports } from '../core/ports/index.ts';
import { parseWishId, toPublicWish, type PublicWish, type WishStatus } from '../core/wishlist.ts';
import type { RoutePlugin } from '../edge/http.ts';

export type WidgetDeps = Pick<Ports, 'wishes'> & { publicUrl: string };

const STATUS_LABEL: Record<WishStatus, string> = {
  open: 'open, awaiting a quote',
  quoted: 'collecting pledges',
  funded: 'funded',
  in_progress: 'in progress',
  delivered: 'delivered',
  cancelled: 'cancelled',
  expired: 'expired, pledges refunded',
};

const STATUS_COLOR: Record<WishStatus, string> = {
  open: 'lightgrey',
  quoted: 'blue',
  funded: 'green',
  in_progress: 'green',
  delivered: 'brightgreen',
  cancelled: 'grey',
  expired: 'grey',
};

/** `66% of €300.00` for a quoted wish, the status otherwise. */
export function progressLine(w: PublicWish): string {
  if (w.status === 'quoted' && w.quote) return `${w.percent}% of ${formatMoney({ amount: w.quote.amount, currency: w.quote.currency })}`;
  if (w.status === 'open') return `${formatMoney(w.pledged)} pledged, awaiting a quote`;
  return STATUS_LABEL[w.status];
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type WishParams = { owner: string; repo: string; number: string };

/** Loads the public view of a wish, or null when the id is malformed or unknown. */
async function findWish(deps: WidgetDeps, params: WishParams): Promise<PublicWish | null> {
  const id = parseWishId(`${params.owner}/${params.repo}#${params.number.replace(/\.svg$/, '')}`);
  if (!id.ok) return null;
  const wish = await deps.wishes.get(id.value);
  return wish ? toPublicWish(wish) : null;
}

/** Sends with a strong ETag; answers 304 when the client already has this body. */
function sendCached(request: FastifyRequest, reply: FastifyReply, status: number, type: string, body: string, maxAge: number) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`).type(type);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.code(status).send(body);
}

function wishUrls(publicUrl: string, w: PublicWish) {
  const [repo, number] = w.id.split('#') as [string, string];
  return {
    issue: `https://github.com/${repo}/issues/${number}`,
    share: `${publicUrl}/wishes/${repo}/${number}`,
    svg: `${publicUrl}/widget/wishes/${repo}/${number}.svg`,
  };
}

function banner(w: PublicWish): string {
  const bar = Math.min(100, w.percent);
  return `<div class="wish"><div class="title">${escapeHtml(w.title)}</div>
<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${bar}"><div style="width:${bar}%"></div></div>
<div class="meta">${escapeHtml(progressLine(w))} · ${w.pledgers} pledger${w.pledgers === 1 ? '' : 's'}${w.deadline && w.status === 'quoted' ? ` · until ${w.deadline.slice(0, 10)}` : ''}</div></div>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;padding:12px;color:#1f2328}
.wish .title{font-weight:600;margin-bottom:6px}.bar{background:#e5e7eb;border-radius:4px;height:10px;overflow:hidden}
.bar div{background:#2da44e;height:100%}.meta{color:#57606a;margin-top:6px}a{color:#0969da}`;

const wishParams = z.object({ owner: z.string(), repo: z.string(), number: z.string() });

/** Anyone may embed the banner: no frame restriction, and images load from any site. */
const EMBEDDABLE: FastifyHelmetOptions = {
  frameguard: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ['*'], baseUri: ["'none'"], formAction: ["'none'"] } },
};

/** The share page: its own inline style, no scripts, links out only. */
const SHARE_PAGE: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], imgSrc: ["'self'"], frameAncestors: ["'self'"], baseUri: ["'none'"], formAction: ["'self'"] } },
};

export function widgetRoutes(deps: WidgetDeps): RoutePlugin {
  return (app) => {
    app.get('/widget/wishes/:owner/:repo/:number', { schema: { params: wishParams }, helmet: EMBEDDABLE }, async (request, reply) => {
        const params = request.params;
        if (params.number.endsWith('.svg')) {
          const w = await findWish(deps, params);
          const svg = w
            ? makeBadge({ label: w.id, message: progressLine(w), color: STATUS_COLOR[w.status], style: 'flat' })
            : makeBadge({ label: 'upkeep', message: 'wish not found', color: 'lightgrey', style: 'flat' });
          // Always an image with 200, so an embed never shows a broken picture.
          return sendCached(request, reply, 200, 'image/svg+xml; charset=utf-8', svg, 60);
        }
        const w = await findWish(deps, params);
        const body = w
          ? `${banner(w)}<div class="meta"><a href="${escapeHtml(wishUrls(deps.publicUrl, w).share)}" target="_blank" rel="noopener">Pledge or share</a></div>`
          : '<div class="meta">This wish does not exist (yet).</div>';
        const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${w ? escapeHtml(w.title) : 'Wish not found'}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
        return sendCached(request, reply, w ? 200 : 404, 'text/html; charset=utf-8', html, 60);
    });

    app.get('/wishes/:owner/:repo/:number', { schema: { params: wishParams }, helmet: SHARE_PAGE }, async (request, reply) => {
        const w = await findWish(deps, request.params);
        if (!w) {
          const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wish not found · Upkeep</title><style>${STYLE}</style></head><body><p>No wish is open on this issue. A maintainer or user can open one with a <code>/wish</code> comment on the issue.</p></body></html>`;
          return sendCached(request, reply, 404, 'text/html; charset=utf-8', html, 60);
        }
        const urls = wishUrls(deps.publicUrl, w);
        const title = `${w.title} (${w.id})`;
        const description = `${progressLine(w)} · ${w.pledgers} pledger${w.pledgers === 1 ? '' : 's'} · Fund this feature on Upkeep.`;
        const text = encodeURIComponent(`Help fund "${w.title}" (${w.id}): ${progressLine(w)}`);
        const url = encodeURIComponent(urls.share);
        const meta = [
          ['og:type', 'website'],
          ['og:title', title],
          ['og:description', description],
          ['og:url', urls.share],
          ['og:site_name', 'Upkeep'],
        ]
          .map(([p, c]) => `<meta property="${p}" content="${escapeHtml(c!)}">`)
          .concat(
            [
              ['twitter:card', 'summary'],
              ['twitter:title', title],
              ['twitter:description', description],
            ].map(([n, c]) => `<meta name="${n}" content="${escapeHtml(c!)}">`),
          )
          .join('\n');
        const [repo, number] = w.id.split('#');
        const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Upkeep</title>
<meta name="description" content="${escapeHtml(description)}">
${meta}
<link rel="canonical" href="${escapeHtml(urls.share)}">
<style>${STYLE} main{max-width:640px;margin:24px auto} code{background:#f6f8fa;padding:1px 4px;border-radius:4px}</style></head>
<body><main>
<h1>${escapeHtml(w.title)}</h1>
<p><a href="${escapeHtml(urls.issue)}">${escapeHtml(w.id)}</a> · ${escapeHtml(STATUS_LABEL[w.status])}${w.quote ? ` · quote ${escapeHtml(formatMoney({ amount: w.quote.amount, currency: w.quote.currency }))}, delivered ${w.quote.delayDays} days after funding` : ''}</p>
${banner(w)}
<h2>Pledge</h2>
<ul><li>On GitHub: comment <code>/pledge 20</code> on <a href="${escapeHtml(urls.issue)}">the issue</a>.</li>
<li>In Discord: <code>/pledge wish:${escapeHtml(w.id)} amount:20</code>.</li>
<li>In Slack: <code>/upkeep pledge ${escapeHtml(w.id)} 20</code>.</li></ul>
<p>If the quote is not reached within 60 days of it, every pledge is refunded.</p>
<h2>Share</h2>
<p><a href="https://twitter.com/intent/tweet?text=${text}&amp;url=${url}">X / Twitter</a> ·
<a href="https://www.linkedin.com/sharing/share-offsite/?url=${url}">LinkedIn</a> ·
<a href="https://mastodonshare.com/?text=${text}&amp;url=${url}">Mastodon</a> ·
<a href="mailto:?subject=${encodeURIComponent(`Help fund ${w.title}`)}&amp;body=${text}%20${url}">Email</a></p>
<h2>Embed</h2>
<pre><code>${escapeHtml(`[![${w.id}](${urls.svg})](${urls.share})`)}</code></pre>
<pre><code>${escapeHtml(`<iframe src="${deps.publicUrl}/widget/wishes/${repo}/${number}" width="420" height="90" style="border:0"></iframe>`)}</code></pre>
</main></body></html>`;
        return sendCached(request, reply, 200, 'text/html; charset=utf-8', html, 60);
    });
  };
}
