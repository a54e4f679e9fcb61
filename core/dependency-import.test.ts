import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importDependencies, type ImportReport } from './dependency-import.ts';
import { formatPackageId, parsePackageId } from './packages.ts';

function imported(text: string, filename?: string): ImportReport {
  const r = importDependencies(text, filename);
  if (!r.ok) throw new Error(`expected the import to succeed: ${r.error.userMessage}`);
  return r.value;
}

const reasonFor = (report: ImportReport, entry: string) => report.ignored.find((i) => i.entry === entry)?.reason;

// ---------------------------------------------------------------------------------------------
// Fixtures, shaped like the files real tools write.

const PACKAGE_JSON = JSON.stringify(
  {
    name: 'acme-web',
    version: '1.4.0',
    private: true,
    type: 'module',
    workspaces: ['packages/*'],
    scripts: { build: 'vite build', test: 'vitest' },
    dependencies: {
      react: '^18.2.0',
      'react-dom': '^18.2.0',
      '@tanstack/react-query': '5.17.9',
      'string-width-cjs': 'npm:string-width@^4.2.0',
      '@acme/ui': 'workspace:*',
      'local-lib': 'file:../local-lib',
      linked: 'link:../linked',
      'my-fork': 'github:acme/my-fork#main',
      'other-fork': 'acme/other-fork',
      tarball: 'https://example.com/tarball-1.0.0.tgz',
    },
    devDependencies: { typescript: '~5.3.3', vitest: '^1.2.0', '@types/react': '^18.2.48', 'React-Is': '18.2.0' },
    peerDependencies: { react: '>=17' },
    optionalDependencies: { fsevents: '2.3.3' },
    engines: { node: '>=18' },
  },
  null,
  2,
);

const PACKAGE_LOCK_V3 = JSON.stringify(
  {
    name: 'acme-web',
    version: '1.4.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': {
        name: 'acme-web',
        version: '1.4.0',
        workspaces: ['packages/*'],
        dependencies: { '@babel/code-frame': '^7.23.5', chalk: '^5.3.0', 'string-width-cjs': 'npm:string-width@^4.2.0' },
      },
      'node_modules/@acme/ui': { resolved: 'packages/ui', link: true },
      'node_modules/@babel/code-frame': {
        version: '7.23.5',
        resolved: 'https://registry.npmjs.org/@babel/code-frame/-/code-frame-7.23.5.tgz',
        integrity: 'sha512-CgH3s1a96LipHCmSUmYFPwY7MNx8C3avkq7i4Wl3cfa662ldtUe4VM1TPXX70pfmrlWTb6jLqTYrZyT2ZTJBgA==',
        dev: true,
        dependencies: { '@babel/highlight': '^7.23.4', chalk: '^2.4.2' },
        engines: { node: '>=6.9.0' },
      },
      'node_modules/@babel/code-frame/node_modules/chalk': {
        version: '2.4.2',
        resolved: 'https://registry.npmjs.org/chalk/-/chalk-2.4.2.tgz',
        dev: true,
        dependencies: { 'ansi-styles': '^3.2.1' },
      },
      'node_modules/@babel/code-frame/node_modules/chalk/node_modules/ansi-styles': {
        version: '3.2.1',
        resolved: 'https://registry.npmjs.org/ansi-styles/-/ansi-styles-3.2.1.tgz',
        dev: true,
      },
      'node_modules/@babel/highlight': {
        version: '7.23.4',
        resolved: 'https://registry.npmjs.org/@babel/highlight/-/highlight-7.23.4.tgz',
        dev: true,
      },
      'node_modules/chalk': { version: '5.3.0', resolved: 'https://registry.npmjs.org/chalk/-/chalk-5.3.0.tgz' },
      'node_modules/fsevents': {
        version: '2.3.3',
        resolved: 'https://registry.npmjs.org/fsevents/-/fsevents-2.3.3.tgz',
        optional: true,
        os: ['darwin'],
      },
      'node_modules/left-pad': { version: '1.3.0', resolved: 'git+ssh://git@github.com/acme/left-pad.git#5a1e7f2' },
      'node_modules/string-width-cjs': {
        name: 'string-width',
        version: '4.2.3',
        resolved: 'https://registry.npmjs.org/string-width/-/string-width-4.2.3.tgz',
      },
      'packages/ui': { name: '@acme/ui', version: '0.1.0', dependencies: { clsx: '^2.1.0' } },
      'packages/ui/node_modules/clsx': { version: '2.1.0', resolved: 'https://registry.npmjs.org/clsx/-/clsx-2.1.0.tgz' },
    },
  },
  null,
  2,
);

const PACKAGE_LOCK_V1 = JSON.stringify({
  name: 'legacy-app',
  version: '0.9.0',
  lockfileVersion: 1,
  requires: true,
  dependencies: {
    express: {
      version: '4.17.1',
      resolved: 'https://registry.npmjs.org/express/-/express-4.17.1.tgz',
      requires: { debug: '2.6.9' },
      dependencies: {
        debug: {
          version: '2.6.9',
          resolved: 'https://registry.npmjs.org/debug/-/debug-2.6.9.tgz',
          dependencies: { ms: { version: '2.0.0', resolved: 'https://registry.npmjs.org/ms/-/ms-2.0.0.tgz' } },
        },
      },
    },
    ms: { version: '2.1.3' },
    'local-thing': { version: 'file:../local-thing' },
    'cjs-width': { version: 'npm:string-width@4.2.3' },
  },
});

const REQUIREMENTS = `# Production requirements for the billing service
-r base.txt
-c constraints.txt
--index-url https://pypi.org/simple
--extra-index-url https://download.pytorch.org/whl/cu121

requests[socks]>=2.31.0  # HTTP client
Django>=4.2,<5.0
python_dateutil==2.8.2
zope.interface
typing-extensions>=4.0; python_version < "3.11"
numpy==1.26.3 \\
    --hash=sha256:806dd64230dbbfaca8a27faa64e2f414bf1c6622ab78cc4264f7f5f028fee3bf \\
    --hash=sha256:02f98011ba4ab17f46f80f7f8f1c291ee7d855fcef0a5a98db80767a468c85cd
pywin32>=306 ; sys_platform == "win32"
Flask (>=2.0)
-e git+https://github.com/acme/toolkit.git#egg=acme-toolkit
-e ./libs/shared
https://files.pythonhosted.org/packages/xx/foo-1.0-py3-none-any.whl
git+https://github.com/psf/black.git@main#egg=black
./vendor/bar-2.0.tar.gz
pip @ https://github.com/pypa/pip/archive/22.0.2.zip
Requests>=2.0
see the wiki for the rest
`;

const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>3.2.0</version>
  </parent>
  <artifactId>billing-service</artifactId>
  <name>Billing &amp; invoicing</name>

  <properties>
    <java.version>17</java.version>
    <jackson.group>com.fasterxml.jackson.core</jackson.group>
    <jackson.databind>jackson-databind</jackson.databind>
    <jackson.artifact>\${jackson.databind}</jackson.artifact>
    <slf4j.version>2.0.9</slf4j.version>
  </properties>

  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-dependencies</artifactId>
        <version>3.2.1</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
      <dependency>
        <groupId>org.slf4j</groupId>
        <artifactId>slf4j-api</artifactId>
        <version>\${slf4j.version}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>

  <dependencies>
    <dependency>
      <groupId>\${jackson.group}</groupId>
      <artifactId>\${jackson.artifact}</artifactId>
    </dependency>
    <dependency>
      <groupId>\${project.groupId}</groupId>
      <artifactId>acme-common</artifactId>
      <version>\${project.version}</version>
    </dependency>
    <dependency>
      <groupId>\${internal.group}</groupId>
      <artifactId>secret-sauce</artifactId>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <scope>test</scope>
      <exclusions>
        <exclusion>
          <groupId>org.opentest4j</groupId>
          <artifactId>opentest4j</artifactId>
        </exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>com.oracle</groupId>
      <artifactId>ojdbc</artifactId>
      <scope>system</scope>
      <systemPath>\${basedir}/lib/ojdbc.jar</systemPath>
    </dependency>
    <!-- <dependency><groupId>commented</groupId><artifactId>out</artifactId></dependency> -->
  </dependencies>

  <profiles>
    <profile>
      <id>postgres</id>
      <dependencies>
        <dependency>
          <groupId>org.postgresql</groupId>
          <artifactId>postgresql</artifactId>
        </dependency>
      </dependencies>
    </profile>
  </profiles>

  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <dependencies>
          <dependency>
            <groupId>org.junit.platform</groupId>
            <artifactId>junit-platform-surefire-provider</artifactId>
          </dependency>
        </dependencies>
      </plugin>
    </plugins>
  </build>
</project>
`;

const CYCLONEDX = JSON.stringify(
  {
    $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    version: 1,
    metadata: {
      timestamp: '2024-01-15T10:00:00Z',
      tools: { components: [{ type: 'application', author: 'anchore', name: 'syft', version: '0.100.0' }] },
      component: { 'bom-ref': 'acme-app', type: 'application', name: 'acme-app', version: '2.3.0', purl: 'pkg:npm/acme-app@2.3.0' },
    },
    components: [
      {
        'bom-ref': 'pkg:npm/express@4.18.2',
        type: 'library',
        name: 'express',
        version: '4.18.2',
        purl: 'pkg:npm/express@4.18.2',
        licenses: [{ license: { id: 'MIT' } }],
      },
      { type: 'library', group: '@angular', name: 'core', version: '17.0.8', purl: 'pkg:npm/%40angular/core@17.0.8' },
      {
        type: 'library',
        group: 'org.apache.logging.log4j',
        name: 'log4j-core',
        version: '2.21.1',
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.21.1?type=jar',
        components: [
          {
            type: 'library',
            group: 'org.apache.logging.log4j',
            name: 'log4j-api',
            version: '2.21.1',
            purl: 'pkg:maven/org.apache.logging.log4j/log4j-api@2.21.1?type=jar',
          },
        ],
      },
      { type: 'library', name: 'Django', version: '4.2.9', purl: 'pkg:pypi/Django@4.2.9' },
      { type: 'library', name: 'golang.org/x/net', version: 'v0.19.0', purl: 'pkg:golang/golang.org/x/net@v0.19.0' },
      {
        type: 'library',
        name: 'openssl',
        version: '3.0.2-0ubuntu1.12',
        purl: 'pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.12?arch=amd64&distro=ubuntu-22.04',
      },
      { type: 'operating-system', name: 'ubuntu', version: '22.04' },
      {
        type: 'framework',
        name: 'in-house-sdk',
        version: '1.0.0',
        components: [
          { type: 'library', name: 'serde', version: '1.0.195', purl: 'pkg:cargo/serde@1.0.195' },
          { type: 'library', name: 'vendored-lib', version: '0.3' },
        ],
      },
      { type: 'library', name: 'express', version: '4.18.2', purl: 'pkg:npm/express@4.18.2' },
    ],
    dependencies: [{ ref: 'acme-app', dependsOn: ['pkg:npm/express@4.18.2'] }],
  },
  null,
  2,
);

// ---------------------------------------------------------------------------------------------

describe('format detection', () => {
  it.each([
    [PACKAGE_JSON, 'package.json', 'package.json'],
    [PACKAGE_JSON, 'apps/web/package.json', 'package.json'],
    [PACKAGE_LOCK_V3, 'package-lock.json', 'package-lock.json'],
    [PACKAGE_LOCK_V1, 'C:\\code\\legacy\\npm-shrinkwrap.json', 'package-lock.json'],
    [REQUIREMENTS, 'requirements.txt', 'requirements.txt'],
    [REQUIREMENTS, 'requirements/dev.txt', 'requirements.txt'],
    [REQUIREMENTS, 'requirements.in', 'requirements.txt'],
    [POM, 'pom.xml', 'pom.xml'],
    [CYCLONEDX, 'bom.json', 'cyclonedx'],
    [CYCLONEDX, 'app.cdx.json', 'cyclonedx'],
    [CYCLONEDX, 'sbom.json', 'cyclonedx'], // unknown name: content decides
    [PACKAGE_JSON, undefined, 'package.json'],
    [PACKAGE_LOCK_V3, undefined, 'package-lock.json'],
    [PACKAGE_LOCK_V1, undefined, 'package-lock.json'],
    [REQUIREMENTS.replace('see the wiki for the rest\n', ''), undefined, 'requirements.txt'],
    [POM, undefined, 'pom.xml'],
    [CYCLONEDX, undefined, 'cyclonedx'],
    [`\uFEFF${PACKAGE_JSON}`, undefined, 'package.json'],
  ])('%#: %s as %s', (text, filename, format) => {
    expect(imported(text, filename).format).toBe(format);
  });
});

describe('package.json', () => {
  const report = imported(PACKAGE_JSON, 'package.json');

  it('lists every dependency section, normalised, deduplicated and sorted', () => {
    expect(report.packages).toEqual([
      'npm:@tanstack/react-query',
      'npm:@types/react',
      'npm:fsevents',
      'npm:react',
      'npm:react-dom',
      'npm:react-is',
      'npm:string-width', // the alias "string-width-cjs" installs string-width
      'npm:typescript',
      'npm:vitest',
    ]);
  });

  it.each([
    ['@acme/ui@workspace:*', 'local package'],
    ['local-lib@file:../local-lib', 'local package'],
    ['linked@link:../linked', 'local package'],
    ['my-fork@github:acme/my-fork#main', 'git or tarball URL'],
    ['other-fork@acme/other-fork', 'installed from GitHub'],
    ['tarball@https://example.com/tarball-1.0.0.tgz', 'git or tarball URL'],
  ])('ignores %s (%s)', (entry, reason) => {
    expect(reasonFor(report, entry)).toContain(reason);
  });

  it('reports nothing else as ignored', () => {
    expect(report.ignored).toHaveLength(6);
  });

  it('ignores malformed sections and names instead of failing', () => {
    const r = imported(JSON.stringify({ dependencies: ['react'], devDependencies: { 'bad name': '1.0.0', vite: 5 } }), 'package.json');
    expect(r.packages).toEqual([]);
    expect(reasonFor(r, 'dependencies')).toContain('should map package names to versions');
    expect(reasonFor(r, 'bad name@1.0.0')).toContain('npm names contain only');
    expect(reasonFor(r, 'devDependencies.vite')).toContain('should be a string');
  });
});

describe('package-lock.json', () => {
  it('v3: walks the packages map, nested node_modules included', () => {
    const report = imported(PACKAGE_LOCK_V3, 'package-lock.json');
    expect(report.packages).toEqual([
      'npm:@babel/code-frame',
      'npm:@babel/highlight',
      'npm:ansi-styles',
      'npm:chalk',
      'npm:clsx',
      'npm:fsevents',
      'npm:string-width',
    ]);
    expect(report.ignored).toEqual([
      { entry: 'node_modules/@acme/ui', reason: 'linked to a local folder, not from the npm registry' },
      { entry: 'node_modules/left-pad', reason: 'installed from git or a local file, not from the npm registry' },
      { entry: 'packages/ui', reason: 'a workspace folder of this project, not a dependency' },
    ]);
  });

  it('v1: walks nested dependencies recursively', () => {
    const report = imported(PACKAGE_LOCK_V1, 'package-lock.json');
    expect(report.packages).toEqual(['npm:debug', 'npm:express', 'npm:ms', 'npm:string-width']);
    expect(report.ignored.map((i) => i.entry)).toEqual(['local-thing@file:../local-thing']);
  });

  it('v2: the packages map wins over the legacy dependencies map', () => {
    const v2 = {
      lockfileVersion: 2,
      packages: { '': { name: 'x' }, 'node_modules/zod': { version: '3.22.4' } },
      dependencies: { zod: { version: '3.22.4' }, 'only-in-legacy': { version: '1.0.0' } },
    };
    expect(imported(JSON.stringify(v2), 'package-lock.json').packages).toEqual(['npm:zod']);
  });

  it('a lockfile with only the root has no dependencies', () => {
    const empty = { name: 'x', lockfileVersion: 3, requires: true, packages: { '': { name: 'x' } } };
    expect(imported(JSON.stringify(empty), 'package-lock.json')).toEqual({ format: 'package-lock.json', packages: [], ignored: [] });
  });
});

describe('requirements.txt', () => {
  const report = imported(REQUIREMENTS, 'requirements.txt');

  it('lists PEP 508 requirements normalised per PEP 503, with extras, markers and hashes', () => {
    expect(report.packages).toEqual([
      'pypi:django',
      'pypi:flask',
      'pypi:numpy',
      'pypi:python-dateutil',
      'pypi:pywin32',
      'pypi:requests',
      'pypi:typing-extensions',
      'pypi:zope-interface',
    ]);
  });

  it.each([
    ['-r base.txt', 'includes another requirements file'],
    ['-c constraints.txt', 'constraints file'],
    ['--index-url https://pypi.org/simple', 'pip option'],
    ['-e git+https://github.com/acme/toolkit.git#egg=acme-toolkit', 'editable install'],
    ['-e ./libs/shared', 'editable install'],
    ['https://files.pythonhosted.org/packages/xx/foo-1.0-py3-none-any.whl', 'URL or local path'],
    ['git+https://github.com/psf/black.git@main#egg=black', 'URL or local path'],
    ['./vendor/bar-2.0.tar.gz', 'URL or local path'],
    ['pip @ https://github.com/pypa/pip/archive/22.0.2.zip', 'name @ url'],
    ['see the wiki for the rest', 'not a requirement'],
  ])('ignores %s (%s)', (entry, reason) => {
    expect(reasonFor(report, entry)).toContain(reason);
  });

  it('does not report comments, blank lines or hashes', () => {
    expect(report.ignored).toHaveLength(11);
    expect(report.ignored.some((i) => i.entry.includes('#') && !i.entry.includes('#egg'))).toBe(false);
  });

  it('keeps a URL fragment, which is not a comment', () => {
    const r = imported('git+https://github.com/psf/black.git#egg=black\n', 'requirements.txt');
    expect(r.ignored).toEqual([{ entry: 'git+https://github.com/psf/black.git#egg=black', reason: expect.stringContaining('URL') }]);
  });

  it('a file of comments only has no dependencies', () => {
    expect(imported('# nothing yet\n\n', 'requirements.txt').packages).toEqual([]);
  });
});

describe('pom.xml', () => {
  const report = imported(POM, 'pom.xml');

  it('lists dependencies and dependencyManagement, resolving properties and the inherited groupId', () => {
    expect(report.packages).toEqual([
      'maven:com.acme:acme-common',
      'maven:com.fasterxml.jackson.core:jackson-databind',
      'maven:org.junit.jupiter:junit-jupiter',
      'maven:org.postgresql:postgresql',
      'maven:org.slf4j:slf4j-api',
      'maven:org.springframework.boot:spring-boot-dependencies',
    ]);
  });

  it('ignores unresolved properties and system-scoped jars, with a reason', () => {
    expect(report.ignored).toEqual([
      { entry: '${internal.group}:secret-sauce', reason: expect.stringContaining('${internal.group} is not defined in this pom') },
      { entry: 'com.oracle:ojdbc', reason: expect.stringContaining('system-scoped') },
    ]);
  });

  it('reads a single dependency (not an array in XML terms) and a project groupId', () => {
    const pom = `<project><groupId>io.acme</groupId><artifactId>x</artifactId>
      <dependencies><dependency><groupId>\${project.groupId}</groupId><artifactId>core</artifactId></dependency></dependencies></project>`;
    expect(imported(pom, 'pom.xml').packages).toEqual(['maven:io.acme:core']);
  });

  it('does not loop on a property cycle', () => {
    const pom = `<project><properties><a>\${b}</a><b>\${a}</b></properties>
      <dependencies><dependency><groupId>\${a}</groupId><artifactId>core</artifactId></dependency></dependencies></project>`;
    const r = imported(pom, 'pom.xml');
    expect(r.packages).toEqual([]);
    expect(r.ignored[0]?.reason).toContain('is not defined');
  });

  it('ignores a dependency without a groupId', () => {
    const pom = '<project><dependencies><dependency><artifactId>core</artifactId></dependency></dependencies></project>';
    expect(reasonFor(imported(pom, 'pom.xml'), ':core')).toContain('needs both <groupId> and <artifactId>');
  });
});

describe('CycloneDX', () => {
  const report = imported(CYCLONEDX, 'bom.json');

  it('lists components with a supported purl, nested components included, not the described product', () => {
    expect(report.packages).toEqual([
      'cargo:serde',
      'go:golang.org/x/net',
      'maven:org.apache.logging.log4j:log4j-api',
      'maven:org.apache.logging.log4j:log4j-core',
      'npm:@angular/core',
      'npm:express',
      'pypi:django',
    ]);
  });

  it.each([
    ['pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.12?arch=amd64&distro=ubuntu-22.04', 'Package URL type "deb" is not supported'],
    ['ubuntu@22.04', 'no purl'],
    ['in-house-sdk@1.0.0', 'no purl'],
    ['vendored-lib@0.3', 'no purl'],
  ])('ignores %s (%s)', (entry, reason) => {
    expect(reasonFor(report, entry)).toContain(reason);
  });

  it('an SBOM without components has no dependencies', () => {
    expect(imported(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1 })).packages).toEqual([]);
  });
});

describe('malformed input is refused', () => {
  it.each([
    ['', 'package.json', 'is empty'],
    ['  \n\t', undefined, 'is empty'],
    ['{ "dependencies": ', 'package.json', 'is not a valid package.json'],
    ['[1, 2]', 'package-lock.json', 'not a JSON object'],
    ['{ "bomFormat": "CycloneDX", ', 'bom.json', 'is not a valid CycloneDX JSON SBOM'],
    ['{"components": []}', 'bom.json', 'not a CycloneDX SBOM'],
    ['{ "foo": 1 }', undefined, 'not a known manifest'],
    ['{ "foo": ', undefined, 'not valid JSON'],
    ['{"spdxVersion": "SPDX-2.3", "packages": []}', undefined, 'SPDX documents are not supported'],
    ['<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"></bom>', undefined, 'CycloneDX XML is not supported'],
    ['<html><body>hi</body></html>', undefined, 'not a pom.xml'],
    ['<project><dependencies></project>', 'pom.xml', 'not well-formed XML'],
    ['<settings></settings>', 'pom.xml', 'has no <project>'],
    ['Hello there, this is not a manifest at all.', undefined, 'not recognised'],
    ['"@babel/code-frame@^7.0.0":\n  version "7.23.5"\n', 'yarn.lock', 'is not supported yet'],
  ])('%#: %s', (text, filename, message) => {
    const r = importDependencies(text, filename);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_manifest');
    expect(r.error.userMessage).toContain(message);
    // every refusal says what would have worked
    expect(r.error.userMessage).toContain('package.json, package-lock.json (or npm-shrinkwrap.json), requirements.txt, pom.xml or a CycloneDX JSON SBOM');
  });
});

// ---------------------------------------------------------------------------------------------

const npmName = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
  fc.stringMatching(/^@[a-z0-9][a-z0-9-]{0,8}\/[a-z0-9][a-z0-9._-]{0,12}$/),
).filter((n) => n !== 'node_modules' && n !== 'favicon.ico');
const semverRange = fc.stringMatching(/^[~^]?[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/);
const pypiName = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,15}[A-Za-z0-9])?$/);
const pipSpec = fc.constantFrom('', '>=1.0', '==2.31.0', '~=3.1', ' >= 1.0, < 2', '[socks]>=2', ' ; python_version < "3.11"', '  # pinned later');

const expectedIds = (ecosystem: 'npm' | 'pypi', names: string[]) =>
  [...new Set(names.map((n) => {
    const r = formatPackageId(ecosystem, n);
    if (!r.ok) throw new Error(r.error.userMessage);
    return r.value;
  }))].sort();

describe('properties', () => {
  it('package.json: exactly the declared registry names, once each, sorted', () => {
    const sections = fc.dictionary(npmName, semverRange, { maxKeys: 8 });
    fc.assert(
      fc.property(sections, sections, (dependencies, devDependencies) => {
        const report = imported(JSON.stringify({ name: 'p', dependencies, devDependencies }));
        expect(report.packages).toEqual(expectedIds('npm', [...Object.keys(dependencies), ...Object.keys(devDependencies)]));
        expect(report.ignored).toEqual([]);
      }),
    );
  });

  it('requirements.txt: the order of lines does not matter and names are PEP 503-normalised', () => {
    const lines = fc.array(fc.tuple(pypiName, pipSpec), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(lines, fc.context(), (entries, ctx) => {
        const text = entries.map(([n, s]) => `${n}${s}`).join('\n');
        ctx.log(text);
        const report = imported(text, 'requirements.txt');
        expect(report.packages).toEqual(expectedIds('pypi', entries.map(([n]) => n)));
        const reversed = imported([...entries].reverse().map(([n, s]) => `${n}${s}`).join('\r\n'), 'requirements.txt');
        expect(reversed.packages).toEqual(report.packages);
      }),
    );
  });

  it('every imported id re-parses to itself', () => {
    for (const [text, filename] of [
      [PACKAGE_JSON, 'package.json'],
      [PACKAGE_LOCK_V3, 'package-lock.json'],
      [PACKAGE_LOCK_V1, 'package-lock.json'],
      [REQUIREMENTS, 'requirements.txt'],
      [POM, 'pom.xml'],
      [CYCLONEDX, 'bom.json'],
    ] as const) {
      for (const id of imported(text, filename).packages) expect(parsePackageId(id)).toEqual({ ok: true, value: id });
    }
  });

  it('never throws, whatever the text', () => {
    const filename = fc.constantFrom(undefined, 'package.json', 'package-lock.json', 'requirements.txt', 'pom.xml', 'bom.json');
    const text = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom(PACKAGE_JSON, POM, CYCLONEDX).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
    );
    fc.assert(
      fc.property(text, filename, (t, f) => {
        const r = importDependencies(t, f);
        if (!r.ok) expect(r.error.code).toBe('invalid_manifest');
        else expect([...r.value.packages].sort()).toEqual(r.value.packages);
      }),
    );
  });
});
