// The Upkeep GitHub App (Probot): repositories opt in with .github/upkeep.yml, their activity
// is recorded, and issue comments drive the wishlist. Thin: parse → core use-case → render.
import type { ApplicationFunction, Probot } from 'probot';
import { onComment } from './comments.ts';
import type { GithubDeps } from './deps.ts';
import { DISCUSSION_EVENTS, onDiscussionComment } from './discussion.ts';
import { guarded } from './guard.ts';
import { onRepositoryEvents } from './installation.ts';
import { onPullRequestClosed } from './pull-requests.ts';

/** The Probot application function. */
export function upkeepGithubApp(deps: GithubDeps): ApplicationFunction {
  return (app: Probot) => {
    app.on(['issue_comment.created', 'issue_comment.edited'], guarded(async (context) => onComment(deps, context)));
    app.on([...DISCUSSION_EVENTS], guarded(async (context) => onDiscussionComment(deps, context)));
    app.on('pull_request.closed', guarded(async (context) => onPullRequestClosed(deps, context)));
    onRepositoryEvents(app, deps);
  };
}
