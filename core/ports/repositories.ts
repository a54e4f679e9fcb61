import type { PackageId } from '../packages.ts';
import type { MaintainerShare } from './packages.ts';

/** A repository's opt-in, as read from a valid `.github/upkeep.yml` on its default branch. */
export interface RepositoryOptIn {
  /** `owner/repo`; stored lower-case. */
  readonly repository: string;
  /** Packages the repository says it publishes. */
  readonly packages: readonly PackageId[];
  /** GitHub logins (stored lower-case) and their shares in percent, summing to 100. */
  readonly maintainers: readonly MaintainerShare[];
  /** The platform rules version the maintainers accepted (`accept_terms`). */
  readonly termsVersion: number;
  /** SPDX id of the licence GitHub detected, e.g. `MIT`. */
  readonly license: string | null;
  readonly description: string | null;
  readonly needs: string | null;
  readonly contact: string | null;
  /** The GitHub App installation the repository was seen through, when known. */
  readonly installationId?: number | null;
}

export interface OptInOutcome {
  /** Packages this repository now claims (its maintainers receive their money). */
  readonly claimed: PackageId[];
  /** Packages left with the opted-in repository that claimed them first: one repository per package. */
  readonly conflicts: { package: PackageId; repository: string }[];
  /** Packages this repository claimed before and no longer lists. */
  readonly released: PackageId[];
}

export interface RepositoryState {
  readonly repository: string;
  readonly optedIn: boolean;
  readonly packages: PackageId[];
  readonly maintainers: MaintainerShare[];
  readonly termsVersion: number | null;
  readonly license: string | null;
  readonly description: string | null;
  readonly needs: string | null;
  readonly contact: string | null;
  readonly lastActivityAt: Date | null;
}

/** Write side of repositories and their maintainers (the GitHub App). Implemented in prisma/. */
export interface RepositoryStore {
  /** Records (or replaces) a repository's opt-in: its packages, maintainers and profile. */
  optIn(input: RepositoryOptIn): Promise<OptInOutcome>;
  /** The repository withdrew (upkeep.yml removed or made invalid): its packages' money waits in escrow. */
  withdraw(repository: string): Promise<void>;
  /** A commit, issue activity or release at `at`; keeps the latest. Unknown repositories are recorded. */
  recordActivity(repository: string, at: Date): Promise<void>;
  /** Opted-in repositories with the App installation that covers them (for the activity refresh). */
  listOptedIn(): Promise<{ repository: string; installationId: number | null }[]>;
  find(repository: string): Promise<RepositoryState | null>;
  /** Opted-in repositories that list `login` (lower-cased) among their maintainers, by id. */
  forMaintainer(login: string): Promise<RepositoryState[]>;
}

/** Where a repository's latest activity (commit, issue activity, release) can be read. */
export interface RepositoryActivitySource {
  /** The latest commit, issue activity or release, or null when the repository shows none. */
  latestActivity(repository: string, installationId: number): Promise<Date | null>;
}
