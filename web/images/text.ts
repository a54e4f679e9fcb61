// Text for hand-written SVG: escaped for XML (titles come from GitHub issues, anyone writes
// them), and fitted to a width with Inter's metrics: cut with an ellipsis, or wrapped.
import { textWidth, type Weight } from './fonts.ts';

// Characters XML 1.0 forbids (controls other than tab and newlines, lone surrogates, U+FFFE/F):
// a title carrying one would make the whole image unreadable.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` as XML text or attribute value: `& < > " '` escaped, forbidden characters dropped. */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line of plain text: runs of whitespace (newlines, tabs) become one space, forbidden characters go. */
export const oneLine = (s: string): string => s.replace(NOT_XML, '').replace(/\s+/g, ' ').trim();

export interface Font {
  size: number;
  weight?: Weight;
}

/** `text` as is when it fits in `max` px, else cut at a character and ended with `…`. */
export function fitText(text: string, max: number, font: Font): string {
  const t = oneLine(text);
  const width = (s: string) => textWidth(s, font.size, font.weight);
  if (width(t) <= max) return t;
  const chars = Array.from(t);
  let lo = 0;
  let hi = chars.length;
  // The longest prefix that fits with the ellipsis (width grows with the prefix).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (width(`${chars.slice(0, mid).join('').trimEnd()}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}

/**
 * `text` broken into at most `lines` lines of `max` px, at spaces (a word longer than a line
 * is cut); the last line ends with `…` when the text does not fit.
 */
export function wrapText(text: string, max: number, font: Font, lines: number): string[] {
  const words = oneLine(text).split(' ').filter(Boolean);
  const width = (s: string) => textWidth(s, font.size, font.weight);
  const out: string[] = [];
  let line = '';
  let i = 0;
  for (; i < words.length && out.length < lines; i++) {
    const candidate = line ? `${line} ${words[i]}` : words[i]!;
    if (width(candidate) <= max) {
      line = candidate;
      continue;
    }
    if (line) {
      out.push(line);
      line = '';
      i--; // the word starts the next line
      continue;
    }
    // A single word wider than the line: as much of it as fits, the rest on the next line.
    const chars = Array.from(words[i]!);
    let n = 1;
    while (n < chars.length && width(chars.slice(0, n + 1).join('')) <= max) n++;
    out.push(chars.slice(0, n).join(''));
    words[i] = chars.slice(n).join('');
    i--;
  }
  if (line && out.length < lines) out.push(line);
  const rest = words.slice(i).join(' ');
  if (rest && out.length === lines) out[lines - 1] = fitText(`${out[lines - 1]} ${rest}`, max, font).replace(/…?$/, '…');
  return out;
}

/**
 * A <text> element of escaped `content` at (x, y) with a CSS class for its colour. Its
 * `textLength` is Inter's width: a browser showing the SVG with another font squeezes or
 * stretches the text to the same length, so nothing overflows whatever fonts the reader has.
 */
export function svgText(x: number, y: number, cls: string, font: Font, content: string, anchor: 'start' | 'middle' | 'end' = 'start'): string {
  const weight = font.weight === 'bold' ? ' font-weight="700"' : '';
  const align = anchor === 'start' ? '' : ` text-anchor="${anchor}"`;
  const length = Math.round(textWidth(oneLine(content), font.size, font.weight) * 10) / 10;
  return `<text x="${x}" y="${y}" class="${cls}" font-size="${font.size}"${weight}${align} textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeXml(content)}</text>`;
}
