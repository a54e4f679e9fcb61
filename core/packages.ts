import { DomainError, err, ok, type Result } from './errors.ts';

/** Package ecosystems Upkeep can fund. */
export type Ecosystem = 'npm' | 'pypi' | 'maven' | 'cargo' | 'gem' | 'go' | 'nuget';

/** A package written `ecosystem:name`, always in the normalised form produced by `parsePackageId`. */
export type PackageId = string & { readonly __brand: 'PackageId' };

/** Every ecosystem, in the order shown to users. */
export const SUPPORTED_ECOSYSTEMS: readonly Ecosystem[] = ['npm', 'pypi', 'maven', 'cargo', 'gem', 'go', 'nuget'];

const EXAMPLES = 'npm:react, pypi:requests, maven:org.slf4j:slf4j-api';

type NameCheck = { ok: true; name: string } | { ok: false; problem: string };
const good = (name: string): NameCheck => ({ ok: true, name });
const bad = (problem: string): NameCheck => ({ ok: false, problem });

type EcosystemRule = {
  /** Shown in messages: "not a valid <label> package". */
  label: string;
  /** The expected form, e.g. `maven:groupId:artifactId`. */
  form: string;
  example: string;
  purlType: string;
  purlExample: string;
  /** Validates a bare name (no version) and returns its normalised form. */
  normalise: (name: string) => NameCheck;
};

// npm: https://github.com/npm/validate-npm-package-name (new-package rules, minus the
// legacy-only characters ~'!()* outside "~").
const NPM_PART = /^[a-z0-9._~-]+$/;
function normaliseNpm(raw: string): NameCheck {
  const name = raw.toLowerCase();
  if (name.length > 214) return bad('npm names are at most 214 characters');
  if (name === 'node_modules' || name === 'favicon.ico') return bad(`"${name}" is reserved by npm`);
  if (name.startsWith('@')) {
    const m = /^@([^/]*)\/([^/]*)$/.exec(name);
    if (!m || !m[1] || !m[2]) return bad('a scoped name is written @scope/name');
    if (!NPM_PART.test(m[1]) || !NPM_PART.test(m[2])) return bad('npm names contain only letters, digits, "-", ".", "_" and "~"');
    return good(name);
  }
  if (name.includes('/')) return bad('only scoped names (@scope/name) contain "/"');
  if (name.startsWith('.') || name.startsWith('_')) return bad('npm names cannot start with "." or "_"');
  if (!NPM_PART.test(name)) return bad('npm names contain only letters, digits, "-", ".", "_" and "~"');
  return good(name);
}

// PEP 508 names: letters, digits, -_. ; starting and ending with a letter or digit.
const PEP508_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** PEP 503 normalisation: runs of `-`, `_`, `.` become one `-`, then lower-case (`Foo_Bar.baz` → `foo-bar-baz`). */
export function normalisePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

function normalisePypi(raw: string): NameCheck {
  if (!PEP508_NAME.test(raw)) {
    return bad('PyPI names contain only letters, digits, "-", "_" and ".", and start and end with a letter or digit');
  }
  return good(normalisePypiName(raw));
}

// Maven's own check for groupId and artifactId (DefaultModelValidator: [A-Za-z0-9_\-.]+).
const MAVEN_PART = /^[A-Za-z0-9_.-]+$/;
function normaliseMaven(raw: string): NameCheck {
  const parts = raw.split(':');
  if (parts.length === 1) return bad('it needs both groupId and artifactId');
  if (parts.length > 2) return bad('it has more parts than groupId:artifactId (put a version after @, or drop it)');
  const [groupId = '', artifactId = ''] = parts;
  if (!groupId) return bad('the groupId is missing');
  if (!artifactId) return bad('the artifactId is missing');
  if (!MAVEN_PART.test(groupId) || !MAVEN_PART.test(artifactId)) {
    return bad('groupId and artifactId contain only letters, digits, "-", "_" and "."');
  }
  return good(`${groupId}:${artifactId}`);
}

// crates.io: ASCII letter first, then letters, digits, - and _; 64 characters at most.
function normaliseCargo(raw: string): NameCheck {
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(raw)) {
    return bad('crate names start with a letter, contain only letters, digits, "-" and "_", and are at most 64 characters');
  }
  return good(raw.toLowerCase());
}

// RubyGems: [a-zA-Z0-9._-]+ with at least one letter.
function normaliseGem(raw: string): NameCheck {
  if (!/^[A-Za-z0-9._-]+$/.test(raw) || !/[A-Za-z]/.test(raw)) {
    return bad('gem names contain only letters, digits, "-", "_" and ".", with at least one letter');
  }
  return good(raw);
}

// Go module paths (golang.org/x/mod/module.CheckPath, simplified): a domain first, then
// case-sensitive elements.
function normaliseGo(raw: string): NameCheck {
  const [first = '', ...rest] = raw.split('/');
  // Domains are case-insensitive and Go only accepts them in lower case, so there is one right spelling.
  const domain = first.toLowerCase();
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(domain) || !domain.includes('.') || domain.includes('..')) {
    return bad('a module path starts with a domain, e.g. github.com/owner/repo');
  }
  for (const element of rest) {
    if (element === '') return bad('the path has an empty element (a doubled or trailing "/")');
    if (!/^[A-Za-z0-9._~-]+$/.test(element)) return bad('path elements contain only letters, digits, "-", ".", "_" and "~"');
    if (element.startsWith('.') || element.endsWith('.')) return bad('path elements cannot start or end with "."');
  }
  return good([domain, ...rest].join('/'));
}

// NuGet's PackageIdValidator: ^\w+([_.-]\w+)*$, 100 characters at most.
function normaliseNuget(raw: string): NameCheck {
  if (raw.length > 100 || !/^[A-Za-z0-9_]+(?:[_.-][A-Za-z0-9_]+)*$/.test(raw)) {
    return bad('NuGet ids contain letters, digits and "_", separated by single ".", "-" or "_", at most 100 characters');
  }
  return good(raw.toLowerCase());
}

const RULES: Record<Ecosystem, EcosystemRule> = {
  npm: { label: 'npm', form: 'npm:name or npm:@scope/name', example: 'npm:@types/node', purlType: 'npm', purlExample: 'pkg:npm/%40types/node@20.1.0', normalise: normaliseNpm },
  pypi: { label: 'PyPI', form: 'pypi:name', example: 'pypi:requests', purlType: 'pypi', purlExample: 'pkg:pypi/requests@2.31.0', normalise: normalisePypi },
  maven: { label: 'Maven', form: 'maven:groupId:artifactId', example: 'maven:org.slf4j:slf4j-api', purlType: 'maven', purlExample: 'pkg:maven/org.slf4j/slf4j-api@2.0.9', normalise: normaliseMaven },
  cargo: { label: 'Cargo', form: 'cargo:name', example: 'cargo:serde', purlType: 'cargo', purlExample: 'pkg:cargo/serde@1.0.0', normalise: normaliseCargo },
  gem: { label: 'RubyGems', form: 'gem:name', example: 'gem:rails', purlType: 'gem', purlExample: 'pkg:gem/rails@7.1.0', normalise: normaliseGem },
  go: { label: 'Go', form: 'go:module/path', example: 'go:github.com/spf13/cobra', purlType: 'golang', purlExample: 'pkg:golang/github.com/spf13/cobra@v1.8.0', normalise: normaliseGo },
  nuget: { label: 'NuGet', form: 'nuget:Id', example: 'nuget:Newtonsoft.Json', purlType: 'nuget', purlExample: 'pkg:nuget/Newtonsoft.Json@13.0.3', normalise: normaliseNuget },
};

const PURL_TYPES: ReadonlyMap<string, Ecosystem> = new Map(SUPPORTED_ECOSYSTEMS.map((e) => [RULES[e].purlType, e]));

// Names people type for an ecosystem; refused, but the message suggests the right prefix.
const ALIASES: Readonly<Record<string, Ecosystem>> = {
  node: 'npm', yarn: 'npm', pnpm: 'npm', js: 'npm', javascript: 'npm',
  pip: 'pypi', python: 'pypi', py: 'pypi',
  mvn: 'maven', java: 'maven', gradle: 'maven',
  crate: 'cargo', crates: 'cargo', rust: 'cargo',
  gems: 'gem', ruby: 'gem', rubygems: 'gem',
  golang: 'go',
  dotnet: 'nuget', '.net': 'nuget',
};

const isEcosystem = (s: string): s is Ecosystem => (SUPPORTED_ECOSYSTEMS as readonly string[]).includes(s);

/** Keeps messages readable when someone pastes a paragraph. */
const shown = (s: string): string => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

function refuse(input: string, userMessage: string, expected: string, extra: Record<string, unknown> = {}): Result<never> {
  return err(new DomainError('invalid_package', userMessage, { input, expected, ...extra }));
}

function checkName(input: string, ecosystem: Ecosystem, name: string, viaPurl: boolean): Result<PackageId> {
  const rule = RULES[ecosystem];
  const checked = name === '' ? bad('the name is missing') : rule.normalise(name);
  if (checked.ok) return ok(`${ecosystem}:${checked.name}` as PackageId);
  const [form, example] = viaPurl ? [`pkg:${rule.purlType}/…`, rule.purlExample] : [rule.form, rule.example];
  return refuse(
    input,
    `"${shown(input)}" is not a valid ${rule.label} package: ${checked.problem}; write ${form}, e.g. ${example}.`,
    form,
    { ecosystem },
  );
}

/** Drops `@version` from a short-form name; a leading `@` is an npm scope, not a version. */
function dropVersion(name: string): string {
  const at = name.lastIndexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

function parsePurl(input: string, purl: string): Result<PackageId> {
  const expected = 'pkg:type/namespace/name@version';
  // The purl spec tolerates "pkg://"; subpath (#) and qualifiers (?) never identify a package.
  let rest = purl.slice('pkg:'.length).replace(/^\/+/, '');
  rest = rest.split('#', 1)[0]!.split('?', 1)[0]!;
  const slash = rest.indexOf('/');
  if (slash <= 0) {
    return refuse(input, `"${shown(input)}" is not a valid package URL; write ${expected}, e.g. pkg:npm/%40types/node@20.1.0.`, expected);
  }
  const type = rest.slice(0, slash).toLowerCase();
  let path = rest.slice(slash + 1);
  // The version is after the last "@" of the last segment (an "@" starting it is an unencoded npm scope).
  const at = path.lastIndexOf('@');
  if (at > path.lastIndexOf('/') + 1) path = path.slice(0, at);

  const ecosystem = PURL_TYPES.get(type);
  if (!ecosystem) {
    const types = SUPPORTED_ECOSYSTEMS.map((e) => RULES[e].purlType).join(', ');
    return refuse(input, `Package URL type "${shown(type)}" is not supported; use one of ${types}.`, expected, { purlType: type });
  }

  let segments: string[];
  try {
    segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return refuse(input, `"${shown(input)}" has a malformed %-escape; write ${RULES[ecosystem].purlExample}.`, expected, { ecosystem });
  }
  const name = segments.pop() ?? '';
  const namespace = segments;
  const rule = RULES[ecosystem];
  const wrongShape = (what: string) =>
    refuse(input, `"${shown(input)}" is not a valid ${rule.label} package URL: ${what}; write e.g. ${rule.purlExample}.`, `pkg:${rule.purlType}/…`, { ecosystem });

  switch (ecosystem) {
    case 'npm': {
      if (namespace.length > 1) return wrongShape('an npm package has at most one scope');
      const scope = namespace[0];
      // The spec writes the scope with its "@" (percent-encoded); accept it without too.
      const full = scope === undefined ? name : `${scope.startsWith('@') ? scope : `@${scope}`}/${name}`;
      return checkName(input, ecosystem, full, true);
    }
    case 'maven':
      if (namespace.length !== 1) return wrongShape('it needs the groupId as namespace and the artifactId as name');
      return checkName(input, ecosystem, `${namespace[0]}:${name}`, true);
    case 'go':
      return checkName(input, ecosystem, [...namespace, name].join('/'), true);
    case 'pypi':
    case 'cargo':
    case 'gem':
    case 'nuget':
      if (namespace.length > 0) return wrongShape(`${rule.purlType} package URLs have no namespace`);
      return checkName(input, ecosystem, name, true);
  }
}

/**
 * Parses a package identifier, `ecosystem:name` or a package URL (`pkg:type/namespace/name@version`),
 * into its normalised form. Surrounding whitespace, versions (`npm:react@18.2.0`), purl qualifiers
 * and subpaths are dropped; the ecosystem and purl type are case-insensitive.
 *
 * | ecosystem | accepted name                         | normalisation                                   | example                                              |
 * |-----------|---------------------------------------|-------------------------------------------------|------------------------------------------------------|
 * | npm       | `name` or `@scope/name`, ≤ 214 chars  | lower-case                                      | `npm:@Types/Node` → `npm:@types/node`                |
 * | pypi      | PEP 508 name                          | PEP 503: runs of `-_.` → `-`, lower-case        | `pypi:Foo_Bar.baz` → `pypi:foo-bar-baz`              |
 * | maven     | `groupId:artifactId`, both required   | none (case kept)                                | `maven:org.slf4j:slf4j-api`                          |
 * | cargo     | letter first, `[A-Za-z0-9_-]`, ≤ 64   | lower-case; `-` and `_` kept as typed           | `cargo:Serde_JSON` → `cargo:serde_json`              |
 * | gem       | `[A-Za-z0-9._-]` with a letter        | none (case kept)                                | `gem:ActiveSupport`                                  |
 * | go        | module path, a domain first           | domain lower-case; the rest kept (case matters) | `go:GitHub.com/Azure/x` → `go:github.com/Azure/x`    |
 * | nuget     | NuGet id, ≤ 100 chars                 | lower-case (NuGet ids are case-insensitive)     | `nuget:Newtonsoft.Json` → `nuget:newtonsoft.json`    |
 *
 * Purl types map to ecosystems one to one, except `golang` → `go`.
 */
export function parsePackageId(input: string): Result<PackageId> {
  const s = input.trim();
  if (/^pkg:/i.test(s)) return parsePurl(input, s);

  const colon = s.indexOf(':');
  if (colon <= 0) {
    return refuse(input, `"${shown(s)}" is not a package identifier; write ecosystem:name, e.g. ${EXAMPLES}.`, 'ecosystem:name');
  }
  const ecosystem = s.slice(0, colon).trim().toLowerCase();
  const rest = s.slice(colon + 1).trim();
  if (!isEcosystem(ecosystem)) {
    const supported = SUPPORTED_ECOSYSTEMS.join(', ');
    const alias = ALIASES[ecosystem];
    const hint = alias
      ? ` Did you mean ${alias}:${shown(rest)}?`
      : // `org.slf4j:slf4j-api` is a Maven coordinate missing its prefix.
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(ecosystem) && MAVEN_PART.test(dropVersion(rest))
        ? ` Did you mean maven:${shown(s)}?`
        : '';
    return refuse(
      input,
      `"${shown(ecosystem)}" is not a supported ecosystem; write ecosystem:name with one of ${supported}, e.g. ${EXAMPLES}.${hint}`,
      'ecosystem:name',
      { supported: [...SUPPORTED_ECOSYSTEMS] },
    );
  }
  return checkName(input, ecosystem, dropVersion(rest), false);
}

/** Builds the normalised id of a bare `name` (no version) in `ecosystem`; refuses what `parsePackageId` would. */
export function formatPackageId(ecosystem: Ecosystem, name: string): Result<PackageId> {
  // Callers may pass unchecked strings from files or chat.
  if (!isEcosystem(ecosystem)) return parsePackageId(`${String(ecosystem)}:${name}`);
  return checkName(`${ecosystem}:${name}`, ecosystem, name.trim(), false);
}

/** The ecosystem of a package id (`npm:react` → `npm`). */
export function packageEcosystem(id: PackageId): Ecosystem {
  return id.slice(0, id.indexOf(':')) as Ecosystem;
}

/** The normalised name of a package id (`maven:org.slf4j:slf4j-api` → `org.slf4j:slf4j-api`). */
export function packageName(id: PackageId): string {
  return id.slice(id.indexOf(':') + 1);
}
