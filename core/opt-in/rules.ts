// The opt-in file's rules, one per file, collected in a typed map: every problem of a file is
// reported at once, and a file that passes them all becomes the normalised opt-in config.
import { err, ok, type Result } from '../errors.ts';
import { parsePackageId, type PackageId } from '../packages.ts';
import { normaliseLogin, type OptInConfig, type OptInFile, type OptInRule } from './file.ts';
import { maintainersRule } from './maintainers.ts';
import { packagesRule } from './packages.ts';
import { sharesRule } from './shares.ts';
import { termsRule } from './terms.ts';

export type { OptInRule } from './file.ts';

export type OptInRuleName = 'packages' | 'maintainers' | 'shares' | 'terms';

/** Every rule an opt-in file must pass, in the order their problems are reported. */
export const OPT_IN_RULES = {
  packages: packagesRule,
  maintainers: maintainersRule,
  shares: sharesRule,
  terms: termsRule,
} as const satisfies Record<OptInRuleName, OptInRule>;

/** Runs every rule; the normalised config when all pass, else all their problems. */
export function validateOptInFile(file: OptInFile): Result<OptInConfig, string[]> {
  const problems = Object.values(OPT_IN_RULES).flatMap((rule) => rule(file));
  if (problems.length > 0) return err(problems);
  const packages: PackageId[] = [];
  for (const p of file.packages) {
    const r = parsePackageId(p);
    if (r.ok && !packages.includes(r.value)) packages.push(r.value);
  }
  return ok({
    packages,
    maintainers: file.maintainers.map(([login, share]) => ({ login: normaliseLogin(login), share })),
    termsVersion: file.acceptTerms,
    description: file.description || null,
    needs: file.needs || null,
    contact: file.contact || null,
  });
}
