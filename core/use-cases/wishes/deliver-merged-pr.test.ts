// Which wishes a merged pull request delivers, over every status (and no wish at all).
import { describe, expect, it } from 'vitest';
import type { WishStatus } from '../../wishlist.ts';
import { mergedPullRequestAction, type MergedPullRequestAction } from './deliver-merged-pr.ts';

describe('mergedPullRequestAction', () => {
  const cases = [
    [null, 'ignore'],
    ['open', 'ignore'],
    ['quoted', 'ignore'],
    ['funded', 'start_and_deliver'],
    ['in_progress', 'deliver'],
    ['delivered', 'ignore'],
    ['cancelled', 'ignore'],
    ['expired', 'ignore'],
  ] as const satisfies readonly (readonly [WishStatus | null, MergedPullRequestAction])[];
  it.each(cases)('%s → %s', (status, expected) => expect(mergedPullRequestAction(status === null ? null : { status })).toBe(expected));

  it('covers every status', () => {
    const all: Record<WishStatus, true> = { open: true, quoted: true, funded: true, in_progress: true, delivered: true, cancelled: true, expired: true };
    expect(cases.map(([s]) => s).filter((s) => s !== null).sort()).toEqual(Object.keys(all).sort());
  });
});
