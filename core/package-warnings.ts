import type { PackageProfile } from './ports/packages.ts';

/** A package is active when its repository saw a commit, issue activity or release this recently. */
export const ACTIVITY_WINDOW_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What a company (or the public API) is warned about for a package; payments are never blocked.
 * - `inactive`: no known activity in the last {@link ACTIVITY_WINDOW_DAYS} days (or none ever recorded);
 * - `no_maintainer`: no opted-in maintainer, so its money waits in escrow;
 * - `single_maintainer`: exactly one maintainer (bus factor of one).
 */
export type PackageWarning = 'inactive' | 'no_maintainer' | 'single_maintainer';

/** The order warnings are listed in, most actionable first. */
export const PACKAGE_WARNINGS: readonly PackageWarning[] = ['inactive', 'no_maintainer', 'single_maintainer'];

type ActivityFacts = Pick<PackageProfile, 'lastActivityAt'>;
type WarningFacts = Pick<PackageProfile, 'lastActivityAt' | 'maintainers'>;

/**
 * True when the package's repository had activity within {@link ACTIVITY_WINDOW_DAYS} days before
 * `now`. Unknown activity is not active. Activity stamped slightly after `now` (clock skew) counts.
 * Example: now 2026-11-20, last activity 2026-08-22 (90 days) → true; 2026-08-21 → false.
 */
export function isActive(profile: ActivityFacts, now: Date): boolean {
  if (profile.lastActivityAt === null) return false;
  return now.getTime() - profile.lastActivityAt.getTime() <= ACTIVITY_WINDOW_DAYS * DAY_MS;
}

/** Warnings for one package, in {@link PACKAGE_WARNINGS} order; [] when all is well. */
export function packageWarnings(profile: WarningFacts, now: Date): PackageWarning[] {
  const warnings: PackageWarning[] = [];
  if (!isActive(profile, now)) warnings.push('inactive');
  if (profile.maintainers.length === 0) warnings.push('no_maintainer');
  if (profile.maintainers.length === 1) warnings.push('single_maintainer');
  return warnings;
}
