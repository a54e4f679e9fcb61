// SVG → PNG with resvg and the shipped Inter files only (no system fonts), so a preview image
// looks the same on every machine.
import { Resvg } from '@resvg/resvg-js';
import { FONT_FILES } from './fonts.ts';

/** The PNG of `svg` at its own size. */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [FONT_FILES.regular, FONT_FILES.bold], defaultFontFamily: 'Inter', sansSerifFamily: 'Inter' },
    fitTo: { mode: 'original' },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
