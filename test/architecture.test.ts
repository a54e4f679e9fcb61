// The shape of the house, checked on every run: arrows point down (app/ → adapters → core),
// adapters never import each other or the database, the core imports nothing of ours outside
// core/ and no SDK, and no source file takes part in an import circle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE_DIRS = ['app', 'bots', 'core', 'edge', 'payments', 'prisma', 'web', 'worker', 'dev'];
const isTest = (f: string) => /\.test\.tsx?$/.test(f);

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'generated' || name === 'node_modules' || name === 'migrations') return [];
    return statSync(full).isDirectory() ? walk(full) : /\.tsx?$/.test(full) ? [full] : [];
  });
}

/** Source files (tests excluded), relative to the repository root. */
const files = SOURCE_DIRS.flatMap((d) => walk(path.join(ROOT, d)))
  .map((f) => path.relative(ROOT, f))
  .filter((f) => !isTest(f))
  .sort();

interface Imports {
  /** Our own files, relative to the root. */
  local: string[];
  /** Package names (`@slack/bolt`, `node:http`...). */
  packages: string[];
}

const importsOf = new Map<string, Imports>(
  files.map((file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const specs = info.importedFiles.map((i) => i.fileName);
    const local = specs.filter((s) => s.startsWith('.')).map((s) => path.normalize(path.join(path.dirname(file), s)));
    const packages = specs.filter((s) => !s.startsWith('.'));
    return [file, { local, packages }];
  }),
);

const top = (file: string) => file.split(path.sep)[0]!;
const platformOf = (file: string) => (top(file) === 'bots' ? file.split(path.sep)[1]! : null);

function violations(rule: (file: string, target: string) => boolean): string[] {
  return files.flatMap((f) => importsOf.get(f)!.local.filter((t) => rule(f, t)).map((t) => `${f} → ${t}`));
}

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(path.join('core', 'errors.ts'));
  });

  it('nothing outside app/ imports app/', () => {
    expect(violations((f, t) => top(f) !== 'app' && top(t) === 'app')).toEqual([]);
  });

  it('the core imports nothing of ours outside core/, and no SDK, database or environment', () => {
    expect(violations((f, t) => top(f) === 'core' && top(t) !== 'core')).toEqual([]);
    const allowed = /^(node:crypto|node:util)$/;
    const sdks = files
      .filter((f) => top(f) === 'core')
      .flatMap((f) => importsOf.get(f)!.packages.filter((p) => !['zod', 'yaml', 'fast-xml-parser'].includes(p) && !allowed.test(p)).map((p) => `${f} → ${p}`));
    expect(sdks).toEqual([]);
    const env = files.filter((f) => top(f) === 'core' && /process\.env/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(env).toEqual([]);
  });

  it('adapters never touch the database: no prisma/ imports, no Prisma client, no raw SQL', () => {
    const adapters = (f: string) => ['bots', 'web', 'worker', 'payments'].includes(top(f));
    expect(violations((f, t) => adapters(f) && top(t) === 'prisma')).toEqual([]);
    const direct = files.filter((f) => adapters(f) && /\bprisma\b|\$queryRaw|\$executeRaw|\bdb\.prisma\b/.test(readFileSync(path.join(ROOT, f), 'utf8').replace(/\/\/.*$/gm, '')));
    expect(direct).toEqual([]);
    const packages = files.flatMap((f) => (adapters(f) ? importsOf.get(f)!.packages.filter((p) => p.startsWith('@prisma/') || p === 'pg' || p.startsWith('@electric-sql/')).map((p) => `${f} → ${p}`) : []));
    expect(packages).toEqual([]);
  });

  it('adapters never import each other: one platform per bots/ folder, web/ and worker/ apart from bots/', () => {
    expect(violations((f, t) => platformOf(f) !== null && platformOf(t) !== null && platformOf(f) !== platformOf(t))).toEqual([]);
    expect(violations((f, t) => ['web', 'worker', 'payments'].includes(top(f)) && top(t) === 'bots')).toEqual([]);
    expect(violations((f, t) => top(f) === 'bots' && ['web', 'worker'].includes(top(t)))).toEqual([]);
    expect(violations((f, t) => top(f) === 'worker' && top(t) === 'web')).toEqual([]);
  });

  it('edge/ is below every adapter: it imports only core/ and edge/', () => {
    expect(violations((f, t) => top(f) === 'edge' && !['core', 'edge'].includes(top(t)))).toEqual([]);
  });

  it('development fakes live outside test/, and no source file imports test/', () => {
    expect(violations((_f, t) => top(t) === 'test')).toEqual([]);
  });

  it('no import circles among source files', () => {
    const cycles: string[][] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'visiting');
      stack.push(f);
      for (const t of importsOf.get(f)?.local ?? []) {
        if (!importsOf.has(t)) continue;
        if (state.get(t) === 'visiting') cycles.push([...stack.slice(stack.indexOf(t)), t]);
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles.map((c) => c.join(' → '))).toEqual([]);
  });
});
