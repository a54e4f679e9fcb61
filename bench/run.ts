// `npm run bench [-- --quick] [<name>...]`: runs the benchmarks (all, or those whose name
// contains one of the names), then writes bench/report.json and BENCHMARKS.md at the repository
// root. Each benchmark module exports `(opts: BenchOptions) => Promise<Figure[]>` and makes its
// own data; each figure is measured ≥ 3 times and reported as the median with min/max. A
// filtered run keeps the other areas' last figures. Needs PostgreSQL on 127.0.0.1:5432 (see
// test/databases.ts) and `redis-server` on the PATH (the HTTP benchmarks start their own).
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADMIN_URL } from '../test/databases.ts';
import { bannerFigures } from './banner.ts';
import { chatAckFigures } from './chat-acks.ts';
import { closeFigures } from './close-period.ts';
import { median, type BenchOptions, type Figure } from './figures.ts';
import { pledgeFigures } from './pledges.ts';

/** Every area of BENCHMARKS.md, in its order. */
const BENCHMARKS: { name: string; title: string; run: (opts: BenchOptions) => Promise<Figure[]> }[] = [
  { name: 'close-period', title: 'Month-end close', run: (opts) => closeFigures(opts) },
  { name: 'chat-acks', title: 'Chat acks (Slack, GitHub, Discord)', run: (opts) => chatAckFigures(opts) },
  { name: 'banner', title: 'Banner SVG', run: (opts) => bannerFigures(opts) },
  { name: 'pledges', title: 'Concurrent pledges', run: (opts) => pledgeFigures(opts) },
];

interface AreaResult {
  name: string;
  title: string;
  at: string;
  quick: boolean;
  wallSeconds: number;
  /** Peak RSS of the benchmark process during this area (the servers' own are in the notes), MiB. */
  peakRssMiB: number;
  figures: Figure[];
  error?: string;
}

interface Report {
  at: string;
  machine: Record<string, string | number>;
  areas: AreaResult[];
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const selected = BENCHMARKS.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
if (selected.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  process.exit(1);
}

const reportFile = fileURLToPath(new URL('./report.json', import.meta.url));
const markdownFile = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const previous: Report | null = filters.length === 0 ? null : await readFile(reportFile, 'utf8').then((t) => JSON.parse(t) as Report, () => null);

const results: AreaResult[] = [];
let failed = false;
for (const b of selected) {
  console.log(`▶ ${b.name}${quick ? ' (quick)' : ''}`);
  const started = Date.now();
  let figures: Figure[] = [];
  let error: string | undefined;
  try {
    figures = await b.run({ quick });
  } catch (e) {
    failed = true;
    error = e instanceof Error ? e.message : String(e);
  }
  const area: AreaResult = {
    name: b.name,
    title: b.title,
    at: new Date().toISOString(),
    quick,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    figures,
    ...(error ? { error } : {}),
  };
  results.push(area);
  for (const f of figures) console.log(`    ${verdict(f)} ${f.work}: ${format(median(f.samples), f.unit)} (${f.samples.map((s) => format(s, f.unit)).join(', ')})${f.target === undefined ? '' : `, target ${f.better === 'lower' ? '≤' : '≥'} ${format(f.target, f.unit)}`}`);
  console.log(error ? `    failed: ${error}` : `    done in ${area.wallSeconds} s`);
}

const report: Report = {
  at: new Date().toISOString(),
  machine: await machine(),
  // A filtered run keeps the other areas' last results, in the table's order.
  areas: BENCHMARKS.map((b) => results.find((r) => r.name === b.name) ?? previous?.areas.find((r) => r.name === b.name)).filter((r): r is AreaResult => r !== undefined),
};
await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
await writeFile(markdownFile, markdown(report));
console.log(`Report written to ${reportFile} and ${markdownFile}`);
process.exit(failed ? 1 : 0);

async function machine(): Promise<Record<string, string | number>> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  const postgres = await client
    .connect()
    .then(() => client.query<{ server_version: string }>('SHOW server_version'))
    .then((r) => r.rows[0]!.server_version, () => 'unreachable')
    .finally(() => client.end().catch(() => {}));
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    os: `${os.type()} ${os.release()}`,
  };
}

function format(value: number, unit: Figure['unit']): string {
  switch (unit) {
    case 'ratio':
      return `${value.toFixed(3)} ×`;
    case 'count':
      return String(value);
    case 'req/s':
      return `${Math.round(value).toLocaleString('en')} req/s`;
    case 'ms':
      return `${Math.round(value).toLocaleString('en')} ms`;
    default:
      return `${Math.round(value * 100) / 100} ${unit}`;
  }
}

function verdict(f: Figure): string {
  if (f.target === undefined || f.samples.length === 0) return '·';
  const m = median(f.samples);
  return (f.better === 'lower' ? m <= f.target : m >= f.target) ? '✓' : '✗';
}

function markdown(r: Report): string {
  const m = r.machine;
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Each figure is the median of its',
    'samples (one per run), with the smallest and largest; a ratio divides by a baseline measured in the',
    'same run. HTTP load comes from autocannon in its own process; servers run as `npm start` does.',
    '',
    `- Date: ${r.at}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `- Node ${m.node}, PostgreSQL ${m.postgres}`,
    '',
  ];
  for (const a of r.areas) {
    lines.push(`## ${a.title}`, '', `Measured ${a.at}${a.quick ? ' with `--quick` (small sizes)' : ''} in ${a.wallSeconds} s; benchmark process peak RSS ${a.peakRssMiB} MiB.`, '');
    if (a.error) lines.push(`**Failed:** ${cell(a.error)}`, '');
    if (a.figures.length === 0) continue;
    lines.push('| work | median | min–max | samples | target | verdict | note |', '|---|---|---|---|---|---|---|');
    for (const f of a.figures) {
      const target = f.target === undefined ? '—' : `${f.better === 'lower' ? '≤' : '≥'} ${format(f.target, f.unit)}`;
      const min = Math.min(...f.samples);
      const max = Math.max(...f.samples);
      lines.push(`| ${cell(f.work)} | ${format(median(f.samples), f.unit)} | ${format(min, f.unit)} – ${format(max, f.unit)} | ${f.samples.length} | ${target} | ${verdict(f)} | ${cell(f.note ?? '')} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
