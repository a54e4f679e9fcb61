import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError, err, ok, type Result } from './errors.ts';
import { formatPackageId, parsePackageId, type PackageId } from './packages.ts';

/** The manifest and SBOM formats a company can upload to list its dependencies. */
export type ManifestFormat = 'package.json' | 'package-lock.json' | 'requirements.txt' | 'pom.xml' | 'cyclonedx';

/** What an import found: normalised package ids (sorted, unique) and the entries it left out, with why. */
export type ImportReport = {
  format: ManifestFormat;
  packages: PackageId[];
  ignored: { entry: string; reason: string }[];
};

const ACCEPTED = 'package.json, package-lock.json (or npm-shrinkwrap.json), requirements.txt, pom.xml or a CycloneDX JSON SBOM';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const NPM_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(message: string, details: Record<string, unknown> = {}): Result<never> {
  return err(new DomainError('invalid_manifest', `${message} Upload one of: ${ACCEPTED}.`, { accepted: ACCEPTED, ...details }));
}

/** Collects ids and ignored entries; the report is sorted and deduplicated once at the end. */
class Collector {
  private readonly ids = new Set<PackageId>();
  private readonly ignored = new Map<string, { entry: string; reason: string }>();

  /** Adds the id if valid, else records why the entry was left out. */
  add(entry: string, r: Result<PackageId>): void {
    if (r.ok) this.ids.add(r.value);
    else this.ignore(entry, r.error.userMessage);
  }
  ignore(entry: string, reason: string): void {
    this.ignored.set(`${entry}\u0000${reason}`, { entry, reason });
  }
  report(format: ManifestFormat): ImportReport {
    return { format, packages: [...this.ids].sort(), ignored: [...this.ignored.values()] };
  }
}

/**
 * Lists the packages a manifest or SBOM depends on, versions ignored. The format comes from
 * `filename` when it is a known one (`package.json`, `package-lock.json`, `npm-shrinkwrap.json`,
 * `*.txt`/`*.in` for pip, `pom.xml`/`*.pom`, `*.cdx.json`/`bom.json`), else from the content.
 * Entries that name no registry package (local paths, git URLs, unresolved properties...) are
 * reported in `ignored`, not refused: one odd line should not block an import.
 */
export function importDependencies(text: string, filename?: string): Result<ImportReport> {
  const content = text.replace(/^\uFEFF/, '');
  const what = filename ? `"${filename}"` : 'The upload';
  if (content.trim() === '') return invalid(`${what} is empty.`, { filename });

  const byName = filename === undefined ? undefined : formatFromFilename(filename);
  const detected = byName ?? sniffFormat(content);
  if (!detected.ok) return detected;
  const format = detected.value;

  switch (format) {
    case 'requirements.txt':
      return ok(importRequirements(content));
    case 'pom.xml':
      return importPom(content);
    case 'package.json':
    case 'package-lock.json':
    case 'cyclonedx': {
      const doc = parseJson(content);
      if (!doc.ok) return invalid(`${what} is not a valid ${format === 'cyclonedx' ? 'CycloneDX JSON SBOM' : format}: ${doc.error}.`, { format, filename });
      if (format === 'package.json') return ok(importPackageJson(doc.value));
      if (format === 'package-lock.json') return ok(importPackageLock(doc.value));
      return importCycloneDx(doc.value);
    }
  }
}

// Manifests people will try that we cannot read yet: say so instead of guessing from content.
const UNSUPPORTED_FILES = new Set([
  'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'pipfile', 'pipfile.lock', 'poetry.lock', 'pyproject.toml',
  'build.gradle', 'build.gradle.kts', 'cargo.toml', 'cargo.lock', 'gemfile', 'gemfile.lock', 'go.mod', 'go.sum',
  'packages.config', 'packages.lock.json',
]);

function formatFromFilename(filename: string): Result<ManifestFormat> | undefined {
  const base = (filename.split(/[\\/]/).pop() ?? '').toLowerCase();
  if (base === 'package.json') return ok('package.json');
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return ok('package-lock.json');
  // pip reads requirements from any file name (requirements-dev.txt, base.in for pip-tools...).
  if (base.endsWith('.txt') || base.endsWith('.in')) return ok('requirements.txt');
  if (base === 'pom.xml' || base.endsWith('.pom')) return ok('pom.xml');
  if (base.endsWith('.cdx.json') || base === 'bom.json') return ok('cyclonedx');
  if (UNSUPPORTED_FILES.has(base) || base.endsWith('.csproj')) {
    return invalid(`"${filename}" is not supported yet; a CycloneDX JSON SBOM of the project works for any ecosystem.`, { filename });
  }
  return undefined; // e.g. "sbom.json": let the content decide
}

function sniffFormat(content: string): Result<ManifestFormat> {
  const s = content.trimStart();
  if (s.startsWith('{')) {
    const parsed = parseJson(content);
    if (!parsed.ok) return invalid(`The upload is not valid JSON: ${parsed.error}.`);
    const doc = parsed.value;
    if (doc.bomFormat === 'CycloneDX') return ok('cyclonedx');
    if (typeof doc.spdxVersion === 'string') return invalid('SPDX documents are not supported; export the SBOM as CycloneDX JSON.');
    if ('lockfileVersion' in doc) return ok('package-lock.json');
    if (NPM_SECTIONS.some((k) => k in doc) || typeof doc.name === 'string') return ok('package.json');
    return invalid('The upload is JSON but not a known manifest.');
  }
  if (s.startsWith('<')) {
    if (/<project[\s>]/.test(s)) return ok('pom.xml');
    if (/<bom[\s>]/.test(s)) return invalid('CycloneDX XML is not supported; export the SBOM as CycloneDX JSON.');
    return invalid('The upload is XML but not a pom.xml.');
  }
  // Plain text is a requirements file only if every line reads like one, so prose is not imported.
  if (logicalLines(content).every((line) => classifyRequirement(line).kind !== 'unknown')) return ok('requirements.txt');
  return invalid('The format of the upload is not recognised.');
}

/** The document, or the parser's complaint. */
function parseJson(content: string): Result<JsonObject, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  return isObject(doc) ? ok(doc) : err('the top level is not a JSON object');
}

// ---------------------------------------------------------------------------------------------
// npm

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

function addNpm(out: Collector, name: string, spec: string): void {
  const entry = `${name}@${spec}`;
  const reason = npmSpecNotInRegistry(spec);
  if (reason) return out.ignore(entry, reason);
  out.add(entry, formatPackageId('npm', npmAliasTarget(spec) ?? name));
}

function importPackageJson(doc: JsonObject): ImportReport {
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

function importPackageLock(doc: JsonObject): ImportReport {
  const out = new Collector();
  // v2 keeps v1's "dependencies" for old npm; "packages" is the complete tree, so it wins.
  if (isObject(doc.packages)) importLockPackages(doc.packages, out);
  else if (isObject(doc.dependencies)) importLockV1(doc.dependencies, out);
  return out.report('package-lock.json');
}

function importLockPackages(packages: JsonObject, out: Collector): void {
  for (const [path, meta] of Object.entries(packages)) {
    if (path === '') continue; // the project itself
    const marker = path.lastIndexOf('node_modules/');
    if (marker < 0) {
      out.ignore(path, 'a workspace folder of this project, not a dependency');
      continue;
    }
    const installedAs = path.slice(marker + 'node_modules/'.length);
    if (!isObject(meta)) {
      out.ignore(path, 'the lockfile entry is not an object');
      continue;
    }
    if (meta.link === true) {
      out.ignore(path, 'linked to a local folder, not from the npm registry');
      continue;
    }
    const resolved = typeof meta.resolved === 'string' ? meta.resolved : '';
    if (/^(git\+|git:|file:)/.test(resolved)) {
      out.ignore(path, 'installed from git or a local file, not from the npm registry');
      continue;
    }
    // An alias (`"x": "npm:y@1"`) is installed under node_modules/x with `name: "y"`.
    const name = typeof meta.name === 'string' ? meta.name : installedAs;
    out.add(path, formatPackageId('npm', name));
  }
}

function importLockV1(dependencies: JsonObject, out: Collector): void {
  // Iterative walk: nested "dependencies" can be deep in old lockfiles.
  const stack: JsonObject[] = [dependencies];
  for (let deps = stack.pop(); deps; deps = stack.pop()) {
    for (const [name, meta] of Object.entries(deps)) {
      if (!isObject(meta)) {
        out.ignore(name, 'the lockfile entry is not an object');
        continue;
      }
      if (isObject(meta.dependencies)) stack.push(meta.dependencies);
      const version = typeof meta.version === 'string' ? meta.version : '';
      addNpm(out, name, version);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// pip

/** Joins `\` continuations and strips comments (a `#` at the start or after whitespace, as pip does). */
function logicalLines(content: string): string[] {
  const joined = content.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

type RequirementLine =
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

function classifyRequirement(line: string): RequirementLine {
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

function importRequirements(content: string): ImportReport {
  const out = new Collector();
  for (const line of logicalLines(content)) {
    const r = classifyRequirement(line);
    if (r.kind === 'package') out.add(line, formatPackageId('pypi', r.name));
    else if (r.kind === 'ignored') out.ignore(line, r.reason);
    else out.ignore(line, 'not a requirement; write a name with an optional version, e.g. requests>=2.31');
  }
  return out.report('requirements.txt');
}

// ---------------------------------------------------------------------------------------------
// Maven

type PomNode = Record<string, unknown>;
const node = (v: unknown): PomNode => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as PomNode) : {});
const list = (v: unknown): PomNode[] => (Array.isArray(v) ? v.map(node) : v === undefined ? [] : [node(v)]);
const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function importPom(content: string): Result<ImportReport> {
  const valid = XMLValidator.validate(content);
  if (valid !== true) {
    return invalid(`This pom.xml is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`, { format: 'pom.xml' });
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false, // keep "1.0" and "007" as written
    isArray: (tag) => tag === 'dependency' || tag === 'profile',
  });
  const project = node(node(parser.parse(content)).project);
  if (Object.keys(project).length === 0) return invalid('This XML file has no <project>, so it is not a pom.xml.', { format: 'pom.xml' });

  const properties = pomProperties(project);
  const out = new Collector();
  const sections: PomNode[] = [project, ...list(node(project.profiles).profile)];
  for (const section of sections) {
    const deps = [
      ...list(node(section.dependencies).dependency),
      ...list(node(node(section.dependencyManagement).dependencies).dependency),
    ];
    for (const dep of deps) addMavenDependency(dep, properties, out);
  }
  return ok(out.report('pom.xml'));
}

/** `<properties>` plus the built-in `project.*` values a dependency may refer to. */
function pomProperties(project: PomNode): Map<string, string> {
  const props = new Map<string, string>();
  for (const [key, value] of Object.entries(node(project.properties))) {
    const v = textOf(value);
    if (v !== undefined) props.set(key, v);
  }
  const parent = node(project.parent);
  // A module without its own groupId inherits the parent's.
  const groupId = textOf(project.groupId) ?? textOf(parent.groupId);
  const builtIns: Record<string, string | undefined> = {
    'project.groupId': groupId,
    'pom.groupId': groupId,
    groupId,
    'project.artifactId': textOf(project.artifactId),
    'project.version': textOf(project.version) ?? textOf(parent.version),
    'project.parent.groupId': textOf(parent.groupId),
    'project.parent.version': textOf(parent.version),
  };
  for (const [key, value] of Object.entries(builtIns)) if (value !== undefined) props.set(key, value);
  return props;
}

/** Substitutes `${name}`, following properties that refer to properties; undefined names are returned. */
function resolveProperties(value: string, props: Map<string, string>): { value: string; missing: string[] } {
  const missing: string[] = [];
  let current = value;
  // A bounded number of passes: a property cycle must not loop forever.
  for (let pass = 0; pass < 10 && current.includes('${'); pass++) {
    current = current.replace(/\$\{([^}]*)\}/g, (whole, name: string) => props.get(name) ?? whole);
  }
  for (const m of current.matchAll(/\$\{([^}]*)\}/g)) missing.push(m[1]!);
  return { value: current, missing };
}

function addMavenDependency(dep: PomNode, props: Map<string, string>, out: Collector): void {
  const rawGroup = textOf(dep.groupId) ?? '';
  const rawArtifact = textOf(dep.artifactId) ?? '';
  const entry = `${rawGroup}:${rawArtifact}`;
  if (!rawGroup || !rawArtifact) return out.ignore(entry, 'a dependency needs both <groupId> and <artifactId>');
  if (textOf(dep.scope) === 'system') return out.ignore(entry, 'a system-scoped jar on the local disk, not from a Maven repository');
  const group = resolveProperties(rawGroup, props);
  const artifact = resolveProperties(rawArtifact, props);
  const missing = [...new Set([...group.missing, ...artifact.missing])];
  if (missing.length > 0) {
    const names = missing.map((m) => `\${${m}}`).join(', ');
    return out.ignore(entry, `${names} is not defined in this pom (it may come from a parent pom or the command line)`);
  }
  out.add(entry, formatPackageId('maven', `${group.value}:${artifact.value}`));
}

// ---------------------------------------------------------------------------------------------
// CycloneDX

function importCycloneDx(doc: JsonObject): Result<ImportReport> {
  if (doc.bomFormat !== 'CycloneDX') return invalid('This JSON file has no "bomFormat": "CycloneDX", so it is not a CycloneDX SBOM.', { format: 'cyclonedx' });
  const out = new Collector();
  // metadata.component is the product the SBOM describes, not one of its dependencies.
  const stack: Json[] = [doc.components ?? []];
  for (let components = stack.pop(); components !== undefined; components = stack.pop()) {
    if (!Array.isArray(components)) continue;
    for (const component of components) {
      if (!isObject(component)) continue;
      if (component.components !== undefined) stack.push(component.components);
      const entry = componentLabel(component);
      const purl = component.purl;
      if (typeof purl !== 'string' || purl.trim() === '') {
        out.ignore(entry, 'the component has no purl, so its ecosystem is unknown');
        continue;
      }
      out.add(entry, parsePackageId(purl));
    }
  }
  return ok(out.report('cyclonedx'));
}

function componentLabel(c: JsonObject): string {
  if (typeof c.purl === 'string' && c.purl.trim() !== '') return c.purl;
  const name = [c.group, c.name].filter((p): p is string => typeof p === 'string' && p !== '').join('/');
  if (name) return typeof c.version === 'string' ? `${name}@${c.version}` : name;
  return typeof c['bom-ref'] === 'string' ? c['bom-ref'] : '(unnamed component)';
}
