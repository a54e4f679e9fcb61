// Rule: the file lists at least one package, each in the core's package grammar.
import { parsePackageId } from '../packages.ts';
import type { OptInRule } from './file.ts';

/** Every listed package must parse (`npm:react`, `pypi:requests`...); the list must not be empty. */
export const packagesRule: OptInRule = (file) => {
  if (file.packages.length === 0) return ['`packages`: list at least one package, e.g. [npm:react]'];
  return file.packages.flatMap((p) => {
    const r = parsePackageId(p);
    return r.ok ? [] : [`\`packages\`: ${r.error.userMessage}`];
  });
};
