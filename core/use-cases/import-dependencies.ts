import { importDependencies as readManifest, type ManifestFormat } from '../dependency-import.ts';
import { DomainError, unwrap } from '../errors.ts';
import type { PackageId } from '../packages.ts';
import type { Actor, Company, CompanyStore } from '../ports/companies.ts';
import { requireAdmin } from './require-company.ts';

/** Largest upload read, in characters: a big monorepo lockfile is a few megabytes. */
export const MAX_MANIFEST_CHARS = 20_000_000;

/**
 * Declares every package a manifest or SBOM lists (admins only): package.json, package-lock.json,
 * requirements.txt, pom.xml or CycloneDX JSON. Entries naming no registry package are reported
 * in `ignored`, not refused.
 */
export async function importDependencies({
  companies,
  actor,
  text,
  filename,
}: {
  companies: CompanyStore;
  actor: Actor;
  text: string;
  /** Helps pick the format (`package.json`, `requirements.txt`...); guessed from the content when absent. */
  filename?: string;
}): Promise<{
  company: Company;
  format: ManifestFormat;
  added: PackageId[];
  alreadyDeclared: PackageId[];
  ignored: { entry: string; reason: string }[];
}> {
  const company = await requireAdmin({ companies, actor });
  if (typeof text !== 'string') throw new DomainError('invalid_manifest', 'Paste or upload the contents of a manifest file.', {});
  if (text.length > MAX_MANIFEST_CHARS) {
    throw new DomainError('invalid_manifest', `The upload is too large (${text.length} characters); upload one manifest of at most ${MAX_MANIFEST_CHARS}.`, {
      max: MAX_MANIFEST_CHARS,
    });
  }
  const report = unwrap(readManifest(text, filename));
  const added = report.packages.length === 0 ? [] : await companies.addDependencies(company.id, report.packages);
  const fresh = new Set(added);
  return {
    company,
    format: report.format,
    added: report.packages.filter((p) => fresh.has(p)),
    alreadyDeclared: report.packages.filter((p) => !fresh.has(p)),
    ignored: report.ignored,
  };
}
