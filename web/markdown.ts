// Markdown from GitHub (issue bodies, specs, comments) to HTML that is safe to put in a page:
// markdown-it with raw HTML off (so `<script>` is text, never a tag), then sanitize-html with an
// allow-list as the second wall. Links keep only http(s) and mailto and get
// rel="nofollow ugc noopener"; images load only over https; no attribute can carry a script.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
// Every link is made a tag, and the sanitiser below decides its URL: a refused one (javascript:,
// data:, vbscript:, protocol-relative) loses its href and keeps only its text, rather than
// markdown-it printing the whole `[text](url)` back as prose.
markdown.validateLink = () => true;

/** Headings of written text sit under the page's own h2 sections. */
const HEADING_SHIFT: Record<string, string> = { h1: 'h3', h2: 'h4', h3: 'h5', h4: 'h6', h5: 'h6', h6: 'h6' };

const LINK = /^(https?:\/\/|mailto:)/i;
const IMAGE = /^https:\/\//i;

/** `attribs` without `name` unless its value matches `allowed`. */
function only(attribs: sanitizeHtml.Attributes, name: string, allowed: RegExp): sanitizeHtml.Attributes {
  const value = attribs[name];
  if (value === undefined || allowed.test(value)) return attribs;
  const { [name]: _dropped, ...rest } = attribs;
  return rest;
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's',
    'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'loading', 'referrerpolicy'],
    ol: ['start'],
    code: ['class'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    ...Object.fromEntries(Object.entries(HEADING_SHIFT).map(([from, to]) => [from, to])),
    // Only absolute links: a relative one would point into Upkeep's own site.
    a: (tagName, attribs) => ({ tagName, attribs: { ...only(attribs, 'href', LINK), rel: 'nofollow ugc noopener' } }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...only(attribs, 'src', IMAGE), loading: 'lazy', referrerpolicy: 'no-referrer' } }),
  },
  // An image whose source was refused is dropped rather than left as a broken <img>.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  // Text that spells a script URL (raw HTML shown as text, a refused autolink) gets an encoded
  // colon: the reader sees the same text, and no byte of the output carries a script scheme.
  textFilter: (text) => text.replace(/\b(javascript|vbscript|data)\s*:/gi, '$1&#58;'),
};

/** Markdown (as written on GitHub) → sanitised HTML for a page. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(markdown.render(text), OPTIONS);
}
