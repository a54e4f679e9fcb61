// package-lock.json and npm-shrinkwrap.json: the complete installed tree (v2/v3 "packages",
// or v1's nested "dependencies").
import { formatPackageId } from '../packages.ts';
import { addNpm } from './package-json.ts';
import { Collector, isObject, type ImportReport, type JsonObject } from './report.ts';

/** Every package installed by a lockfile, the project itself and workspace folders left out. */
export function importPackageLock(doc: JsonObject): ImportReport {
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
