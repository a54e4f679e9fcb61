import { DomainError } from '../errors.ts';
import { isActive } from '../package-warnings.ts';
import type { Clock } from '../ports/clock.ts';
import type { FundingStats } from '../ports/funding-stats.ts';
import type { PackageDirectory } from '../ports/packages.ts';
import type { RepositoryStore } from '../ports/repositories.ts';
import type { WishStore } from '../ports/wishes.ts';
import { acceptsPledges, type RepoId } from '../wishlist.ts';
import { byClosenessToFunding, wishCard, type WishCard } from '../wishlist/closeness.ts';
import { getPackageSummary } from './get-package-summary.ts';
import type { PackageSummary } from './get-package-page.ts';

/** A project's public space (CONTRACT §3 `GET /projects/{owner}/{repo}`): aggregates only. */
export interface ProjectSpace {
  readonly repo: RepoId;
  /** Opted in with a valid upkeep.yml; a repository that did not shows only its wishes. */
  readonly optedIn: boolean;
  readonly description: string | null;
  readonly needs: string | null;
  readonly contact: string | null;
  readonly license: string | null;
  /** Opted-in maintainers' GitHub logins, largest share first. */
  readonly maintainers: readonly string[];
  /** Bus factor of one: exactly one maintainer. */
  readonly singleMaintainer: boolean;
  readonly active: boolean;
  readonly lastActivityAt: Date | null;
  /** Each package the repository publishes, with the API's public aggregates. */
  readonly packages: readonly PackageSummary[];
  /** Wishes taking pledges, closest to funding first. */
  readonly wishlist: readonly WishCard[];
  /** Funded wishes being built. */
  readonly underway: readonly WishCard[];
  /** Delivered wishes, latest first. */
  readonly delivered: readonly WishCard[];
}

/**
 * Reads a project's space. What upkeep.yml says (description, needs, contact, maintainers,
 * packages) is shown only while the repository is opted in; a repository that is not opted in
 * but has wishes still shows them, so a shared link keeps working. Throws `not_found` when the
 * repository neither opted in nor has a wish.
 */
export async function getProjectSpace({
  repositories,
  wishes,
  stats,
  packages,
  clock,
  currency,
  repo,
}: {
  repositories: RepositoryStore;
  wishes: WishStore;
  stats: FundingStats;
  packages: PackageDirectory;
  clock: Clock;
  currency: string;
  repo: RepoId;
}): Promise<ProjectSpace> {
  const [state, all] = await Promise.all([repositories.find(repo), wishes.listByRepository(repo)]);
  const optedIn = state?.optedIn ?? false;
  if (!optedIn && all.length === 0) {
    throw new DomainError('not_found', `${repo} has not opted in to Upkeep and has no wish yet.`, { repo });
  }
  const now = clock.now();
  const summaries = optedIn ? await Promise.all(state!.packages.map((id) => getPackageSummary({ stats, packages, clock, currency, id }))) : [];
  const maintainers = optedIn ? state!.maintainers.map((m) => m.login) : [];
  const lastActivityAt = state?.lastActivityAt ?? null;
  const cards = (filter: (status: string) => boolean) => all.filter((w) => filter(w.status));
  return {
    repo,
    optedIn,
    description: optedIn ? state!.description : null,
    needs: optedIn ? state!.needs : null,
    contact: optedIn ? state!.contact : null,
    license: optedIn ? state!.license : null,
    maintainers,
    singleMaintainer: maintainers.length === 1,
    active: isActive({ lastActivityAt }, now),
    lastActivityAt,
    packages: summaries,
    wishlist: all.filter(acceptsPledges).sort(byClosenessToFunding).map((w) => wishCard(w, now)),
    underway: cards((s) => s === 'funded' || s === 'in_progress').sort(byClosenessToFunding).map((w) => wishCard(w, now)),
    delivered: cards((s) => s === 'delivered')
      .sort((a, b) => (b.deliveredAt?.getTime() ?? 0) - (a.deliveredAt?.getTime() ?? 0))
      .map((w) => wishCard(w, now)),
  };
}
