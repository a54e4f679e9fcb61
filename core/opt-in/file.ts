// A repository's opt-in file (`.github/upkeep.yml`) as the core sees it: its shape already
// checked by the adapter that read it, its content not yet judged by the rules.
import type { PackageId } from '../packages.ts';
import type { MaintainerShare } from '../ports/packages.ts';

/** The platform rules version maintainers accept with `accept_terms`. */
export const TERMS_VERSION = 1;

/** Where a repository opts in: this file on its default branch. */
export const OPT_IN_FILE_PATH = '.github/upkeep.yml';

/** A minimal valid opt-in file (packages, maintainers with shares, accept_terms), shown wherever one is missing or wrong. */
export const OPT_IN_EXAMPLE = ['packages: [npm:your-package]', 'maintainers:', '  alice: 60', '  bob: 40', `accept_terms: ${TERMS_VERSION}`].join('\n');

/** The file's fields as written, before the opt-in rules. */
export interface OptInFile {
  /** Package identifiers as written (`npm:React`, `pkg:pypi/foo`...). */
  readonly packages: readonly string[];
  /** `[login as written, share in percent]`, in file order. */
  readonly maintainers: readonly (readonly [login: string, share: number])[];
  readonly acceptTerms: number;
  readonly description: string | null;
  readonly needs: string | null;
  readonly contact: string | null;
}

/** A file every rule accepted, normalised: what an opt-in records. */
export interface OptInConfig {
  /** Normalised and without duplicates, in file order. */
  packages: PackageId[];
  /** Logins lower-case, without a leading `@`. */
  maintainers: MaintainerShare[];
  termsVersion: number;
  description: string | null;
  needs: string | null;
  contact: string | null;
}

/** A rule over the file: the problems it finds, in words a maintainer can act on (none: it passes). */
export type OptInRule = (file: OptInFile) => readonly string[];

/** A login as the rules compare it: without a leading `@`, lower-case. */
export const normaliseLogin = (login: string): string => login.replace(/^@/, '').toLowerCase();
