// What every manifest reader shares: the report it returns, the refusal of an unreadable
// upload, and the collector of package ids and ignored entries.
import { DomainError, err, ok, type Result } from '../errors.ts';
import type { PackageId } from '../packages.ts';

/** The manifest and SBOM formats a company can upload to list its dependencies. */
export type ManifestFormat = 'package.json' | 'package-lock.json' | 'requirements.txt' | 'pom.xml' | 'cyclonedx';

/** What an import found: normalised package ids (sorted, unique) and the entries it left out, with why. */
export type ImportReport = {
  format: ManifestFormat;
  packages: PackageId[];
  ignored: { entry: string; reason: string }[];
};

export const ACCEPTED = 'package.json, package-lock.json (or npm-shrinkwrap.json), requirements.txt, pom.xml or a CycloneDX JSON SBOM';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuses an upload: says what is wrong and which formats are accepted. */
export function invalid(message: string, details: Record<string, unknown> = {}): Result<never> {
  return err(new DomainError('invalid_manifest', `${message} Upload one of: ${ACCEPTED}.`, { accepted: ACCEPTED, ...details }));
}

/** Collects ids and ignored entries; the report is sorted and deduplicated once at the end. */
export class Collector {
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

/** The document, or the parser's complaint. */
export function parseJson(content: string): Result<JsonObject, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
  return isObject(doc) ? ok(doc) : err('the top level is not a JSON object');
}
