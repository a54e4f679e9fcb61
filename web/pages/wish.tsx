// The wish page (/wishes/{owner}/{repo}/{n}): what the wish is (the issue body and the spec,
// from Markdown, sanitised), how far its funding has come, the pledge form (a guest pays on
// Stripe Checkout; offline, a commitment the operator settles), the quote's history, the
// timeline, the issue's discussion (read-only), share links, embed snippets and the OpenGraph /
// Twitter meta of a share preview. Aggregates and GitHub logins only: never an e-mail, a chat id,
// a company or a per-person amount. No scripts: everything works without JavaScript.
import { formatMinor } from '../../core/money.ts';
import type { WishComment } from '../../core/ports/discussion.ts';
import type { TimelineEntry, WishPage } from '../../core/use-cases/wishes/get-wish-page.ts';
import { MAX_NAME_LENGTH } from '../../core/use-cases/wishes/place-web-pledge.ts';
import { QUOTE_VALIDITY_DAYS, wishIdParts, type WishId, type WishLogEntry } from '../../core/wishlist.ts';
import { renderMarkdown } from '../markdown.ts';
import { amount, dayText } from './format.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';
import { PublicStyle, STATUS_TEXT } from './public-parts.tsx';
import { plural } from '../../core/plural.ts';

/** What the page says after Stripe or the form sent the browser back (fixed texts: nothing from the URL is shown). */
export type PledgeNotice = 'paid' | 'cancelled' | 'recorded';

/** The wish's addresses: its page (canonical, under PUBLIC_URL), the issue, the banner, the embed and the share image. */
export function wishLinks(publicUrl: string, id: WishId) {
  const { repoId, number } = wishIdParts(id);
  const path = `/wishes/${repoId}/${number}`;
  return {
    path,
    page: `${publicUrl}${path}`,
    pledge: `${path}/pledge`,
    issue: `https://github.com/${repoId}/issues/${number}`,
    project: `/projects/${repoId}`,
    banner: `${publicUrl}/widget/wishes/${repoId}/${number}.svg`,
    embed: `${publicUrl}/widget/wishes/${repoId}/${number}`,
    image: `${publicUrl}/og/wishes/${repoId}/${number}.png`,
  };
}

/** Text for an attribute of a snippet people paste into their own HTML. */
const attribute = (s: string) => s.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);


/** `€180.00 raised of €300.00 — €120.00 to go`, as the page, the meta and the share texts say it. */
export function fundingSentence(page: WishPage): string {
  const { wish, progress, gap } = page;
  const raised = amount({ amount: progress.paid, currency: wish.currency });
  if (!wish.quote) return `${amount({ amount: progress.pledged, currency: wish.currency })} pledged, awaiting a quote`;
  const quote = amount({ amount: wish.quote.amount, currency: wish.quote.currency });
  if (gap.toGo === 0) return `${raised} raised of ${quote}: fully funded`;
  return `${raised} raised of ${quote} — ${amount({ amount: gap.toGo!, currency: wish.currency })} to go`;
}

/** The one-line summary of og:description and the share texts. */
function summary(page: WishPage): string {
  const parts = [fundingSentence(page), plural(page.progress.pledgers, 'pledger')];
  if (page.gap.daysLeft !== null) parts.push(`${plural(page.gap.daysLeft, 'day')} left`);
  return parts.join(' · ');
}

const WISH_CSS = `
.wish-head p { margin: 4px 0; }
.funding { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 16px 0; }
.funding .figure { font-size: 26px; }
.funding svg { display: block; margin: 10px 0; }
svg .track { stroke: var(--line); }
.written { max-width: 46em; overflow-wrap: anywhere; }
.written img { max-width: 100%; height: auto; }
.written pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; }
.written blockquote { margin: 8px 0; padding-left: 12px; border-left: 3px solid var(--line); color: var(--muted); }
.amounts { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
.amounts label { display: inline-flex; gap: 6px; align-items: center; margin: 0; }
.pledge-form input[type=text], .pledge-form input[type=email] { width: 100%; max-width: 22em; }
input[type=email] { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.pledge-form .help { margin: 2px 0 8px; font-size: 14px; }
.timeline { padding-left: 20px; }
.timeline li { margin: 4px 0; }
.comments { list-style: none; padding: 0; }
.comment { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
.comment header { border: 0; color: var(--muted); font-size: 14px; }
.share { display: flex; flex-wrap: wrap; gap: 8px 16px; list-style: none; padding: 0; }
textarea, input[readonly] { font: 14px ui-monospace, SFMono-Regular, Menlo, monospace; width: 100%; background: var(--card); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
`;

/** The progress bar as inline SVG, named for screen readers. */
function FundingBar({ percent, label }: { percent: number; label: string }) {
  const value = Math.max(0, Math.min(100, percent));
  const width = 600;
  return (
    <svg role="img" aria-labelledby="funding-bar-title" viewBox={`0 0 ${width} 16`} width="100%" height="16" preserveAspectRatio="none" style={`max-width:${width}px`} xmlns="http://www.w3.org/2000/svg">
      <title id="funding-bar-title">{label}</title>
      <rect class="track" x={0.5} y={0.5} width={width - 1} height={15} rx={7.5} />
      {value > 0 && <rect class="bar" x={0} y={0} width={Math.max(16, Math.round((value / 100) * width))} height={16} rx={8} />}
    </svg>
  );
}

const actor = (e: TimelineEntry) => (e.actor ? `@${e.actor}` : 'someone');

/** What each step of the timeline says. */
const TIMELINE_TEXT = {
  open: (e) => `${actor(e)} opened the wish`,
  spec: (e) => `${actor(e)} wrote the spec`,
  quote: (e) => `${actor(e)} quoted it`,
  pledge: (e) => (e.count === 1 ? 'A pledge' : `${e.count} pledges`),
  pay: (e) => (e.count === 1 ? 'A payment arrived' : `${e.count} payments arrived`),
  refund: (e) => (e.count === 1 ? 'A pledge was refunded' : `${e.count} pledges were refunded`),
  fund: () => 'Funded: the pledges reached the quote',
  start: (e) => `${actor(e)} started the work`,
  deliver: (e) => `${actor(e)} delivered it`,
  cancel: (e) => `${actor(e)} cancelled the wish; every pledge is refunded`,
  expire: () => `Expired: the quote was not reached within ${QUOTE_VALIDITY_DAYS} days; every pledge is refunded`,
} satisfies Record<WishLogEntry['action'], (e: TimelineEntry) => string>;

const When = ({ at }: { at: Date }) => <time datetime={at.toISOString()}>{dayText(at)}</time>;

const NOTICES: Record<PledgeNotice, { tone: 'ok' | 'bad'; title: string; text: string }> = {
  paid: {
    tone: 'ok',
    title: 'Thank you for your pledge!',
    text: 'Stripe has your payment. The total on this page counts it as soon as Stripe confirms the payment to Upkeep, usually within a minute: reload the page to see it.',
  },
  cancelled: { tone: 'bad', title: 'The payment was cancelled', text: 'Nothing was charged. You can pledge again below whenever you like.' },
  recorded: {
    tone: 'ok',
    title: 'Thank you: your pledge is recorded',
    text: 'Payments are offline on this Upkeep instance, so your pledge is a commitment: the operator settles it by hand, and the amount raised counts it once it is settled.',
  },
};

function PledgersLine({ page }: { page: WishPage }) {
  const { logins, others } = page.pledgers;
  const named = logins.map((login, i) => (
    <>
      {i > 0 && ', '}
      <a href={`https://github.com/${encodeURIComponent(login)}`}>@{login}</a>
    </>
  ));
  return (
    <p>
      <span data-testid="pledgers">{plural(page.progress.pledgers, 'pledger')}</span>
      {logins.length > 0 && (
        <>
          : {named}
          {others > 0 && ` and ${plural(others, 'other')}`}
        </>
      )}
    </p>
  );
}

function PledgeForm({ page, csrf, action }: { page: WishPage; csrf: string; action: string }) {
  const currency = page.wish.currency;
  return (
    <form method="post" action={action} class="pledge-form" data-testid="pledge-form">
      <CsrfField token={csrf} />
      <fieldset>
        <legend>How much do you pledge?</legend>
        <div class="amounts">
          {page.presets.map((m) => (
            <label key={m.amount}>
              <input type="radio" name="preset" value={formatMinor(m.amount, m.currency)} />
              {amount(m)}
            </label>
          ))}
        </div>
        <label for="pledge-amount">Or another amount, in {currency} (replaces the choice above)</label>
        <input type="text" id="pledge-amount" name="amount" inputMode="decimal" autoComplete="off" aria-describedby="pledge-amount-help" />
        <p class="help muted" id="pledge-amount-help">
          Any amount, e.g. 15 or 12.50.
        </p>
      </fieldset>
      <label for="pledge-name">Your name (optional)</label>
      <input type="text" id="pledge-name" name="name" maxLength={MAX_NAME_LENGTH} autoComplete="name" aria-describedby="pledge-name-help" />
      <p class="help muted" id="pledge-name-help">
        Goes with your payment. The page shows only how many people pledged.
      </p>
      <label for="pledge-email">E-mail (optional)</label>
      <input type="email" id="pledge-email" name="email" autoComplete="email" aria-describedby="pledge-email-help" />
      <p class="help muted" id="pledge-email-help">
        {page.offline ? 'So the operator can reach you to settle the pledge.' : 'Stripe sends your receipt there.'} Never shown on any page.
      </p>
      <button type="submit">{page.offline ? 'Record my pledge' : 'Pledge with Stripe'}</button>
    </form>
  );
}

function Comment({ comment }: { comment: WishComment }) {
  return (
    <li class="comment" data-testid="comment">
      <article aria-label={`Comment by @${comment.author}`}>
        <header>
          <a href={`https://github.com/${encodeURIComponent(comment.author)}`}>@{comment.author}</a> ·{' '}
          {comment.url ? (
            <a href={comment.url}>
              <When at={comment.createdAt} />
            </a>
          ) : (
            <When at={comment.createdAt} />
          )}
          {comment.updatedAt.getTime() > comment.createdAt.getTime() + 60_000 && ' · edited'}
        </header>
        <div class="written" dangerouslySetInnerHTML={{ __html: renderMarkdown(comment.body) }} />
      </article>
    </li>
  );
}

function ShareLinks({ page, url }: { page: WishPage; url: string }) {
  const text = `Help fund "${page.wish.title}": ${fundingSentence(page)}`;
  const q = encodeURIComponent;
  const links = [
    { name: 'X', href: `https://twitter.com/intent/tweet?text=${q(text)}&url=${q(url)}` },
    { name: 'Mastodon', href: `https://mastodonshare.com/?text=${q(`${text} ${url}`)}` },
    { name: 'Bluesky', href: `https://bsky.app/intent/compose?text=${q(`${text} ${url}`)}` },
    { name: 'LinkedIn', href: `https://www.linkedin.com/sharing/share-offsite/?url=${q(url)}` },
  ];
  return (
    <>
      <ul class="share" data-testid="share-links">
        {links.map((l) => (
          <li key={l.name}>
            <a href={l.href} rel="noopener" target="_blank">
              Share on {l.name}
            </a>
          </li>
        ))}
        <li>
          <a href={`mailto:?subject=${q(`Help fund: ${page.wish.title}`)}&body=${q(`${text}\n\n${url}`)}`}>Share by e-mail</a>
        </li>
      </ul>
      <label for="share-url">Link to this page (to copy)</label>
      <input type="text" id="share-url" readOnly value={url} />
    </>
  );
}

/** The wish page. */
export function WishPageView({ page, publicUrl, csrf, notice }: { page: WishPage; publicUrl: string; csrf: string; notice: PledgeNotice | null }) {
  const { wish, gap } = page;
  const links = wishLinks(publicUrl, wish.id);
  const { repoId, number } = wishIdParts(wish.id);
  const description = summary(page);
  const title = `${wish.title} (${repoId}#${number})`;
  const said = notice ? NOTICES[notice] : null;
  const meta: [string, string][] = [
    ['og:type', 'website'],
    ['og:site_name', 'Upkeep'],
    ['og:title', title],
    ['og:description', description],
    ['og:url', links.page],
    ['og:image', links.image],
    ['og:image:type', 'image/png'],
    ['og:image:width', '1200'],
    ['og:image:height', '630'],
    ['og:image:alt', `${wish.title}: ${fundingSentence(page)}`],
  ];
  const twitter: [string, string][] = [
    ['twitter:card', 'summary_large_image'],
    ['twitter:title', title],
    ['twitter:description', description],
    ['twitter:image', links.image],
  ];
  const head = (
    <>
      <meta name="description" content={description} />
      {meta.map(([p, c]) => (
        <meta key={p} property={p} content={c} />
      ))}
      {twitter.map(([n, c]) => (
        <meta key={n} name={n} content={c} />
      ))}
      <PublicStyle />
      <style dangerouslySetInnerHTML={{ __html: WISH_CSS }} />
    </>
  );
  const markdownSnippet = `[![${wish.title.replace(/[[\]]/g, '')}](${links.banner})](${links.page})`;
  const iframeSnippet = `<iframe src="${links.embed}" title="${attribute(wish.title)}" width="600" height="170" style="border:0" loading="lazy"></iframe>`;
  const quoted = wish.quote;

  return (
    <Layout title={wish.title} canonical={links.page} indexable head={head}>
      <div class="wish-head">
        <p class="muted">
          <a href={links.project}>{repoId}</a> · <a href={links.issue}>issue #{number} on GitHub</a>
        </p>
        <h1>{wish.title}</h1>
        <p>
          <span class="badge" data-testid="status">
            {STATUS_TEXT[wish.status]}
          </span>
        </p>
      </div>

      {said && (
        <div class={`notice ${said.tone}`} role="status" data-testid="pledge-notice">
          <strong>{said.title}</strong> {said.text}
        </div>
      )}

      <section aria-labelledby="funding" class="funding">
        <h2 id="funding">Funding</h2>
        <p class="figure" data-testid="funding-sentence">
          {fundingSentence(page)}
        </p>
        {quoted && <FundingBar percent={page.progress.percent} label={`${page.progress.percent}% of the quote raised`} />}
        <dl class="facts">
          <div>
            <dt>Raised (paid)</dt>
            <dd data-testid="raised">{amount({ amount: page.progress.paid, currency: wish.currency })}</dd>
          </div>
          <div>
            <dt>Quote</dt>
            <dd data-testid="quote">{quoted ? amount({ amount: quoted.amount, currency: quoted.currency }) : 'not quoted yet'}</dd>
          </div>
          {gap.toGo !== null && (
            <div>
              <dt>To go</dt>
              <dd data-testid="to-go">{amount({ amount: gap.toGo, currency: wish.currency })}</dd>
            </div>
          )}
          <div>
            <dt>Days left</dt>
            <dd data-testid="days-left" class={gap.daysLeft === null ? 'plain' : undefined}>
              {gap.daysLeft !== null ? plural(gap.daysLeft, 'day') : wish.status === 'open' ? 'counted from the quote' : 'none: not collecting'}
            </dd>
          </div>
        </dl>
        <PledgersLine page={page} />
        {quoted && wish.deadline && wish.status === 'quoted' && (
          <p class="muted">
            If pledges do not reach the quote by <When at={wish.deadline} />, every pledge is refunded. Delivery: {plural(quoted.delayDays, 'day')} after work starts.
          </p>
        )}
      </section>

      <section aria-labelledby="pledge">
        <h2 id="pledge">Pledge</h2>
        {page.offline && (
          <p class="notice" data-testid="offline">
            <strong>Payments are offline</strong> on this Upkeep instance: a pledge is recorded as a commitment and settled by the operator; no card is asked for.
          </p>
        )}
        {page.acceptsPledges ? (
          <>
            <p>
              {page.offline
                ? 'Anyone can pledge, without an account.'
                : 'Anyone can pledge, without an account: you pay on Stripe Checkout and come back here.'}{' '}
              Money is held until the wish is delivered, and refunded if it is cancelled or expires.
            </p>
            <PledgeForm page={page} csrf={csrf} action={links.pledge} />
          </>
        ) : (
          <p data-testid="not-pledging">This wish no longer takes pledges: it is {STATUS_TEXT[wish.status].toLowerCase()}.</p>
        )}
      </section>

      <section aria-labelledby="description">
        <h2 id="description">What is wished</h2>
        {wish.description.trim() === '' ? (
          <p class="muted">The issue has no description.</p>
        ) : (
          <div class="written" data-testid="description" dangerouslySetInnerHTML={{ __html: renderMarkdown(wish.description) }} />
        )}
      </section>

      <section aria-labelledby="spec">
        <h2 id="spec">Spec</h2>
        {wish.spec ? (
          <>
            <p class="muted">
              By @{wish.spec.author}, <When at={wish.spec.at} />
            </p>
            <div class="written" data-testid="spec" dangerouslySetInnerHTML={{ __html: renderMarkdown(wish.spec.text) }} />
          </>
        ) : (
          <p class="muted">No spec yet: a maintainer writes it on the issue.</p>
        )}
      </section>

      <section aria-labelledby="quotes">
        <h2 id="quotes">Quote</h2>
        {page.quotes.length === 0 ? (
          <p class="muted">Not quoted yet: a maintainer gives a cost and a delay on the issue.</p>
        ) : (
          <div class="table-wrap">
            <table data-testid="quotes">
              <caption>Each quote the maintainers gave, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col" class="num">
                    Cost
                  </th>
                  <th scope="col" class="num">
                    Delay
                  </th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {page.quotes.map((q) => (
                  <tr key={q.at.toISOString()} data-current={q.current ? 'true' : 'false'}>
                    <td>
                      <When at={q.at} />
                      {q.current ? ' (standing)' : ' (replaced)'}
                    </td>
                    <td class="num">{amount({ amount: q.amount, currency: q.currency })}</td>
                    <td class="num">{plural(q.delayDays, 'day')}</td>
                    <td>@{q.by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <ol class="timeline" data-testid="timeline">
          {page.timeline.map((e, i) => (
            <li key={i}>
              <When at={e.at} />: {TIMELINE_TEXT[e.action](e)}
              {e.action === 'deliver' && wish.deliveredBy !== null && (
                <>
                  {' '}
                  in <a href={`https://github.com/${repoId}/pull/${wish.deliveredBy}`}>#{wish.deliveredBy}</a>
                </>
              )}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="discussion">
        <h2 id="discussion">Discussion</h2>
        {page.comments.length === 0 ? (
          <p class="muted">No comments on the issue yet.</p>
        ) : (
          <ol class="comments" data-testid="comments">
            {page.comments.map((c) => (
              <Comment key={c.id} comment={c} />
            ))}
          </ol>
        )}
        <p>
          <a href={links.issue} data-testid="join-discussion">
            Join the discussion on GitHub
          </a>
        </p>
      </section>

      <section aria-labelledby="share">
        <h2 id="share">Share</h2>
        <ShareLinks page={page} url={links.page} />
      </section>

      <section aria-labelledby="embed">
        <h2 id="embed">Embed</h2>
        <p>Show the wish's progress in a README or on a website.</p>
        <label for="embed-markdown">Markdown (README)</label>
        <textarea id="embed-markdown" readOnly rows={2}>
          {markdownSnippet}
        </textarea>
        <label for="embed-html">HTML (a web page)</label>
        <textarea id="embed-html" readOnly rows={3}>
          {iframeSnippet}
        </textarea>
      </section>
    </Layout>
  );
}

/** No wish on this issue (or not an issue address). */
export function WishNotFoundPage({ address }: { address: string }) {
  return (
    <MessagePage title="No wish here" link={{ href: '/', text: 'See the wishes closest to funding' }}>
      <p>
        There is no wish at <code>{address}</code>. A wish is opened by a comment on its GitHub issue; once it is, its page appears here.
      </p>
    </MessagePage>
  );
}

/** A pledge that was refused (a bad amount, a wish no longer collecting...): nothing was recorded. */
export function PledgeRefusedPage({ message, back, recorded }: { message: string; back: string; recorded: boolean }) {
  return (
    <MessagePage title={recorded ? 'The payment could not be started' : 'Your pledge was not recorded'} link={{ href: back, text: 'Back to the wish' }}>
      <p data-testid="refusal">{message}</p>
      {!recorded && <p>Nothing was recorded and nothing was charged.</p>}
    </MessagePage>
  );
}

/** Stripe answered without a Checkout link. */
export function NoCheckoutPage({ back }: { back: string }) {
  return (
    <MessagePage title="Stripe gave no payment link" link={{ href: back, text: 'Back to the wish' }}>
      <p>Your pledge is recorded, but Stripe did not return a payment page; nothing was charged. Try again in a moment.</p>
    </MessagePage>
  );
}
