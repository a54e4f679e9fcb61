// The one status comment per wish: created once, edited in place, re-created when deleted; with
// it, the issue's state label (`upkeep: quoted`…, replacing the previous one) and the `/pledge`
// replies edited to "paid" once their pledge is. Syncs of one wish run one at a time in a
// process and always render the wish as it is now, so racing deliveries cannot post two
// comments or leave an older state on display.
import type { Ports } from '../../core/ports/index.ts';
import { wishIdParts, type Wish, type WishId } from '../../core/wishlist.ts';
import { httpStatus, type Octokit } from './probot.ts';
import { paidPledgeReply, STATE_LABELS, stateLabel, statusCommentBody, UPKEEP_LABEL_PREFIX } from './render.ts';

/** What rendering and keeping a status comment needs. */
export type StatusCommentDeps = Pick<Ports, 'wishes' | 'gateway' | 'clock' | 'wishMessages'> & {
  /** Base of the share-page and banner links in the comment. */
  publicUrl: string;
};

const chains = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier task of the same key has settled. */
export function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
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
 * or when the edit answers 404 because someone deleted it) and remembers its id. Then the
 * state label and the paid `/pledge` replies.
 */
export function syncStatusComment(deps: StatusCommentDeps, octokit: Octokit, id: WishId): Promise<void> {
  return serialised(id, async () => {
    const wish = await deps.wishes.get(id);
    if (!wish) return;
    const { owner, repo, number } = wishIdParts(id);
    const body = statusCommentBody(wish, { publicUrl: deps.publicUrl, offline: deps.gateway.mode !== 'stripe', now: deps.clock.now() });
    const existing = await deps.wishes.statusCommentId(id);
    let edited = false;
    if (existing !== null) {
      try {
        await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
        edited = true;
      } catch (e) {
        if (httpStatus(e) !== 404) throw e;
      }
    }
    if (!edited) {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
      await deps.wishes.setStatusCommentId(id, data.id);
    }
    await syncStateLabel(octokit, wish);
    await syncPledgeReplies(deps, octokit, wish);
  });
}

/** Labels known to exist, per repository (`owner/repo|name`), so each is created at most once per process. */
const ensuredLabels = new Set<string>();

/** Creates the repository's label unless it exists (GitHub answers 422 when it does). */
async function ensureLabel(octokit: Octokit, owner: string, repo: string, label: (typeof STATE_LABELS)[keyof typeof STATE_LABELS]): Promise<void> {
  const key = `${owner}/${repo}|${label.name}`.toLowerCase();
  if (ensuredLabels.has(key)) return;
  try {
    await octokit.rest.issues.createLabel({ owner, repo, name: label.name, color: label.color, description: label.description });
  } catch (e) {
    if (httpStatus(e) !== 422) throw e; // already_exists
  }
  ensuredLabels.add(key);
}

/** The issue carries exactly one `upkeep: …` label: the wish's state. Other labels are left alone. */
export async function syncStateLabel(octokit: Octokit, wish: Wish): Promise<void> {
  const { owner, repo, number } = wishIdParts(wish.id);
  const wanted = stateLabel(wish.status);
  const { data } = await octokit.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: number, per_page: 100 });
  const names = data.map((l) => l.name);
  for (const name of names) {
    if (!name.toLowerCase().startsWith(UPKEEP_LABEL_PREFIX) || name.toLowerCase() === wanted.name.toLowerCase()) continue;
    try {
      await octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name });
    } catch (e) {
      if (httpStatus(e) !== 404) throw e; // removed meanwhile
    }
  }
  if (names.some((n) => n.toLowerCase() === wanted.name.toLowerCase())) return;
  await ensureLabel(octokit, owner, repo, wanted);
  await octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels: [wanted.name] });
}

/** Edits each remembered `/pledge` reply whose pledge is now paid, once. */
async function syncPledgeReplies(deps: StatusCommentDeps, octokit: Octokit, wish: Wish): Promise<void> {
  const { owner, repo } = wishIdParts(wish.id);
  for (const m of await deps.wishMessages.list(wish.id, 'github_pledge_reply')) {
    if (m.state === 'paid') continue;
    const pledge = wish.pledges.find((p) => p.id === m.pledgeId);
    if (!pledge || pledge.status !== 'paid') continue;
    try {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: Number(m.messageId), body: paidPledgeReply(pledge.pledger.display, { amount: pledge.amount, currency: wish.currency }) });
      await deps.wishMessages.setState('github_pledge_reply', m.channel, m.messageId, 'paid');
    } catch (e) {
      if (httpStatus(e) !== 404) throw e;
      await deps.wishMessages.forget('github_pledge_reply', m.channel, m.messageId); // deleted by someone
    }
  }
}
