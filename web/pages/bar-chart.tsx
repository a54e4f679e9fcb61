// A horizontal bar chart as inline SVG, with its figures as text: the SVG has a title and a
// description for screen readers, and the caller shows the same figures in a table.
export interface Bar {
  label: string;
  /** What the bar's length is proportional to (e.g. minor units). */
  value: number;
  /** The value as people read it (`€340.00 · 34 points`). */
  text: string;
}

const ROW = 34;
const LABEL_WIDTH = 220;
const BAR_WIDTH = 300;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + 200;

/** One bar per item, longest = the largest value. */
export function BarChart({ id, title, bars }: { id: string; title: string; bars: readonly Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(ROW, bars.length * ROW);
  const description = bars.map((b) => `${b.label}: ${b.text}`).join('; ');
  return (
    <svg
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      style={`max-width:${WIDTH}px`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {bars.map((b, i) => {
        const y = i * ROW;
        const w = Math.max(2, Math.round((b.value / max) * BAR_WIDTH));
        return (
          <g key={b.label}>
            <text x={0} y={y + 22}>
              {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
            </text>
            <rect class="track" x={LABEL_WIDTH} y={y + 6} width={BAR_WIDTH} height={22} rx={4} />
            <rect class="bar" x={LABEL_WIDTH} y={y + 6} width={w} height={22} rx={4} />
            <text x={LABEL_WIDTH + BAR_WIDTH + 10} y={y + 22}>
              {b.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
