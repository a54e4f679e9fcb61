import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPackageId,
  normalisePypiName,
  packageEcosystem,
  packageName,
  parsePackageId,
  SUPPORTED_ECOSYSTEMS,
  type Ecosystem,
  type PackageId,
} from './packages.ts';

function parsed(input: string): string {
  const r = parsePackageId(input);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to parse: ${r.error.userMessage}`);
  return r.value;
}

function refused(input: string) {
  const r = parsePackageId(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${r.value}`);
  return r.error;
}

describe('parsePackageId accepts', () => {
  it.each([
    // the forms of CONTRACT §4
    ['npm:tailwindcss', 'npm:tailwindcss'],
    ['npm:@types/node', 'npm:@types/node'],
    ['pypi:requests', 'pypi:requests'],
    ['maven:org.slf4j:slf4j-api', 'maven:org.slf4j:slf4j-api'],
    ['cargo:serde', 'cargo:serde'],
    ['gem:rails', 'gem:rails'],
    ['go:github.com/spf13/cobra', 'go:github.com/spf13/cobra'],
    ['nuget:Newtonsoft.Json', 'nuget:newtonsoft.json'],
    // versions, whitespace and case
    ['npm:react@18.2.0', 'npm:react'],
    ['npm:@types/node@20', 'npm:@types/node'],
    ['  npm:react  ', 'npm:react'],
    ['NPM:React', 'npm:react'],
    ['npm:@Types/Node', 'npm:@types/node'],
    ['Npm: lodash.merge ', 'npm:lodash.merge'],
    ['maven:org.slf4j:slf4j-api@2.0.9', 'maven:org.slf4j:slf4j-api'],
    ['maven:com.Google.Guava:Guava', 'maven:com.Google.Guava:Guava'],
    ['go:github.com/spf13/cobra@v1.8.0', 'go:github.com/spf13/cobra'],
    ['go:GitHub.com/Azure/azure-sdk-for-go', 'go:github.com/Azure/azure-sdk-for-go'],
    ['go:gopkg.in/yaml.v3', 'go:gopkg.in/yaml.v3'],
    ['go:github.com/jackc/pgx/v5', 'go:github.com/jackc/pgx/v5'],
    ['cargo:Serde_JSON@1.0', 'cargo:serde_json'],
    ['cargo:tokio-util', 'cargo:tokio-util'],
    ['gem:ActiveSupport', 'gem:ActiveSupport'],
    ['nuget:Microsoft.Extensions.Logging@8.0.0', 'nuget:microsoft.extensions.logging'],
    // PEP 503
    ['pypi:Foo_Bar.baz', 'pypi:foo-bar-baz'],
    ['pypi:Django', 'pypi:django'],
    ['pypi:zope.interface', 'pypi:zope-interface'],
    ['pypi:ruamel.yaml.clib', 'pypi:ruamel-yaml-clib'],
    ['pypi:a__-._b', 'pypi:a-b'],
    ['pypi:python_dateutil@2.8.2', 'pypi:python-dateutil'],
    // package URLs
    ['pkg:npm/%40types/node@20.1.0', 'npm:@types/node'],
    ['pkg:npm/@types/node', 'npm:@types/node'],
    ['pkg:npm/types/node', 'npm:@types/node'],
    ['pkg:npm/lodash@4.17.21?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Flodash%2Flodash#dist/lodash.js', 'npm:lodash'],
    ['pkg:pypi/Foo_Bar@1.0', 'pypi:foo-bar'],
    ['pkg:maven/org.slf4j/slf4j-api@2.0.9', 'maven:org.slf4j:slf4j-api'],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.21.1?type=jar&classifier=sources', 'maven:org.apache.logging.log4j:log4j-core'],
    ['pkg:golang/github.com/spf13/cobra@v1.8.0', 'go:github.com/spf13/cobra'],
    ['pkg:golang/golang.org/x/net@v0.19.0#http2', 'go:golang.org/x/net'],
    ['pkg:cargo/serde@1', 'cargo:serde'],
    ['pkg:gem/rails', 'gem:rails'],
    ['pkg:nuget/Newtonsoft.Json@13', 'nuget:newtonsoft.json'],
    ['PKG:NPM/React@18', 'npm:react'],
    ['pkg://npm/react', 'npm:react'],
  ])('%s → %s', (input, expected) => {
    expect(parsed(input)).toBe(expected);
  });
});

describe('parsePackageId refuses', () => {
  it.each([
    // no ecosystem
    ['react', 'write ecosystem:name, e.g. npm:react, pypi:requests, maven:org.slf4j:slf4j-api', 'ecosystem:name'],
    ['', 'is not a package identifier', 'ecosystem:name'],
    ['   ', 'is not a package identifier', 'ecosystem:name'],
    ['@types/node', 'is not a package identifier', 'ecosystem:name'],
    ['github.com/spf13/cobra', 'is not a package identifier', 'ecosystem:name'],
    // unknown ecosystem: list the supported ones, suggest the likely one
    ['foo:bar', 'one of npm, pypi, maven, cargo, gem, go, nuget', 'ecosystem:name'],
    ['golang:github.com/spf13/cobra', 'Did you mean go:github.com/spf13/cobra?', 'ecosystem:name'],
    ['pip:requests', 'Did you mean pypi:requests?', 'ecosystem:name'],
    ['org.slf4j:slf4j-api', 'Did you mean maven:org.slf4j:slf4j-api?', 'ecosystem:name'],
    // malformed names in a known ecosystem
    ['npm:', 'the name is missing', 'npm:name or npm:@scope/name'],
    ['npm:@types', 'a scoped name is written @scope/name', 'npm:name or npm:@scope/name'],
    ['npm:@/node', 'a scoped name is written @scope/name', 'npm:name or npm:@scope/name'],
    ['npm:types/node', 'only scoped names', 'npm:name or npm:@scope/name'],
    ['npm:.hidden', 'cannot start with "." or "_"', 'npm:name or npm:@scope/name'],
    ['npm:_private', 'cannot start with "." or "_"', 'npm:name or npm:@scope/name'],
    ['npm:left pad', 'contain only letters', 'npm:name or npm:@scope/name'],
    ['npm:caf\u00e9', 'contain only letters', 'npm:name or npm:@scope/name'],
    [`npm:${'a'.repeat(215)}`, 'at most 214 characters', 'npm:name or npm:@scope/name'],
    ['npm:node_modules', 'reserved by npm', 'npm:name or npm:@scope/name'],
    ['pypi:-requests', 'PyPI names contain only', 'pypi:name'],
    ['pypi:requests==2.31', 'PyPI names contain only', 'pypi:name'],
    ['pypi:requests[socks]', 'PyPI names contain only', 'pypi:name'],
    ['maven:slf4j-api', 'needs both groupId and artifactId', 'maven:groupId:artifactId'],
    ['maven:org.slf4j:', 'the artifactId is missing', 'maven:groupId:artifactId'],
    [':maven', 'is not a package identifier', 'ecosystem:name'],
    ['maven::slf4j-api', 'the groupId is missing', 'maven:groupId:artifactId'],
    ['maven:org.slf4j:slf4j-api:2.0.9', 'more parts than groupId:artifactId', 'maven:groupId:artifactId'],
    ['maven:org slf4j:slf4j-api', 'groupId and artifactId contain only', 'maven:groupId:artifactId'],
    ['cargo:1password', 'crate names start with a letter', 'cargo:name'],
    [`cargo:a${'b'.repeat(64)}`, 'at most 64 characters', 'cargo:name'],
    ['gem:123', 'with at least one letter', 'gem:name'],
    ['gem:rails/engine', 'gem names contain only', 'gem:name'],
    ['go:cobra', 'starts with a domain', 'go:module/path'],
    ['go:localhost/x', 'starts with a domain', 'go:module/path'],
    ['go:github..com/x', 'starts with a domain', 'go:module/path'],
    ['go:github.com//cobra', 'empty element', 'go:module/path'],
    ['go:github.com/spf13/', 'empty element', 'go:module/path'],
    ['go:github.com/.hidden/x', 'cannot start or end with "."', 'go:module/path'],
    ['nuget:Foo..Bar', 'NuGet ids contain', 'nuget:Id'],
    [`nuget:${'a'.repeat(101)}`, 'at most 100 characters', 'nuget:Id'],
    // package URLs
    ['pkg:deb/debian/curl@7.74.0', 'Package URL type "deb" is not supported; use one of npm, pypi, maven, cargo, gem, golang, nuget', 'pkg:type/namespace/name@version'],
    ['pkg:npm', 'is not a valid package URL', 'pkg:type/namespace/name@version'],
    ['pkg:/react', 'is not a valid package URL', 'pkg:type/namespace/name@version'],
    ['pkg:npm/a/b/c', 'at most one scope', 'pkg:npm/…'],
    ['pkg:maven/slf4j-api@2.0.9', 'groupId as namespace', 'pkg:maven/…'],
    ['pkg:pypi/acme/requests', 'pypi package URLs have no namespace', 'pkg:pypi/…'],
    ['pkg:npm/%E0%A4%A', 'malformed %-escape', 'pkg:type/namespace/name@version'],
    ['pkg:npm/', 'the name is missing', 'pkg:npm/…'],
    ['pkg:golang/cobra@v1', 'starts with a domain', 'pkg:golang/…'],
    // an "@" before the last segment is not a version: do not cut the path there
    ['pkg:golang/github.com/a@b/c', 'path elements contain only', 'pkg:golang/…'],
  ])('%s', (input, message, expected) => {
    const error = refused(input);
    expect(error.code).toBe('invalid_package');
    expect(error.userMessage).toContain(message);
    expect(error.details).toMatchObject({ input, expected });
  });

  it('shortens pasted paragraphs in the message', () => {
    const error = refused(`npm:${'x '.repeat(200)}`);
    expect(error.userMessage.length).toBeLessThan(300);
  });
});

describe('helpers', () => {
  it.each([
    ['npm:@types/node', 'npm', '@types/node'],
    ['maven:org.slf4j:slf4j-api', 'maven', 'org.slf4j:slf4j-api'],
    ['go:github.com/spf13/cobra', 'go', 'github.com/spf13/cobra'],
  ])('%s splits into %s and %s', (input, ecosystem, name) => {
    const id = parsed(input) as PackageId;
    expect(packageEcosystem(id)).toBe(ecosystem);
    expect(packageName(id)).toBe(name);
  });

  it('formatPackageId normalises and refuses like parsePackageId', () => {
    expect(formatPackageId('pypi', 'Foo_Bar.baz')).toEqual({ ok: true, value: 'pypi:foo-bar-baz' });
    expect(formatPackageId('npm', '@Babel/Core')).toEqual({ ok: true, value: 'npm:@babel/core' });
    const bad = formatPackageId('maven', 'slf4j-api');
    expect(bad.ok || bad.error.userMessage).toContain('needs both groupId and artifactId');
    // a bare name has no version to drop
    expect(formatPackageId('npm', 'react@18').ok).toBe(false);
    // unchecked strings from files are refused, not trusted
    const unknown = formatPackageId('debian' as Ecosystem, 'curl');
    expect(unknown.ok || unknown.error.code).toBe('invalid_package');
  });

  it('lists every ecosystem once', () => {
    expect([...SUPPORTED_ECOSYSTEMS].sort()).toEqual(['cargo', 'gem', 'go', 'maven', 'npm', 'nuget', 'pypi']);
  });
});

// Valid raw names per ecosystem, in mixed case, before normalisation.
const rawNames: Record<Ecosystem, fc.Arbitrary<string>> = {
  npm: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9-~][A-Za-z0-9._~-]{0,30}$/),
    fc.stringMatching(/^@[A-Za-z0-9._~-]{1,12}\/[A-Za-z0-9._~-]{1,20}$/),
  ).filter((n) => !['node_modules', 'favicon.ico'].includes(n.toLowerCase())),
  pypi: fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?$/),
  maven: fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}:[A-Za-z0-9_.-]{1,20}$/),
  cargo: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,30}$/),
  gem: fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,20}$/),
  go: fc.stringMatching(/^[A-Za-z0-9]{1,8}\.[A-Za-z]{2,5}(\/[A-Za-z0-9_~-]([A-Za-z0-9._~-]{0,8}[A-Za-z0-9_~-])?){0,3}$/),
  nuget: fc.stringMatching(/^[A-Za-z0-9_]{1,10}([_.-][A-Za-z0-9_]{1,10}){0,3}$/),
};
const ecosystem = fc.constantFrom(...SUPPORTED_ECOSYSTEMS);
const version = fc.stringMatching(/^v?[0-9]{1,3}(\.[0-9]{1,3}){0,2}(-[a-z0-9.]{1,6})?$/);

/** A raw identifier as a user might type it: any case, spaces, maybe a version. */
const typedId = ecosystem.chain((eco) =>
  fc.record({
    eco: fc.constant(eco),
    name: rawNames[eco],
    prefix: fc.constantFrom(eco, eco.toUpperCase(), eco[0]!.toUpperCase() + eco.slice(1)),
    version: fc.option(version, { nil: undefined }),
    pad: fc.constantFrom('', ' ', '\t', '  \n'),
  }),
);
const typed = ({ prefix, name, version: v, pad }: { prefix: string; name: string; version?: string; pad: string }) =>
  `${pad}${prefix}:${name}${v === undefined ? '' : `@${v}`}${pad}`;

/** The same package written as a package URL. */
function toPurl(eco: Ecosystem, name: string, v: string | undefined): string {
  const at = v === undefined ? '' : `@${encodeURIComponent(v)}`;
  const enc = (parts: string[]) => parts.map(encodeURIComponent).join('/');
  switch (eco) {
    case 'npm':
      return `pkg:npm/${enc(name.split('/'))}${at}`;
    case 'maven':
      return `pkg:maven/${enc(name.split(':'))}${at}`;
    case 'go':
      return `pkg:golang/${enc(name.split('/'))}${at}`;
    default:
      return `pkg:${eco}/${encodeURIComponent(name)}${at}`;
  }
}

describe('properties', () => {
  it('every valid typed identifier parses, and its normalised form re-parses to itself', () => {
    fc.assert(
      fc.property(typedId, (t) => {
        const id = parsed(typed(t)) as PackageId;
        expect(parsed(id)).toBe(id);
        expect(packageEcosystem(id)).toBe(t.eco);
        expect(formatPackageId(packageEcosystem(id), packageName(id))).toEqual({ ok: true, value: id });
      }),
    );
  });

  it('parsing is idempotent on any input that parses at all', () => {
    const anyInput = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'npmpygo:@/._-~ Aa1%'.split('')) }),
      typedId.map(typed),
    );
    fc.assert(
      fc.property(anyInput, (input) => {
        const first = parsePackageId(input);
        if (!first.ok) {
          expect(first.error.code).toBe('invalid_package');
          expect(first.error.details).toMatchObject({ input });
          return;
        }
        expect(parsePackageId(first.value)).toEqual(first);
        expect(parsePackageId(`${first.value}@1.0.0`)).toEqual(first);
      }),
    );
  });

  it('a package URL and the short form name the same package', () => {
    fc.assert(
      fc.property(typedId, ({ eco, name, version: v }) => {
        expect(parsed(toPurl(eco, name, v))).toBe(parsed(`${eco}:${name}`));
      }),
    );
  });

  it('normalisation never depends on case where the ecosystem ignores case', () => {
    const caseless = fc.constantFrom<Ecosystem>('npm', 'pypi', 'cargo', 'nuget').chain((eco) => fc.tuple(fc.constant(eco), rawNames[eco]));
    fc.assert(
      fc.property(caseless, ([eco, name]) => {
        expect(parsed(`${eco}:${name.toUpperCase()}`)).toBe(parsed(`${eco}:${name.toLowerCase()}`));
      }),
    );
  });

  it('PEP 503 normalisation is idempotent and yields lower-case words joined by single dashes', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(normalisePypiName(normalisePypiName(s))).toBe(normalisePypiName(s));
      }),
    );
    fc.assert(
      fc.property(rawNames.pypi, (name) => {
        expect(normalisePypiName(name)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      }),
    );
  });

  it('input without a colon is always refused with the expected form', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes(':')), (s) => {
        const error = refused(s);
        expect(error.userMessage).toContain('write ecosystem:name');
      }),
    );
  });
});
