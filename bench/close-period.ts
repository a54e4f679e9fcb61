// Benchmark of the month-end close (issue 15): companies × 10 packages over companies ÷ 2
// packages (2/3 claimed by repositories with 1–3 maintainers, the rest escrowed per company),
// closed as the scheduled close runs it (offline budgets, ledger, month-end summaries) in a
// child process of its own (its time and peak RSS), against the machine's limit measured in the
// same run: one INSERT … SELECT per ledger table writing the same rows into copies with the same
// keys and indexes. Also the scaling 10k → 100k → 1M, the embedded PGlite against its own limit,
// and `npm run upkeep -- check` on the largest ledger.
//   npx tsx bench/close-main.ts [--quick]
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, pgSession, type Database } from '../prisma/db.ts';
import type { SqlSession } from '../prisma/migrate.ts';
import { createPostgresDatabase, ADMIN_URL } from '../test/databases.ts';
import { median, type BenchOptions, type Figure } from './figures.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PERIOD = '2026-10';
const CLOSE_AT = '2026-11-01T00:00:05Z';
const PER_COMPANY = 10;

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * SQL that seeds `allocations` allocation lines: allocations ÷ 10 companies with 10 packages
 * each (10 points) over allocations ÷ 20 packages; a package whose number is not a multiple of 3
 * is claimed by its repository, with 1–3 maintainers (60/40, 50/30/20) of whom the first also
 * maintains another repository. One company in ten and one package in ten have a channel.
 */
export function seedStatements(allocations: number): string[] {
  const companies = allocations / PER_COMPANY;
  const packages = allocations / 20;
  return [
    `INSERT INTO repository (id, opted_in, terms_version, license, last_activity_at)
     SELECT 'org/r' || g, true, 1, 'MIT', '2026-10-01' FROM generate_series(1, ${packages}) g WHERE g % 3 <> 0`,
    `INSERT INTO repository_maintainer (repository_id, login, share)
     SELECT 'org/r' || g, m.login, CASE 1 + (g / 3) % 3 WHEN 1 THEN 100 WHEN 2 THEN (CASE m.k WHEN 1 THEN 60 ELSE 40 END) ELSE (CASE m.k WHEN 1 THEN 50 WHEN 2 THEN 30 ELSE 20 END) END
     FROM generate_series(1, ${packages}) g
     CROSS JOIN LATERAL (VALUES (1, 'm' || (g % ${Math.max(1, Math.floor(packages / 2))})), (2, 'n' || g), (3, 'o' || g)) AS m(k, login)
     WHERE g % 3 <> 0 AND m.k <= 1 + (g / 3) % 3`,
    `INSERT INTO package_claim (package_id, repository_id)
     SELECT 'npm:pkg-' || g, 'org/r' || g FROM generate_series(1, ${packages}) g WHERE g % 3 <> 0`,
    `INSERT INTO company (id, name, workspace, budget, currency)
     SELECT gen_random_uuid(), 'company ' || g, 'bench:' || g, 10000 + (g * 37) % 90000, 'EUR' FROM generate_series(1, ${companies}) g`,
    `INSERT INTO allocation (company_id, created_by, created_at) SELECT id, 'bench', '2026-01-01' FROM company`,
    `INSERT INTO allocation_line (allocation_id, package_id, points)
     SELECT a.id, 'npm:pkg-' || (1 + ((a.id * 7919) % ${packages} + k * ${packages / 10}) % ${packages}), 10
     FROM allocation a, generate_series(0, ${PER_COMPANY - 1}) k`,
    `INSERT INTO subscription (platform, channel, target, company_id, created_by)
     SELECT 'slack', 'T1/C' || split_part(workspace, ':', 2), 'company:' || id, id, 'bench' FROM company WHERE split_part(workspace, ':', 2)::int % 10 = 0
     UNION ALL
     SELECT 'discord', 'd' || g, 'package:npm:pkg-' || g, NULL, 'bench' FROM generate_series(10, ${packages}, 10) g`,
  ];
}

const LEDGER_TABLES = ['ledger_account', 'ledger_transaction', 'ledger_entry'] as const;

/**
 * The machine's limit for the ledger rows a close wrote: one INSERT … SELECT per table into
 * copies with the same keys, indexes and foreign keys. Returns its time in ms; the copies are dropped.
 */
export async function ledgerLimit(session: SqlSession): Promise<number> {
  const copy = (t: string) => `bench_limit_${t}`;
  for (const t of LEDGER_TABLES) await session.exec(`DROP TABLE IF EXISTS ${copy(t)} CASCADE; CREATE TABLE ${copy(t)} (LIKE ${t} INCLUDING ALL)`);
  await session.exec(`ALTER TABLE ${copy('ledger_entry')} ADD FOREIGN KEY (transaction_id) REFERENCES ${copy('ledger_transaction')} (id),
                      ADD FOREIGN KEY (account_key) REFERENCES ${copy('ledger_account')} (key)`);
  const started = performance.now();
  for (const t of LEDGER_TABLES) await session.exec(`INSERT INTO ${copy(t)} SELECT * FROM ${t} ORDER BY 1`);
  const ms = performance.now() - started;
  for (const t of [...LEDGER_TABLES].reverse()) await session.exec(`DROP TABLE ${copy(t)}`);
  return ms;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const dbName = (url: string) => new URL(url).pathname.slice(1);
const urlOf = (name: string) => Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();

/** A migrated, seeded PostgreSQL database used as a template (each sample closes a fresh copy). */
async function seededTemplate(allocations: number): Promise<{ name: string; drop(): Promise<void> }> {
  const created = await createPostgresDatabase();
  let db: Database | null = await openDatabase({ kind: 'postgres', url: created.url });
  await db.close();
  db = null;
  await withClient(created.url, async (c) => {
    for (const s of seedStatements(allocations)) await c.query(s);
    await c.query('VACUUM ANALYZE');
  });
  return { name: dbName(created.url), drop: created.drop };
}

async function cloneDatabase(template: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${template}_s${Math.random().toString(36).slice(2, 8)}`;
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return { url: urlOf(name), drop: () => withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) };
}

/** Runs a node script of the project (through tsx) and returns its stdout and wall time; rejects on a non-zero exit. */
function runNode(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; ms: number }> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ stdout, ms });
      else reject(new Error(`${args.join(' ')} exited with ${code}:\n${(stderr || stdout).slice(-3000)}`));
    });
  });
}

interface ChildResult {
  ms: number;
  planned: number;
  written: number;
  peakRssMiB: number;
  limitMs: number | null;
}

const parseChild = (stdout: string): ChildResult => JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;

interface SizeRun {
  allocations: number;
  closeS: number[];
  rssMiB: number[];
  limitS: number[];
  planned: number;
  entries: number;
  checkS: number[];
}

/** Closes `samples` fresh copies of a seeded database; on the last, optionally times the limit and `check`. */
async function runSize(allocations: number, samples: number, { limit, check }: { limit: boolean; check: boolean }): Promise<SizeRun> {
  const template = await seededTemplate(allocations);
  const run: SizeRun = { allocations, closeS: [], rssMiB: [], limitS: [], planned: 0, entries: 0, checkS: [] };
  try {
    for (let i = 0; i < samples; i++) {
      const copy = await cloneDatabase(template.name);
      try {
        const r = parseChild((await runNode(['bench/close-child.ts', 'postgres', copy.url, PERIOD, CLOSE_AT])).stdout);
        if (r.written !== r.planned) throw new Error(`the close wrote ${r.written} of ${r.planned} movements`);
        run.closeS.push(r.ms / 1000);
        run.rssMiB.push(r.peakRssMiB);
        run.planned = r.planned;
        await withClient(copy.url, async (c) => {
          const [{ n }] = (await c.query<{ n: string }>('SELECT COUNT(*) AS n FROM ledger_entry')).rows as [{ n: string }];
          run.entries = Number(n);
          if (limit) run.limitS.push((await ledgerLimit(pgSession(c))) / 1000);
        });
        if (check && i === samples - 1) {
          for (let j = 0; j < samples; j++) {
            const { stdout, ms } = await runNode(['app/cli.ts', 'check'], { DATABASE_URL: copy.url });
            if (!stdout.includes('Ledger OK')) throw new Error(`check did not pass:\n${stdout.slice(-2000)}`);
            run.checkS.push(ms / 1000);
          }
        }
      } finally {
        await copy.drop();
      }
    }
  } finally {
    await template.drop();
  }
  return run;
}

/** The close of `allocations` on an in-memory PGlite, against its own INSERT … SELECT limit. */
async function runPglite(allocations: number, samples: number): Promise<{ closeS: number[]; limitS: number[] }> {
  const out = { closeS: [] as number[], limitS: [] as number[] };
  for (let i = 0; i < samples; i++) {
    const r = parseChild((await runNode(['bench/close-child.ts', 'pglite', String(allocations), PERIOD, CLOSE_AT])).stdout);
    out.closeS.push(r.ms / 1000);
    out.limitS.push(r.limitMs! / 1000);
  }
  return out;
}

const ratios = (a: number[], b: number[]) => a.map((x, i) => x / b[i]!);

/**
 * The close's figures. `only` narrows a run while iterating (some PostgreSQL sizes, a PGlite
 * size or none); `npm run bench` passes none.
 */
export async function closeFigures(opts: BenchOptions, only: { sizes?: number[]; pglite?: number | null; samples?: number } = {}): Promise<Figure[]> {
  const samples = only.samples ?? (opts.quick ? 1 : 3);
  const sizes = only.sizes ?? (opts.quick ? [10_000] : [10_000, 100_000, 1_000_000]);
  const largest = sizes[sizes.length - 1]!;
  const runs = new Map<number, SizeRun>();
  for (const size of sizes) runs.set(size, await runSize(size, samples, { limit: size === largest, check: size === largest }));
  const big = runs.get(largest)!;
  const shape = (n: number) => `${fmt(n / PER_COMPANY)} companies × ${PER_COMPANY} packages over ${fmt(n / 20)} packages`;
  const figures: Figure[] = [
    {
      work: `close ${fmt(largest)} allocations on PostgreSQL (${shape(largest)}, scheduled close with offline budgets and month-end summaries)`,
      samples: big.closeS,
      unit: 's',
      better: 'lower',
      ...(largest === 1_000_000 ? { target: 20 } : {}),
      note: `${fmt(big.planned)} transactions, ${fmt(big.entries)} entries; peak RSS median ${Math.round(median(big.rssMiB))} MiB`,
    },
    {
      work: `peak RSS of the closing process (${fmt(largest)} allocations)`,
      samples: big.rssMiB,
      unit: 'MiB',
      better: 'lower',
      ...(largest === 1_000_000 ? { target: 1024 } : {}),
    },
    {
      work: `machine limit: one INSERT … SELECT per ledger table writing the same ${fmt(big.planned)} transactions and ${fmt(big.entries)} entries into copies with the same keys and indexes`,
      samples: big.limitS,
      unit: 's',
      better: 'lower',
    },
    {
      work: `close ÷ machine limit (${fmt(largest)} allocations, same run)`,
      samples: ratios(big.closeS, big.limitS),
      unit: 'ratio',
      better: 'lower',
      target: 1.5,
    },
  ];
  for (const size of sizes.filter((s) => s !== largest)) {
    const r = runs.get(size)!;
    figures.push({ work: `close ${fmt(size)} allocations on PostgreSQL (${shape(size)})`, samples: r.closeS, unit: 's', better: 'lower', note: `${fmt(r.planned)} transactions; peak RSS median ${Math.round(median(r.rssMiB))} MiB` });
  }
  if (runs.has(100_000) && runs.has(1_000_000)) {
    const [a, b] = [runs.get(1_000_000)!, runs.get(100_000)!];
    figures.push({ work: 'scaling: close of 1,000,000 ÷ close of 100,000 allocations (linear = 10)', samples: ratios(a.closeS, b.closeS), unit: 'ratio', better: 'lower', target: 11 });
  }
  const pgliteSize = only.pglite === undefined ? (opts.quick ? 10_000 : 100_000) : only.pglite;
  if (pgliteSize !== null) {
    const lite = await runPglite(pgliteSize, samples);
    figures.push(
      { work: `close ${fmt(pgliteSize)} allocations on the embedded PGlite (${shape(pgliteSize)})`, samples: lite.closeS, unit: 's', better: 'lower', note: `its own INSERT … SELECT limit median ${median(lite.limitS).toFixed(2)} s` },
      { work: `PGlite close ÷ its own INSERT … SELECT limit (${fmt(pgliteSize)} allocations)`, samples: ratios(lite.closeS, lite.limitS), unit: 'ratio', better: 'lower', target: 1.5 },
    );
  }
  figures.push(
    {
      work: `npm run upkeep -- check on the ${fmt(largest)}-allocation ledger (the whole command: start-up, invariants, reconciliation)`,
      samples: big.checkS,
      unit: 's',
      better: 'lower',
      ...(largest === 1_000_000 ? { target: 5 } : {}),
    },
  );
  return figures;
}

