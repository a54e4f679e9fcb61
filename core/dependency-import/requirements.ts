// pip requirements files (requirements.txt, *.in): PEP 508 lines, options and references to
// code outside PyPI reported as ignored.
import { formatPackageId } from '../packages.ts';
import { Collector, type ImportReport } from './report.ts';

/** Joins `\` continuations and strips comments (a `#` at the start or after whitespace, as pip does). */
export function logicalLines(content: string): string[] {
  const joined = content.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

export type RequirementLine =
  | { kind: 'package'; name: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unknown' };

// PEP 508: name, optional [extras], optional version clauses (maybe in parentheses); markers
// after ";" are not checked because they only say where the dependency applies.
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const EXTRAS = '(?:\\[[^\\]]*\\])?';
const CLAUSE = '(?:~=|===|==|!=|<=|>=|<|>)\\s*[A-Za-z0-9*+!._-]+';
const REQUIREMENT = new RegExp(`^(${NAME})\\s*${EXTRAS}\\s*(?:\\(?\\s*${CLAUSE}(?:\\s*,\\s*${CLAUSE})*\\s*\\)?)?$`);
const DIRECT_REFERENCE = new RegExp(`^${NAME}\\s*${EXTRAS}\\s*@`);
const ARCHIVE = /\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i;
// Per-requirement options pin or configure the download; they do not change the package.
const REQUIREMENT_OPTION = /\s--(hash|config-settings|global-option|install-option)(=|\s+)\S+/g;

/** What one logical line of a requirements file is: a package, an ignored line, or not a requirement at all. */
export function classifyRequirement(line: string): RequirementLine {
  if (/^(-r|--requirement)\b/.test(line)) return { kind: 'ignored', reason: 'includes another requirements file; import that file too' };
  if (/^(-c|--constraint)\b/.test(line)) return { kind: 'ignored', reason: 'a constraints file limits versions but adds no dependency' };
  if (/^(-e|--editable)\b/.test(line)) return { kind: 'ignored', reason: 'an editable install from a local path or VCS URL, not from PyPI' };
  if (line.startsWith('-')) return { kind: 'ignored', reason: 'a pip option, not a package' };
  const fromElsewhere: RequirementLine = { kind: 'ignored', reason: 'installed from a URL or local path, not from PyPI' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(line) || /^(\.{1,2}[\\/]|[\\/]|~[\\/]|file:)/.test(line)) return fromElsewhere;
  const spec = line.replace(REQUIREMENT_OPTION, '').split(';', 1)[0]!.trim();
  // `name @ https://...` is a PEP 508 direct reference: the code does not come from PyPI.
  if (DIRECT_REFERENCE.test(spec)) return { kind: 'ignored', reason: 'installed from a URL (name @ url), not from PyPI' };
  if (ARCHIVE.test(spec) || spec.includes('/') || spec.includes('\\')) return fromElsewhere;
  const m = REQUIREMENT.exec(spec);
  return m ? { kind: 'package', name: m[1]! } : { kind: 'unknown' };
}

/** The packages of a requirements file. */
export function importRequirements(content: string): ImportReport {
  const out = new Collector();
  for (const line of logicalLines(content)) {
    const r = classifyRequirement(line);
    if (r.kind === 'package') out.add(line, formatPackageId('pypi', r.name));
    else if (r.kind === 'ignored') out.ignore(line, r.reason);
    else out.ignore(line, 'not a requirement; write a name with an optional version, e.g. requests>=2.31');
  }
  return out.report('requirements.txt');
}
