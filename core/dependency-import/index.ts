// Reads a company's manifest or SBOM into the packages it depends on: one reader per format.
import { ok, type Result } from '../errors.ts';
import { importCycloneDx } from './cyclonedx.ts';
import { formatFromFilename, sniffFormat } from './detect.ts';
import { importPackageJson } from './package-json.ts';
import { importPackageLock } from './package-lock.ts';
import { importPom } from './pom.ts';
import { invalid, parseJson, type ImportReport } from './report.ts';
import { importRequirements } from './requirements.ts';

export type { ImportReport, ManifestFormat } from './report.ts';

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
