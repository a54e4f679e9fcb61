// `.github/upkeep.yml`: read as YAML and checked for shape here (parsing is the adapter's job);
// what the content must satisfy is the core's opt-in rules (core/opt-in/rules.ts). Every
// problem is reported at once, in words a maintainer can act on.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OPT_IN_EXAMPLE, OPT_IN_FILE_PATH, TERMS_VERSION, type OptInConfig, type OptInFile } from '../../core/opt-in/file.ts';
import { validateOptInFile } from '../../core/opt-in/rules.ts';

export const CONFIG_PATH = OPT_IN_FILE_PATH;

export type UpkeepConfig = OptInConfig;

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).optional().nullable();

const Schema = z.object({
  packages: z.array(z.string({ error: 'each package must be text like npm:react' })),
  maintainers: z.record(z.string(), z.number({ error: 'each share must be a whole number of percent' })),
  accept_terms: z.number({ error: `must be ${TERMS_VERSION}` }),
  description: text(500),
  needs: text(1000),
  contact: text(300),
});

/** What a valid file looks like, shown beside the problems (the core's example). */
export const EXAMPLE = OPT_IN_EXAMPLE;

/** Reads the file's text as an opt-in file: its fields, or why it cannot be read as one. */
export function readUpkeepFile(source: string): { ok: true; file: OptInFile } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(source, { maxAliasCount: 10 });
  } catch (e) {
    return { ok: false, problems: [`The file is not valid YAML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: ['The file must be a YAML mapping with `packages`, `maintainers` and `accept_terms`.'] };
  }
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    const present = (path: readonly PropertyKey[]): boolean => {
      let cur: unknown = raw;
      for (const k of path) {
        if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return false;
        cur = (cur as Record<PropertyKey, unknown>)[k];
      }
      return cur !== undefined && cur !== null;
    };
    return { ok: false, problems: parsed.error.issues.map((i) => `\`${i.path.join('.') || '(file)'}\`: ${present(i.path) ? i.message : 'is missing'}`) };
  }
  const c = parsed.data;
  return {
    ok: true,
    file: {
      packages: c.packages,
      maintainers: Object.entries(c.maintainers),
      acceptTerms: c.accept_terms,
      description: c.description ?? null,
      needs: c.needs ?? null,
      contact: c.contact ?? null,
    },
  };
}

/** Reads the file and applies the core's rules; `problems` lists everything wrong. */
export function parseUpkeepConfig(source: string): { ok: true; config: UpkeepConfig } | { ok: false; problems: string[]; example: string } {
  const read = readUpkeepFile(source);
  if (!read.ok) return { ok: false, problems: read.problems, example: EXAMPLE };
  const valid = validateOptInFile(read.file);
  return valid.ok ? { ok: true, config: valid.value } : { ok: false, problems: valid.error, example: EXAMPLE };
}
