// Rule: a wish is quoted only in an opted-in repository. A quote is a promise of work paid to the
// maintainers the opt-in file names; without one, the money of a funded wish could go nowhere.
import { DomainError } from '../errors.ts';
import type { RepositoryState } from '../ports/repositories.ts';
import { wishIdParts, type WishId } from '../wishlist.ts';
import { OPT_IN_EXAMPLE, OPT_IN_FILE_PATH } from './file.ts';

/** Refuses a quote in a repository that is not opted in (no valid file on its default branch). */
export function requireOptedInToQuote(repository: Pick<RepositoryState, 'optedIn'> | null, wishId: WishId): void {
  if (repository?.optedIn) return;
  const { repoId } = wishIdParts(wishId);
  throw new DomainError(
    'invalid_optin',
    `${repoId} has not opted in to Upkeep: it has no valid ${OPT_IN_FILE_PATH} on its default branch, so its wishes cannot be quoted yet. Add the file (its packages, its maintainers with shares summing to 100, and accept_terms), then quote again.`,
    { wishId, repository: repoId, file: OPT_IN_FILE_PATH, example: OPT_IN_EXAMPLE },
  );
}
