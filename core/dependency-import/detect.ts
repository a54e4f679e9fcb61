// Which format an upload is: from its file name when it is a known one, else from its content.
import { ok, type Result } from '../errors.ts';
import { NPM_SECTIONS } from './package-json.ts';
import { invalid, parseJson, type ManifestFormat } from './report.ts';
import { classifyRequirement, logicalLines } from './requirements.ts';

// Manifests people will try that we cannot read yet: say so instead of guessing from content.
const UNSUPPORTED_FILES = new Set([
  'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'pipfile', 'pipfile.lock', 'poetry.lock', 'pyproject.toml',
  'build.gradle', 'build.gradle.kts', 'cargo.toml', 'cargo.lock', 'gemfile', 'gemfile.lock', 'go.mod', 'go.sum',
  'packages.config', 'packages.lock.json',
]);

/** The format a file name says, a refusal for known unsupported files, or undefined to let the content decide. */
export function formatFromFilename(filename: string): Result<ManifestFormat> | undefined {
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

/** The format of an upload from its content alone. */
export function sniffFormat(content: string): Result<ManifestFormat> {
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
