// The one status comment per wish: created once, edited in place, re-created when deleted.
// Syncs of one wish run one at a time in a process and always render the wish as it is now,
// so racing deliveries cannot post two comments or leave an older state on display.
import type { Ports } from '../../core/ports/index.ts';
import { wishIdParts, type WishId } from '../../core/wishlist.ts';
import { httpStatus, type Octokit } from './probot.ts';
import { statusCommentBody } from './render.ts';

/** What rendering and keeping a status comment needs. */
export type StatusCommentDeps = Pick<Ports, 'wishes' | 'gateway'> & {
  /** Base of the share-page links in the comment. */
  publicUrl: string;
};

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

/**
 * Brings the wish's status comment up to date: edits it in place, or posts it (first time,
 * or when the edit answers 404 because someone deleted it) and remembers its id.
 */
export function syncStatusComment(deps: StatusCommentDeps, octokit: Octokit, id: WishId): Promise<void> {
  return serialised(id, async () => {
    const wish = await deps.wishes.get(id);
    if (!wish) return;
    const { owner, repo, number } = wishIdParts(id);
    const body = statusCommentBody(wish, { publicUrl: deps.publicUrl, offline: deps.gateway.mode !== 'stripe' });
    const existing = await deps.wishes.statusCommentId(id);
    if (existing !== null) {
      try {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
        return;
      } catch (e) {
        if (httpStatus(e) !== 404) throw e;
      }
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    await deps.wishes.setStatusCommentId(id, data.id);
  });
}
