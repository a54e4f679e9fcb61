// Colours of the images, light and dark, and the stylesheet that picks one: a fixed theme, or
// both with the reader's `prefers-color-scheme` (browsers honour it inside an SVG <img>).
import type { WishStatus } from '../../core/wishlist.ts';

export type Theme = 'light' | 'dark' | 'auto';

/** `?theme=` as a theme; anything else (absent, misspelt, repeated) follows the reader. */
export function parseTheme(raw: unknown): Theme {
  return raw === 'light' || raw === 'dark' ? raw : 'auto';
}

interface Palette {
  bg: string;
  edge: string;
  fg: string;
  muted: string;
  track: string;
  /** Collecting (open, quoted). */
  progress: string;
  /** Funded, in progress, delivered. */
  done: string;
  /** Cancelled, expired. */
  ended: string;
}

// Text colours keep 4.5:1 or more against the background (WCAG AA).
const LIGHT: Palette = { bg: '#ffffff', edge: '#d0d7de', fg: '#1f2328', muted: '#57606a', track: '#e6e9ee', progress: '#0969da', done: '#1a7f37', ended: '#6e7781' };
const DARK: Palette = { bg: '#0d1117', edge: '#30363d', fg: '#e6edf3', muted: '#9198a1', track: '#262c36', progress: '#4493f8', done: '#3fb950', ended: '#9198a1' };

export type Tone = 'progress' | 'done' | 'ended';

export const TONE: Record<WishStatus, Tone> = {
  open: 'progress',
  quoted: 'progress',
  funded: 'done',
  in_progress: 'done',
  delivered: 'done',
  cancelled: 'ended',
  expired: 'ended',
};

// Classes: bg (the card), fg/mu (text), tr (bar track), and per tone a fill (t-…) and a stroke (s-…).
const rules = (p: Palette) =>
  `.bg{fill:${p.bg};stroke:${p.edge}}.fg{fill:${p.fg}}.mu{fill:${p.muted}}.tr{fill:${p.track}}` +
  (['progress', 'done', 'ended'] as const).map((t) => `.t-${t}{fill:${p[t]}}.s-${t}{stroke:${p[t]};fill:none}`).join('');

/** The <style> body for `theme`. */
export function stylesheet(theme: Theme): string {
  if (theme === 'light') return rules(LIGHT);
  if (theme === 'dark') return rules(DARK);
  return `${rules(LIGHT)}@media (prefers-color-scheme: dark){${rules(DARK)}}`;
}

/** The same colours for HTML (the embed): custom properties, per theme. */
export function cssVariables(theme: Theme): string {
  const vars = (p: Palette) => `--bg:${p.bg};--edge:${p.edge};--fg:${p.fg};--muted:${p.muted};--track:${p.track};--progress:${p.progress};--done:${p.done};--ended:${p.ended};`;
  if (theme === 'light') return `:root{color-scheme:light;${vars(LIGHT)}}`;
  if (theme === 'dark') return `:root{color-scheme:dark;${vars(DARK)}}`;
  return `:root{color-scheme:light dark;${vars(LIGHT)}}@media (prefers-color-scheme: dark){:root{${vars(DARK)}}}`;
}
