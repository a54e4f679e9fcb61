// `npm run bench [-- <name>...]`: runs the benchmarks (all, or those whose name contains one of
// the arguments), writes bench/report.json and prints a summary. Benchmarks are not tests:
// they measure, they do not assert. Each needs PostgreSQL on 127.0.0.1:5432 (see test/databases.ts).
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchClosePeriod } from './close-period.ts';
import { benchSlackAck } from './slack-ack.ts';

/** Every benchmark: one line each. */
const BENCHMARKS: { name: string; run: () => Promise<object> }[] = [
  { name: 'close-period', run: () => benchClosePeriod() },
  { name: 'slack-ack', run: () => benchSlackAck() },
];

const filters = process.argv.slice(2);
const selected = BENCHMARKS.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
if (selected.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  process.exit(1);
}

const results: Record<string, unknown> = {};
let failed = false;
for (const b of selected) {
  process.stdout.write(`▶ ${b.name} … `);
  const started = Date.now();
  try {
    const r = await b.run();
    results[b.name] = { ...r, wallMs: Date.now() - started };
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const [k, v] of Object.entries(r)) if (k !== 'name') console.log(`    ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  } catch (e) {
    failed = true;
    results[b.name] = { error: e instanceof Error ? e.message : String(e) };
    console.log(`failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const file = fileURLToPath(new URL('./report.json', import.meta.url));
// A filtered run keeps the other benchmarks' last results.
const previous = filters.length === 0 ? {} : await readFile(file, 'utf8').then((t) => (JSON.parse(t) as { results?: Record<string, unknown> }).results ?? {}, () => ({}));
const report = {
  at: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30) },
  results: { ...previous, ...results },
};
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`Report written to ${file}`);
process.exit(failed ? 1 : 0);
