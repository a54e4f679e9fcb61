// The one status comment per wish: created once, edited in place, re-created when deleted.
// Syncs of one wish run one at a time and always render the wish as it is now, so racing
// commands and payments cannot post two comments or leave an older state on display.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Probot, ProbotOctokit } from 'probot';
import type { Services } from '../../app/services.ts';
import { wishIdParts, type WishId } from '../../core/wishlist.ts';
import { statusCommentBody } from './render.ts';

const chains = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier task of the same key has settled. */
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return run;
}

function httpStatus(e: unknown): number | null {
  return typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number' ? (e as { status: number }).status : null;
}

/**
 * Brings the wish's status comment up to date: edits it in place, or posts it (first time,
 * or when the edit answers 404 because someone deleted it) and remembers its id.
 */
export function syncStatusComment(services: Services, octokit: ProbotOctokit, id: WishId): Promise<void> {
  return serialised(id, async () => {
    const wish = await services.wishes.get(id);
    if (!wish) return;
    const { owner, repo, number } = wishIdParts(id);
    const body = statusCommentBody(wish, { publicUrl: services.config.publicUrl, offline: services.gateway?.mode !== 'stripe' });
    const existing = await services.wishes.statusCommentId(id);
    if (existing !== null) {
      try {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
        return;
      } catch (e) {
        if (httpStatus(e) !== 404) throw e;
      }
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    await services.wishes.setStatusCommentId(id, data.id);
  });
}

/** Set while a webhook is being handled: the handler syncs the status comment itself. */
export const insideWebhook = new AsyncLocalStorage<true>();

/**
 * Keeps status comments following changes made elsewhere in this process (pledges from Slack or
 * Discord, Stripe payments, expiry): each change schedules one sync of its wish, coalesced while
 * one is pending, through the repository's installation. Returns an unsubscribe.
 */
export function followWishChanges(services: Services, probot: Probot): () => void {
  if (!services.wishes.onChange) return () => {};
  const pending = new Set<WishId>();
  const installations = new Map<string, number>();
  const log = services.log.child({ adapter: 'github', task: 'status-comment' });
  return services.wishes.onChange((change) => {
    if (insideWebhook.getStore()) return;
    const id = change.wish.id;
    if (pending.has(id)) return;
    pending.add(id);
    void serialised(`follow:${id}`, async () => {
      pending.delete(id);
      const { owner, repo, repoId } = wishIdParts(id);
      let installationId = installations.get(repoId);
      if (installationId === undefined) {
        const app = await probot.auth();
        installationId = (await app.rest.apps.getRepoInstallation({ owner, repo })).data.id;
        installations.set(repoId, installationId);
      }
      await syncStatusComment(services, await probot.auth(installationId), id);
    }).catch((e: unknown) => log.warn({ err: e, wishId: id }, 'could not update the status comment'));
  });
}
