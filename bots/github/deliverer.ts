// Delivers a wish's status-comment notice (recorded by the wish store on every change, in any
// process): the worker calls it with the issue (`owner/repo#n`) and it renders the wish as it
// is now, through the repository's installation of the App.
import type { Probot } from 'probot';
import { PermanentDeliveryError, type Deliver } from '../../core/ports/deliverers.ts';
import { parseWishId, wishIdParts } from '../../core/wishlist.ts';
import { httpStatus } from './probot.ts';
import { syncStatusComment, type StatusCommentDeps } from './status-comment.ts';

export type GithubDelivererDeps = StatusCommentDeps & {
  /** The App (its JWT finds the repository's installation; installation tokens write comments). */
  probot: Probot;
};

/** Answers that will not change on retry: the App is not installed there, or may not write. */
const PERMANENT = new Set([401, 403, 404, 410, 422]);

export function githubDeliverer(deps: GithubDelivererDeps): Deliver {
  const installations = new Map<string, number>();
  const installationOf = async (owner: string, repo: string, repoId: string): Promise<number> => {
    const known = installations.get(repoId);
    if (known !== undefined) return known;
    const app = await deps.probot.auth();
    const id = (await app.rest.apps.getRepoInstallation({ owner, repo })).data.id;
    installations.set(repoId, id);
    return id;
  };
  return async (destination, notice) => {
    // Only the status comment is addressed to an issue today.
    if (notice.kind !== 'wish_status') throw new PermanentDeliveryError(`GitHub does not deliver ${notice.kind} notices`);
    const parsed = parseWishId(destination);
    if (!parsed.ok) throw new PermanentDeliveryError(`not a GitHub issue: ${destination}`);
    const { owner, repo, repoId } = wishIdParts(parsed.value);
    try {
      const octokit = await deps.probot.auth(await installationOf(owner, repo, repoId));
      await syncStatusComment(deps, octokit, parsed.value);
    } catch (e) {
      const status = httpStatus(e);
      // A stale installation id (the App was reinstalled) is looked up again on the next attempt.
      installations.delete(repoId);
      if (status !== null && PERMANENT.has(status)) throw new PermanentDeliveryError(`GitHub refused the status comment of ${destination}: ${status} ${(e as Error).message}`);
      throw e;
    }
  };
}
