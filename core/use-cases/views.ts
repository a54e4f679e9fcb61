// Shapes the company use-cases return and the small checks they share. Adapters render these.
import { parsePackageList } from '../commands.ts';
import { DomainError, unwrap, type ErrorHint } from '../errors.ts';
import { money, type Money } from '../money.ts';
import { isActive, packageWarnings, type PackageWarning } from '../package-warnings.ts';
import type { PackageId } from '../packages.ts';
import type { Company } from '../ports/companies.ts';
import type { MaintainerShare, PackageDirectory, PackageProfile } from '../ports/packages.ts';
import { byString } from '../order.ts';

/** What a company sees of one package it depends on or funds. */
export interface PackageView {
  readonly package: PackageId;
  /** `owner/repo` that claims the package, null when none does. */
  readonly repository: string | null;
  /** Opted-in maintainers and their shares, largest share first. */
  readonly maintainers: readonly MaintainerShare[];
  /** Bus factor of one: exactly one maintainer. */
  readonly singleMaintainer: boolean;
  readonly active: boolean;
  readonly lastActivityAt: Date | null;
  readonly description: string | null;
  readonly needs: string | null;
  readonly contact: string | null;
  readonly warnings: readonly PackageWarning[];
}

/** More packages than this in one request is a mistake, not a manifest. */
export const MAX_PACKAGES_PER_REQUEST = 10_000;

/** A company's monthly budget as Money, null until an admin sets one. */
export const budgetOf = (company: Company): Money | null => (company.budget === null ? null : money(company.budget, company.currency));

/** The profile of a package nobody claimed. */
export const unknownProfile = (id: PackageId): PackageProfile => ({
  id,
  repository: null,
  maintainers: [],
  lastActivityAt: null,
  description: null,
  needs: null,
  contact: null,
});

/** A profile as a company sees it, with its warnings at `now`. */
export function packageView(profile: PackageProfile, now: Date): PackageView {
  const maintainers = [...profile.maintainers].sort((a, b) => b.share - a.share || byString(a.login, b.login));
  return {
    package: profile.id,
    repository: profile.repository,
    maintainers,
    singleMaintainer: maintainers.length === 1,
    active: isActive(profile, now),
    lastActivityAt: profile.lastActivityAt,
    description: profile.description,
    needs: profile.needs,
    contact: profile.contact,
    warnings: packageWarnings(profile, now),
  };
}

/** Views of `ids` (sorted), from the directory; packages it does not know get an empty profile. */
export async function describePackages(directory: PackageDirectory, ids: readonly PackageId[], now: Date): Promise<PackageView[]> {
  const unique = [...new Set(ids)].sort(byString);
  const profiles = unique.length === 0 ? new Map<PackageId, PackageProfile>() : await directory.profiles(unique);
  return unique.map((id) => packageView(profiles.get(id) ?? unknownProfile(id), now));
}

/**
 * Normalises package ids handed in by an adapter (which may pass what a user typed) and refuses
 * an empty list, an invalid id (all invalid ones listed) or an absurdly long list.
 */
export function requirePackages(packages: readonly string[], hint: ErrorHint): PackageId[] {
  if (!Array.isArray(packages) || packages.length === 0) {
    throw new DomainError('invalid_input', 'Name at least one package.', {}, hint);
  }
  if (packages.length > MAX_PACKAGES_PER_REQUEST) {
    throw new DomainError('invalid_input', `That is ${packages.length} packages; send at most ${MAX_PACKAGES_PER_REQUEST} at a time.`, {
      count: packages.length,
      max: MAX_PACKAGES_PER_REQUEST,
    });
  }
  const ids = unwrap(parsePackageList(packages.map(String)));
  if (ids.length === 0) throw new DomainError('invalid_input', 'Name at least one package.', {}, hint);
  return ids;
}

/** `a, b and c` for messages. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
