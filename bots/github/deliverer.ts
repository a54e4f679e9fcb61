// Delivers the notices addressed to a wish's issue (`owner/repo#n`), recorded by the wish store
// with every change, in any process: the status comment (`wish_status`: rendered from the wish
// as it is now, with its state label and paid `/pledge` replies) and the announcement comments
// (`wish_comment`: funded, expired, cancelled, delivered, each a new comment that mentions the
// people concerned), through the repository's installation of the App.
import type { Probot } from 'probot';
import { PermanentDeliveryError, type Deliver } from '../../core/ports/deliverers.ts';
import type { Ports } from '../../core/ports/index.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import { parseWishId, wishIdParts, type WishId } from '../../core/wishlist.ts';
import { httpStatus, type Octokit } from './probot.ts';
import { announcementComment, commentMarker } from './render.ts';
import { serialised, syncStatusComment, type StatusCommentDeps } from './status-comment.ts';

export type GithubDelivererDeps = StatusCommentDeps &
  Pick<Ports, 'repositories'> & {
    /** The App (its JWT finds the repository's installation; installation tokens write comments). */
    probot: Probot;
  };

/** Answers that will not change on retry: the App is not installed there, or may not write. */
const PERMANENT = new Set([401, 403, 404, 410, 422]);

/**
 * Posts the announcement comment of `notice` unless the issue already has it (a delivery that
 * died after posting, before it was recorded as delivered, finds its marker and stops).
 */
async function postAnnouncement(deps: GithubDelivererDeps, octokit: Octokit, id: WishId, notice: Notice): Promise<void> {
  const { owner, repo, repoId, number } = wishIdParts(id);
  const marker = commentMarker(String(notice.data.event));
  await serialised(`${id}|comment`, async () => {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    if (comments.some((c) => (c.body ?? '').startsWith(marker))) return;
    const maintainers = notice.data.event === 'funded' ? ((await deps.repositories.find(repoId))?.maintainers ?? []).map((m) => m.login) : [];
    await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: announcementComment(notice, { maintainers, publicUrl: deps.publicUrl }) });
  });
}

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
    if (notice.kind !== 'wish_status' && notice.kind !== 'wish_comment') throw new PermanentDeliveryError(`GitHub does not deliver ${notice.kind} notices`);
    const parsed = parseWishId(destination);
    if (!parsed.ok) throw new PermanentDeliveryError(`not a GitHub issue: ${destination}`);
    const { owner, repo, repoId } = wishIdParts(parsed.value);
    try {
      const octokit = await deps.probot.auth(await installationOf(owner, repo, repoId));
      if (notice.kind === 'wish_status') await syncStatusComment(deps, octokit, parsed.value);
      else await postAnnouncement(deps, octokit, parsed.value, notice);
    } catch (e) {
      const status = httpStatus(e);
      // A stale installation id (the App was reinstalled) is looked up again on the next attempt.
      installations.delete(repoId);
      if (status !== null && PERMANENT.has(status)) throw new PermanentDeliveryError(`GitHub refused the ${notice.kind} of ${destination}: ${status} ${(e as Error).message}`);
      throw e;
    }
  };
}
