// The opt-in decision: a repository's opt-in file (or its absence) and its licence in, what to
// do and what to explain to its maintainers out. Adapters read the file and word the
// explanations for their platform; they decide nothing.
import type { OptInOutcome } from '../ports/repositories.ts';
import type { OptInConfig, OptInFile } from './file.ts';
import { openSourceLicence } from './licence.ts';
import { validateOptInFile } from './rules.ts';

/** What the adapter found on the default branch. */
export type OptInSource =
  | { readonly kind: 'absent' }
  /** A file that could not be read as an opt-in file at all (not YAML, wrong shape). */
  | { readonly kind: 'unreadable'; readonly problems: readonly string[] }
  | { readonly kind: 'file'; readonly file: OptInFile };

/** Why the maintainers are told something, with what the wording needs. */
export type OptInExplanation =
  | { readonly code: 'invalid_file'; readonly problems: readonly string[] }
  /** `reported`: the SPDX id GitHub reported, when it reported one that is not open source. */
  | { readonly code: 'no_licence'; readonly reported: string | null }
  | { readonly code: 'packages_claimed'; readonly conflicts: OptInOutcome['conflicts'] };

export type OptInExplanationCode = OptInExplanation['code'];

export type OptInDecision =
  /** No file: the repository is not (or no longer) opted in; nothing to explain. */
  | { readonly action: 'opt_out' }
  /** A file that cannot be accepted: not opted in, and the maintainers are told why. */
  | { readonly action: 'refuse'; readonly explanation: OptInExplanation }
  | { readonly action: 'opt_in'; readonly config: OptInConfig; readonly licence: string };

/** Decides a repository's opt-in from its file and the licence GitHub detected (SPDX id). */
export function decideOptIn(source: OptInSource, spdxId: string | null | undefined): OptInDecision {
  if (source.kind === 'absent') return { action: 'opt_out' };
  if (source.kind === 'unreadable') return { action: 'refuse', explanation: { code: 'invalid_file', problems: source.problems } };
  const valid = validateOptInFile(source.file);
  if (!valid.ok) return { action: 'refuse', explanation: { code: 'invalid_file', problems: valid.error } };
  const licence = openSourceLicence(spdxId);
  if (!licence) return { action: 'refuse', explanation: { code: 'no_licence', reported: spdxId || null } };
  return { action: 'opt_in', config: valid.value, licence };
}

/** After an opt-in: packages another repository claimed first are explained (one repository per package). */
export function explainOptInOutcome(outcome: Pick<OptInOutcome, 'conflicts'>): OptInExplanation | null {
  return outcome.conflicts.length > 0 ? { code: 'packages_claimed', conflicts: outcome.conflicts } : null;
}
