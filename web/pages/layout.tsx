// The shared frame of server-rendered pages: one stylesheet (light and dark through
// prefers-color-scheme), landmarks (header, nav, main, footer), a skip link, and the sign-out
// form. No scripts: every page works without JavaScript.
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** The form field that carries the CSRF token (web/auth/session.ts reads it). */
export const CSRF_FIELD = '_csrf';

const CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1b1f; --muted: #51525c; --line: #d5d6dc; --card: #f5f6f8;
  --accent: #1d4ed8; --accent-fg: #ffffff; --link: #1d4ed8; --ok: #166534; --warn: #92400e; --bad: #b91c1c; --bar: #2563eb; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121317; --fg: #e9eaee; --muted: #b3b5bf; --line: #3a3c45; --card: #1c1d23;
    --accent: #93b4ff; --accent-fg: #0b1020; --link: #9dbbff; --ok: #86efac; --warn: #fcd34d; --bad: #fca5a5; --bar: #7ea6ff; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 1; }
header, footer { border-color: var(--line); border-style: solid; border-width: 0; }
header { border-bottom-width: 1px; }
footer { border-top-width: 1px; color: var(--muted); font-size: 14px; }
.bar-inner { max-width: 960px; margin: 0 auto; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header nav { display: flex; gap: 16px; align-items: center; flex: 1; }
header nav .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
main { max-width: 960px; margin: 0 auto; padding: 20px; }
h1 { font-size: 28px; margin: 8px 0 16px; }
h2 { font-size: 20px; margin: 28px 0 10px; }
section { margin-bottom: 8px; }
.muted { color: var(--muted); }
.figure { font-size: 32px; font-weight: 700; margin: 0; }
.notice { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--accent); padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.notice.bad { border-left-color: var(--bad); }
.notice.ok { border-left-color: var(--ok); }
.badge { display: inline-block; padding: 0 8px; border-radius: 999px; border: 1px solid currentColor; font-size: 14px; }
.badge.ok { color: var(--ok); } .badge.warn { color: var(--warn); } .badge.bad { color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
form.inline { display: inline; }
button, .button { font: inherit; background: var(--accent); color: var(--accent-fg); border: 0; border-radius: 6px; padding: 8px 14px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: transparent; color: var(--link); border: 1px solid var(--line); padding: 4px 10px; }
label { display: block; margin: 8px 0 4px; }
input[type=text], select { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
code, .token { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.token { display: block; padding: 10px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; word-break: break-all; }
svg .bar { fill: var(--bar); } svg text { fill: var(--fg); font: 14px system-ui, sans-serif; } svg .track { fill: var(--card); }
ul.problems { margin: 4px 0; padding-left: 20px; color: var(--warn); }
`;

export interface LayoutProps {
  title: string;
  /** Who is signed in, for the header (`@alice`, `Acme (Slack)`); null when nobody is. */
  signedInAs?: string | null;
  /** The CSRF token for the sign-out form (and the page's forms). */
  csrf?: string | null;
  /** The page's canonical URL under PUBLIC_URL (public pages). */
  canonical?: string | null;
  /** Public pages may be indexed by search engines; the signed-in ones are not. */
  indexable?: boolean;
  /** More of the head (description, OpenGraph meta...). */
  head?: ComponentChildren;
  children: ComponentChildren;
}

/** The page frame: header with navigation and sign-out, one `main`, a footer. */
export function Layout({ title, signedInAs = null, csrf = null, canonical = null, indexable = false, head = null, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        {!indexable && <meta name="robots" content="noindex" />}
        <title>{`${title} · Upkeep`}</title>
        {canonical !== null && <link rel="canonical" href={canonical} />}
        {head}
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <div class="bar-inner">
            <nav aria-label="Site">
              <a class="brand" href="/">
                Upkeep
              </a>
              <a href="/account">Maintainer account</a>
              <a href="/company">Company</a>
            </nav>
            {signedInAs !== null && (
              <form class="inline" method="post" action="/auth/logout">
                <span class="muted">Signed in as {signedInAs} </span>
                {csrf !== null && <input type="hidden" name={CSRF_FIELD} value={csrf} />}
                <button type="submit" class="secondary">
                  Sign out
                </button>
              </form>
            )}
          </div>
        </header>
        <main id="main">{children}</main>
        <footer>
          <div class="bar-inner">Upkeep funds the maintenance of the open-source packages companies depend on.</div>
        </footer>
      </body>
    </html>
  );
}

/** A complete HTML document. */
export const renderPage = (page: VNode): string => `<!doctype html>${renderToString(page)}`;

/** The hidden CSRF field every form carries. */
export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

/** A simple page: a heading, a message and an optional link (errors, confirmations, sign-in prompts). */
export function MessagePage({
  title,
  children,
  link,
  signedInAs,
  csrf,
}: {
  title: string;
  children: ComponentChildren;
  link?: { href: string; text: string } | null;
  signedInAs?: string | null;
  csrf?: string | null;
}) {
  return (
    <Layout title={title} signedInAs={signedInAs ?? null} csrf={csrf ?? null}>
      <h1>{title}</h1>
      <div>{children}</div>
      {link && (
        <p>
          <a class="button" href={link.href}>
            {link.text}
          </a>
        </p>
      )}
    </Layout>
  );
}
