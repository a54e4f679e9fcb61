// Opt-in sync: reads `.github/upkeep.yml` on the default branch and the licence GitHub detects,
// asks the core for the decision, records it, and opens an issue for what must be explained or
// confirmed: an accepted file is confirmed once, and a change of it says what changed (read from
// the file as it was before the push, so a retried delivery says the same thing again). A
// repository that installs the App without a file gets one issue proposing it (install-issue.ts).
import { announceOptIn } from '../../core/opt-in/announcement.ts';
import { decideOptIn, explainOptInOutcome, type OptInExplanation, type OptInSource } from '../../core/opt-in/decision.ts';
import type { OptInConfig } from '../../core/opt-in/file.ts';
import { receiveOnce } from '../../core/inbound.ts';
import type { RepoId } from '../../core/wishlist.ts';
import type { GithubDeps } from './deps.ts';
import { githubInbound } from './inbound-keys.ts';
import { proposeOptInFile } from './install-issue.ts';
import { httpStatus, type Octokit } from './probot.ts';
import { explanationIssue, optInIssue, type RepositoryIssue } from './render.ts';
import { splitRepository } from './repository.ts';
import { CONFIG_PATH, readUpkeepFile } from './upkeep-config.ts';

export type OptInDeps = Pick<GithubDeps, 'repositories' | 'inbound' | 'publicUrl'>;

export type OptInResult = 'opted_in' | 'no_file' | 'invalid' | 'no_licence';

/** What triggered the sync, when it was a push: the commits before and after it. */
export interface OptInPush {
  readonly before: string | null;
  readonly after: string | null;
}

/** Opens an issue in the repository, once per distinct text, repository and revision (released if GitHub fails). */
async function openIssue(deps: OptInDeps, octokit: Octokit, owner: string, repo: string, { title, body }: RepositoryIssue, revision: string | null = null): Promise<void> {
  await receiveOnce(deps.inbound, githubInbound.notice(`${owner}/${repo}`, title, body, revision), 'claim-first', async () => {
    await octokit.rest.issues.create({ owner, repo, title, body });
  });
}

/** Opens an issue explaining a problem, once per distinct explanation and repository. */
async function explainInRepository(deps: OptInDeps, octokit: Octokit, owner: string, repo: string, x: OptInExplanation, defaultBranch: string): Promise<void> {
  await openIssue(deps, octokit, owner, repo, explanationIssue(x, { defaultBranch }));
}

/** A commit id GitHub sends for "no commit" (a branch created or deleted). */
const NO_COMMIT = /^0+$/;

/** The opt-in the file made at the push's previous commit (null: none, invalid, or not known). */
async function previousOptIn(octokit: Octokit, owner: string, repo: string, push: OptInPush | null, spdxId: string | null | undefined): Promise<OptInConfig | null> {
  if (!push?.before || NO_COMMIT.test(push.before)) return null;
  const before = decideOptIn(await readSource(octokit, owner, repo, push.before), spdxId);
  return before.action === 'opt_in' ? before.config : null;
}

/** The opt-in file on the default branch, as found there. */
async function readSource(octokit: Octokit, owner: string, repo: string, ref: string): Promise<OptInSource> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: CONFIG_PATH, ref });
    if (Array.isArray(data) || data.type !== 'file' || typeof (data as { content?: unknown }).content !== 'string') return { kind: 'absent' };
    const read = readUpkeepFile(Buffer.from((data as { content: string }).content, 'base64').toString('utf8'));
    return read.ok ? { kind: 'file', file: read.file } : { kind: 'unreadable', problems: read.problems };
  } catch (e) {
    if (httpStatus(e) !== 404) throw e;
    return { kind: 'absent' };
  }
}

async function withdrawIfOptedIn(deps: OptInDeps, id: RepoId): Promise<void> {
  const state = await deps.repositories.find(id);
  if (state?.optedIn) await deps.repositories.withdraw(id);
}

/**
 * Registers, updates or withdraws a repository's opt-in from its default branch, and tells the repository: a refused file is explained, an accepted one
 * confirmed with its packages, maintainers, shares and where to connect payouts.
 */
export async function syncOptIn(
  deps: OptInDeps,
  octokit: Octokit,
  fullName: string,
  installationId: number | null,
  push: OptInPush | null = null,
  /** Set when the App was just installed on the repository: without a file, an issue proposes one (once per repository). */
  install: { installer: string | null } | null = null,
): Promise<OptInResult> {
  const { owner, repo, id } = splitRepository(fullName);
  const { data: info } = await octokit.rest.repos.get({ owner, repo });
  const revision = push?.after && !NO_COMMIT.test(push.after) ? push.after : null;
  // The default branch as it is now (a late delivery of an older push records the newest file).
  const decision = decideOptIn(await readSource(octokit, owner, repo, info.default_branch), info.license?.spdx_id);
  if (decision.action !== 'opt_in') {
    await withdrawIfOptedIn(deps, id);
    if (decision.action === 'opt_out') {
      if (install) await proposeOptInFile(deps, octokit, { owner, repo, defaultBranch: info.default_branch, installer: install.installer });
      return 'no_file';
    }
    await explainInRepository(deps, octokit, owner, repo, decision.explanation, info.default_branch);
    return decision.explanation.code === 'no_licence' ? 'no_licence' : 'invalid';
  }
  const c = decision.config;
  // Opted in before this sync: what the file said before the push is what changed (read from
  // GitHub, not from the database, so a retry after a failed announcement says the same).
  const wasOptedIn = (await deps.repositories.find(id))?.optedIn ?? false;
  const outcome = await deps.repositories.optIn({
    repository: id,
    packages: c.packages,
    maintainers: c.maintainers,
    termsVersion: c.termsVersion,
    license: decision.licence,
    description: c.description,
    needs: c.needs,
    contact: c.contact,
    installationId,
  });
  const announcement = announceOptIn(wasOptedIn ? await previousOptIn(octokit, owner, repo, push, info.license?.spdx_id) : null, c);
  if (announcement) {
    const issue = optInIssue(announcement, { defaultBranch: info.default_branch, accountUrl: `${deps.publicUrl.replace(/\/+$/, '')}/account`, revision, conflicts: outcome.conflicts });
    await openIssue(deps, octokit, owner, repo, issue, revision);
  }
  const explanation = explainOptInOutcome(outcome);
  if (explanation) await explainInRepository(deps, octokit, owner, repo, explanation, info.default_branch);
  return 'opted_in';
}
