// Runs the close benchmark alone and prints its figures: `npx tsx bench/close-main.ts [--quick]`.
// `--sizes=100000,…`, `--pglite=N|none` and `--samples=N` narrow a run while iterating.
import { closeFigures } from './close-period.ts';
import { median } from './figures.ts';

const quick = process.argv.includes('--quick');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = arg('sizes')?.split(',').map(Number);
const pglite = arg('pglite');
const samples = arg('samples');
const started = Date.now();
const figures = await closeFigures({ quick }, {
  ...(sizes ? { sizes } : {}),
  ...(pglite !== undefined ? { pglite: pglite === 'none' ? null : Number(pglite) } : {}),
  ...(samples ? { samples: Number(samples) } : {}),
});
for (const f of figures) {
  const m = median(f.samples);
  const verdict = f.target === undefined ? '' : (f.better === 'lower' ? m <= f.target : m >= f.target) ? '  ✓ target ' + f.target : '  ✗ target ' + f.target;
  console.log(`${f.work}\n    median ${m.toFixed(2)} ${f.unit} (samples ${f.samples.map((s) => s.toFixed(2)).join(', ')})${verdict}${f.note ? `\n    ${f.note}` : ''}`);
}
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
