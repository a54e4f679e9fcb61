// Pull requests: a merged PR that closes a wish's issue delivers it (the rule is the core's
// `deliverMergedPullRequest`); a refused delivery is said on the issue.
import type { Context } from 'probot';
import { deliverMergedPullRequest } from '../../core/use-cases/wishes/deliver-merged-pr.ts';
import { wishIdOf, type RepoId } from '../../core/wishlist.ts';
import type { GithubDeps } from './deps.ts';
import { mergedButNotDelivered } from './render.ts';
import { splitRepository } from './repository.ts';

export type PullRequestDeps = Pick<GithubDeps, 'clock' | 'wishes' | 'outbox' | 'repositories' | 'ledger'>;

const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:([\w.-]+\/[\w.-]+))?#(\d+)/gi;

/** Issue numbers of this repository that a PR body says it closes (`Fixes #12`, `closes owner/repo#3`). */
export function closedIssues(body: string, repo: RepoId): number[] {
  const out = new Set<number>();
  for (const m of body.matchAll(CLOSING)) {
    if (m[1] && m[1].toLowerCase() !== repo) continue;
    out.add(Number(m[2]));
  }
  return [...out];
}

/** A pull request closed: when merged, it delivers the wishes of the issues it closes. */
export async function onPullRequestClosed(deps: PullRequestDeps, context: Context<'pull_request.closed'>): Promise<void> {
  const pr = context.payload.pull_request;
  if (!pr.merged) return;
  const { owner, repo, id: repoId } = splitRepository(context.payload.repository.full_name);
  await deps.repositories.recordActivity(repoId, deps.clock.now());
  const mergedBy = pr.merged_by?.login ?? context.payload.sender.login;
  for (const number of closedIssues(pr.body ?? '', repoId)) {
    const r = await deliverMergedPullRequest({ ...deps, id: wishIdOf(repoId, number), pr: pr.number, mergedBy });
    if (r.outcome === 'refused') await context.octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: mergedButNotDelivered(pr.number, r.error) });
  }
}
