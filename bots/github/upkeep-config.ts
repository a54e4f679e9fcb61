// `.github/upkeep.yml`: a repository's opt-in (packages, maintainers' shares, accepted terms).
// Parsed with `yaml`, checked with zod and the core's package grammar; every problem is
// reported at once, in words a maintainer can act on.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parsePackageId, type PackageId } from '../../core/packages.ts';

export const CONFIG_PATH = '.github/upkeep.yml';
/** The platform rules version maintainers accept with `accept_terms`. */
export const TERMS_VERSION = 1;

export interface UpkeepConfig {
  packages: PackageId[];
  maintainers: { login: string; share: number }[];
  termsVersion: number;
  description: string | null;
  needs: string | null;
  contact: string | null;
}

const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/i;
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).optional().nullable();

const Schema = z.object({
  packages: z.array(z.string({ error: 'each package must be text like npm:react' })).min(1, 'list at least one package, e.g. [npm:react]'),
  maintainers: z.record(z.string(), z.number({ error: 'each share must be a whole number of percent' }).int('each share must be a whole number of percent')),
  accept_terms: z.number({ error: `must be ${TERMS_VERSION}` }),
  description: text(500),
  needs: text(1000),
  contact: text(300),
});

const EXAMPLE = [
  'packages: [npm:your-package]',
  'maintainers:',
  '  alice: 60',
  '  bob: 40',
  `accept_terms: ${TERMS_VERSION}`,
].join('\n');

/** Parses the file's text; `problems` lists everything wrong (empty when valid). */
export function parseUpkeepConfig(source: string): { ok: true; config: UpkeepConfig } | { ok: false; problems: string[]; example: string } {
  const fail = (problems: string[]) => ({ ok: false as const, problems, example: EXAMPLE });
  let raw: unknown;
  try {
    raw = parseYaml(source, { maxAliasCount: 10 });
  } catch (e) {
    return fail([`The file is not valid YAML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(['The file must be a YAML mapping with `packages`, `maintainers` and `accept_terms`.']);
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
    return fail(parsed.error.issues.map((i) => `\`${i.path.join('.') || '(file)'}\`: ${present(i.path) ? i.message : 'is missing'}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  const packages: PackageId[] = [];
  for (const p of c.packages) {
    const r = parsePackageId(p);
    if (r.ok) {
      if (!packages.includes(r.value)) packages.push(r.value);
    } else problems.push(`\`packages\`: ${r.error.userMessage}`);
  }
  const maintainers: { login: string; share: number }[] = [];
  const entries = Object.entries(c.maintainers);
  if (entries.length === 0) problems.push('`maintainers`: list at least one GitHub login with its share, e.g. `alice: 100`.');
  for (const [login, share] of entries) {
    const l = login.replace(/^@/, '').toLowerCase();
    if (!LOGIN.test(l)) problems.push(`\`maintainers\`: "${login}" is not a GitHub login.`);
    else if (maintainers.some((m) => m.login === l)) problems.push(`\`maintainers\`: ${l} is listed twice.`);
    if (share < 1 || share > 100) problems.push(`\`maintainers\`: ${login} has a share of ${share}; each share is between 1 and 100.`);
    maintainers.push({ login: l, share });
  }
  const sum = entries.reduce((s, [, v]) => s + v, 0);
  if (entries.length > 0 && sum !== 100) problems.push(`\`maintainers\`: the shares sum to ${sum}; they must sum to exactly 100.`);
  if (c.accept_terms !== TERMS_VERSION) {
    problems.push(`\`accept_terms\`: write \`accept_terms: ${TERMS_VERSION}\` to accept the current platform rules (version ${TERMS_VERSION}).`);
  }
  if (problems.length > 0) return fail(problems);
  return {
    ok: true,
    config: {
      packages,
      maintainers,
      termsVersion: c.accept_terms,
      description: c.description || null,
      needs: c.needs || null,
      contact: c.contact || null,
    },
  };
}

/** SPDX ids GitHub reports when it found no licence or could not name it. */
const NOT_A_LICENCE = new Set(['NOASSERTION', 'NONE', 'OTHER']);

/** The licence GitHub detected, when it is an open-source one it could name; null otherwise. */
export function openSourceLicence(spdxId: string | null | undefined): string | null {
  if (!spdxId || NOT_A_LICENCE.has(spdxId.toUpperCase())) return null;
  return spdxId;
}
