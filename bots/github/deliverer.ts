// Delivers the notices addressed to a wish's issue (`owner/repo#n`), recorded by the wish store
// with every change, in any process: the status comment (`wish_status`: rendered from the wish
// as it is now, with its state label and paid `/pledge` replies) and the announcement comments
// (`wish_comment`: funded, expired, cancelled, delivered, each a new comment that mentions the
// people concerned) and the messages of the wish's Discord threads (`wish_thread`), through the
// repository's installation of the App. Every comment Upkeep posts starts with a hidden marker,
// so a delivery that died after GitHub created the comment, before it was recorded, finds that
// comment again instead of posting a second.
import type { Probot } from 'probot';
import { PermanentDeliveryError, type Deliver, type MessageRef } from '../../core/ports/deliverers.ts';
import type { Ports } from '../../core/ports/index.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import { parseWishId, wishIdParts, type WishId } from '../../core/wishlist.ts';
import { httpStatus, type Octokit } from './probot.ts';
import { announcementComment, commentMarker, STATUS_MARKER } from './render.ts';
import { serialised, syncStatusComment, type StatusCommentDeps } from './status-comment.ts';
import { relayMarker, type RelayAuthor } from '../../core/use-cases/wishes/relay-rules.ts';

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
async function postAnnouncement(deps: GithubDelivererDeps, octokit: Octokit, id: WishId, notice: Notice): Promise<MessageRef> {
  const { owner, repo, repoId, number } = wishIdParts(id);
  const marker = commentMarker(String(notice.data.event));
  return serialised(`${id}|comment`, async () => {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    const existing = comments.find((c) => (c.body ?? '').startsWith(marker));
    if (existing) return { channel: id, id: String(existing.id) };
    const maintainers = notice.data.event === 'funded' ? ((await deps.repositories.find(repoId))?.maintainers ?? []).map((m) => m.login) : [];
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: announcementComment(notice, { maintainers, publicUrl: deps.publicUrl }) });
    return { channel: id, id: String(data.id) };
  });
}

/**
 * Brings the status comment up to date. While no comment id is remembered, the issue is first
 * searched for one carrying the status marker: a sync that died between creating the comment and
 * remembering its id must not leave a second status comment. Returns the comment.
 */
async function syncStatus(deps: GithubDelivererDeps, octokit: Octokit, id: WishId): Promise<MessageRef | void> {
  const { owner, repo, number } = wishIdParts(id);
  await serialised(id, async () => {
    if ((await deps.wishes.statusCommentId(id)) !== null) return;
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    const posted = comments.find((c) => (c.body ?? '').startsWith(STATUS_MARKER));
    if (posted) await deps.wishes.setStatusCommentId(id, posted.id);
  });
  await syncStatusComment(deps, octokit, id);
  const commentId = await deps.wishes.statusCommentId(id);
  if (commentId !== null) return { channel: id, id: String(commentId) };
}

/**
 * A message of the wish's Discord thread, on the issue (CONTRACT §6): one comment per message,
 * found again by its hidden marker, so a retried delivery posts nothing twice, an edit updates
 * it and a deletion marks it. The marker also keeps its webhook from being relayed back.
 */
async function relayThreadMessage(octokit: Octokit, id: WishId, notice: Notice): Promise<MessageRef | void> {
  const { owner, repo, number } = wishIdParts(id);
  const marker = relayMarker(String(notice.data.messageId));
  return serialised(`${id}|comment`, async (): Promise<MessageRef | void> => {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
    const existing = comments.find((c) => (c.body ?? '').startsWith(marker));
    if (notice.data.event === 'deleted') {
      if (existing) await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: `${marker}\n_This message was deleted on Discord._` });
      return;
    }
    const author = notice.data.author as RelayAuthor;
    const who = author.kind === 'github' ? `@${author.login} wrote on Discord:` : `**${author.name.replace(/[*_`~<>[\]\\@]/g, '')}** (Discord) wrote:`;
    const quoted = String(notice.data.body).split('\n').map((l) => `> ${l}`).join('\n');
    const link = typeof notice.data.url === 'string' ? `\n\n[View on Discord](${notice.data.url})` : '';
    const body = `${marker}\n${who}\n\n${quoted}${link}`;
    if (existing) {
      if (notice.data.event === 'edited') await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { channel: id, id: String(existing.id) };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    return { channel: id, id: String(data.id) };
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
    if (notice.kind !== 'wish_status' && notice.kind !== 'wish_comment' && notice.kind !== 'wish_thread') throw new PermanentDeliveryError(`GitHub does not deliver ${notice.kind} notices`);
    const parsed = parseWishId(destination);
    if (!parsed.ok) throw new PermanentDeliveryError(`not a GitHub issue: ${destination}`);
    const { owner, repo, repoId } = wishIdParts(parsed.value);
    try {
      const octokit = await deps.probot.auth(await installationOf(owner, repo, repoId));
      if (notice.kind === 'wish_status') return await syncStatus(deps, octokit, parsed.value);
      if (notice.kind === 'wish_thread') return await relayThreadMessage(octokit, parsed.value, notice);
      return await postAnnouncement(deps, octokit, parsed.value, notice);
    } catch (e) {
      const status = httpStatus(e);
      // A stale installation id (the App was reinstalled) is looked up again on the next attempt.
      installations.delete(repoId);
      if (status !== null && PERMANENT.has(status)) throw new PermanentDeliveryError(`GitHub refused the ${notice.kind} of ${destination}: ${status} ${(e as Error).message}`);
      throw e;
    }
  };
}
