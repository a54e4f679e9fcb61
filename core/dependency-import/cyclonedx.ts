// CycloneDX JSON SBOMs: every component with a purl, nested components included.
import { ok, type Result } from '../errors.ts';
import { parsePackageId } from '../packages.ts';
import { Collector, invalid, isObject, type ImportReport, type Json, type JsonObject } from './report.ts';

/** The components of a CycloneDX JSON SBOM (the described product itself left out). */
export function importCycloneDx(doc: JsonObject): Result<ImportReport> {
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
