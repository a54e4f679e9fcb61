// The typeface images are drawn in, shipped with the project (Inter, from npm) so that a
// machine without system fonts renders the same PNGs, and the same font's advance widths to
// fit text into a banner before any renderer sees it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Inter's TTF files: regular (400) and bold (700). */
export const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf'),
} as const;

/** The family every image names first, then what a browser showing the SVG may have. */
export const FONT_STACK = "Inter, 'Segoe UI', system-ui, -apple-system, Roboto, Helvetica, Arial, sans-serif";

export type Weight = 'regular' | 'bold';

/** Advance widths of one font, in em, per BMP code point (others get `fallback`). */
interface Metrics {
  widths: Float32Array;
  fallback: number;
}

const loaded = new Map<Weight, Metrics>();

/** Width of `text` in px at `size` px in Inter of `weight` (kerning ignored: a slight overestimate). */
export function textWidth(text: string, size: number, weight: Weight = 'regular'): number {
  let m = loaded.get(weight);
  if (!m) {
    m = readMetrics(readFileSync(FONT_FILES[weight]));
    loaded.set(weight, m);
  }
  let em = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    em += cp < 0x10000 ? m.widths[cp]! : m.fallback;
  }
  return em * size;
}

/**
 * Reads the `cmap` (format 4, Unicode BMP) and `hmtx` tables of a TrueType font into a table
 * of advance widths. Code points the font lacks get its average width, as a renderer's
 * fallback glyph would take about that much room.
 */
function readMetrics(font: Buffer): Metrics {
  const tables = new Map<string, number>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const rec = 12 + i * 16;
    tables.set(font.toString('latin1', rec, rec + 4), font.readUInt32BE(rec + 8));
  }
  const at = (tag: string) => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`font has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = font.readUInt16BE(at('head') + 18);
  const longMetrics = font.readUInt16BE(at('hhea') + 34);
  const hmtx = at('hmtx');
  const advance = (glyph: number) => font.readUInt16BE(hmtx + 4 * Math.min(glyph, longMetrics - 1)) / unitsPerEm;

  const cmap = at('cmap');
  let sub = -1;
  for (let i = 0, n = font.readUInt16BE(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(rec);
    const encoding = font.readUInt16BE(rec + 2);
    const offset = cmap + font.readUInt32BE(rec + 4);
    if (font.readUInt16BE(offset) === 4 && (platform === 0 || (platform === 3 && encoding === 1))) sub = offset;
  }
  if (sub < 0) throw new Error('font has no Unicode BMP cmap');

  let total = 0;
  for (let g = 0; g < longMetrics; g++) total += advance(g);
  const fallback = total / longMetrics;
  const widths = new Float32Array(0x10000).fill(fallback);
  const segments = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const ranges = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    const end = font.readUInt16BE(ends + 2 * s);
    const start = font.readUInt16BE(starts + 2 * s);
    const delta = font.readUInt16BE(deltas + 2 * s);
    const rangeAt = ranges + 2 * s;
    const range = font.readUInt16BE(rangeAt);
    for (let cp = start; cp <= end && cp < 0xffff; cp++) {
      let glyph: number;
      if (range === 0) glyph = (cp + delta) & 0xffff;
      else {
        const raw = font.readUInt16BE(rangeAt + range + 2 * (cp - start));
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) widths[cp] = advance(glyph);
    }
  }
  return { widths, fallback };
}
