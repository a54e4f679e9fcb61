// package.json: the four dependency sections, versions ignored, aliases funding the real package.
import { formatPackageId } from '../packages.ts';
import { Collector, isObject, type ImportReport, type JsonObject } from './report.ts';

/** The sections of package.json that list dependencies. */
export const NPM_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** Why an npm spec does not point at the registry, or undefined when it does. */
function npmSpecNotInRegistry(spec: string): string | undefined {
  if (/^(file|link|workspace|portal):/.test(spec)) return 'a local package (file:, link:, workspace:), not from the npm registry';
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:|https?:)/.test(spec)) return 'installed from a git or tarball URL, not from the npm registry';
  // "owner/repo" and "owner/repo#branch" are GitHub shorthands; version ranges never contain "/".
  if (/^[^\s@/:]+\/[^\s/]+$/.test(spec)) return 'installed from GitHub, not from the npm registry';
  if (/^(\.{0,2}\/|~\/)/.test(spec)) return 'a local path, not from the npm registry';
  return undefined;
}

/** `npm:real-name@range` installs `real-name` under another name: fund the real one. */
function npmAliasTarget(spec: string): string | undefined {
  if (!spec.startsWith('npm:')) return undefined;
  const target = spec.slice(4);
  const at = target.lastIndexOf('@');
  return at > 0 ? target.slice(0, at) : target;
}

/** Adds an npm dependency, or records why its spec names no registry package. */
export function addNpm(out: Collector, name: string, spec: string): void {
  const entry = `${name}@${spec}`;
  const reason = npmSpecNotInRegistry(spec);
  if (reason) return out.ignore(entry, reason);
  out.add(entry, formatPackageId('npm', npmAliasTarget(spec) ?? name));
}

/** The dependencies of a package.json. */
export function importPackageJson(doc: JsonObject): ImportReport {
  const out = new Collector();
  for (const section of NPM_SECTIONS) {
    const deps = doc[section];
    if (deps === undefined) continue;
    if (!isObject(deps)) {
      out.ignore(section, `"${section}" should map package names to versions`);
      continue;
    }
    for (const [name, spec] of Object.entries(deps)) {
      if (typeof spec !== 'string') out.ignore(`${section}.${name}`, 'the version should be a string');
      else addNpm(out, name, spec);
    }
  }
  return out.report('package.json');
}
