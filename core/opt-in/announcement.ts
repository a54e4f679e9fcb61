// What a repository is told when its opt-in is accepted: a confirmation the first time (which
// packages, which maintainers and shares), then, each time the file changes what the money
// depends on, what changed. Adapters word it for their platform; they decide nothing.
import { byString } from '../order.ts';
import type { PackageId } from '../packages.ts';
import type { MaintainerShare } from '../ports/packages.ts';
import type { OptInConfig } from './file.ts';

/** What a change of the opt-in file changed for the money: packages and maintainers' shares. */
export interface OptInChanges {
  readonly packagesAdded: readonly PackageId[];
  readonly packagesRemoved: readonly PackageId[];
  /** Maintainers who joined, with their share. */
  readonly maintainersAdded: readonly MaintainerShare[];
  /** Maintainers who left, with the share they had. */
  readonly maintainersRemoved: readonly MaintainerShare[];
  readonly sharesChanged: readonly { readonly login: string; readonly from: number; readonly to: number }[];
}

export type OptInAnnouncement =
  /** The repository is opted in now and was not before (or what it was before is not known). */
  | { readonly kind: 'opted_in'; readonly config: OptInConfig }
  /** It was opted in and stays so, with other packages or shares. */
  | { readonly kind: 'changed'; readonly config: OptInConfig; readonly changes: OptInChanges };

/** The changes from `before` to `after`; every list empty when nothing the money depends on changed. */
export function optInChanges(before: Pick<OptInConfig, 'packages' | 'maintainers'>, after: Pick<OptInConfig, 'packages' | 'maintainers'>): OptInChanges {
  const had = new Set(before.packages);
  const has = new Set(after.packages);
  const shareBefore = new Map(before.maintainers.map((m) => [m.login, m.share]));
  const shareAfter = new Map(after.maintainers.map((m) => [m.login, m.share]));
  return {
    packagesAdded: after.packages.filter((p) => !had.has(p)),
    packagesRemoved: before.packages.filter((p) => !has.has(p)),
    maintainersAdded: after.maintainers.filter((m) => !shareBefore.has(m.login)),
    maintainersRemoved: before.maintainers.filter((m) => !shareAfter.has(m.login)),
    sharesChanged: after.maintainers
      .filter((m) => shareBefore.has(m.login) && shareBefore.get(m.login) !== m.share)
      .map((m) => ({ login: m.login, from: shareBefore.get(m.login)!, to: m.share }))
      .sort((a, b) => byString(a.login, b.login)),
  };
}

const nothingChanged = (c: OptInChanges): boolean =>
  c.packagesAdded.length + c.packagesRemoved.length + c.maintainersAdded.length + c.maintainersRemoved.length + c.sharesChanged.length === 0;

/**
 * What to tell a repository whose file was just accepted, given the opt-in its file made before
 * this change (null: none, an invalid file, or not known). Null when packages and shares are as
 * before (a description edit, the same file pushed again): nothing to say.
 */
export function announceOptIn(previous: OptInConfig | null, current: OptInConfig): OptInAnnouncement | null {
  if (!previous) return { kind: 'opted_in', config: current };
  const changes = optInChanges(previous, current);
  return nothingChanged(changes) ? null : { kind: 'changed', config: current, changes };
}
