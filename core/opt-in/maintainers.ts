// Rule: at least one maintainer, each a GitHub login, none listed twice.
import { normaliseLogin, type OptInRule } from './file.ts';

/** GitHub's login grammar: 1-39 letters, digits or single inner hyphens. */
const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/i;

/** Maintainers are GitHub logins (a leading `@` is allowed), each listed once whatever its case. */
export const maintainersRule: OptInRule = (file) => {
  if (file.maintainers.length === 0) return ['`maintainers`: list at least one GitHub login with its share, e.g. `alice: 100`.'];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [login] of file.maintainers) {
    const l = normaliseLogin(login);
    if (!LOGIN.test(l)) problems.push(`\`maintainers\`: "${login}" is not a GitHub login.`);
    else if (seen.has(l)) problems.push(`\`maintainers\`: ${l} is listed twice.`);
    seen.add(l);
  }
  return problems;
};
