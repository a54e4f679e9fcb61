import type { PackageId } from '../packages.ts';

export interface MaintainerShare {
  /** GitHub login, lower-case. */
  readonly login: string;
  /** Percent, summing to 100 over a package's maintainers. */
  readonly share: number;
}

/** What Upkeep knows of a package from the repository that opted it in. */
export interface PackageProfile {
  readonly id: PackageId;
  /** `owner/repo` that claims the package, null when no repository claimed it. */
  readonly repository: string | null;
  /** Opted-in maintainers; empty when none (the package's money waits in escrow). */
  readonly maintainers: readonly MaintainerShare[];
  readonly lastActivityAt: Date | null;
  readonly description: string | null;
  readonly needs: string | null;
  readonly contact: string | null;
}

/** Read side of packages and their maintainers. Implemented in prisma/. */
export interface PackageDirectory {
  profiles(ids: readonly PackageId[]): Promise<Map<PackageId, PackageProfile>>;
}
