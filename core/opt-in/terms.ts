// Rule: the maintainers accept the current platform rules.
import { TERMS_VERSION, type OptInRule } from './file.ts';

/** `accept_terms` names the current rules version; an older or unknown one is not consent. */
export const termsRule: OptInRule = (file) =>
  file.acceptTerms === TERMS_VERSION ? [] : [`\`accept_terms\`: write \`accept_terms: ${TERMS_VERSION}\` to accept the current platform rules (version ${TERMS_VERSION}).`];
