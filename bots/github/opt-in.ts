// Opt-in sync: reads `.github/upkeep.yml` on the default branch and the licence GitHub detects,
// asks the core for the decision, records it, and opens an issue for what must be explained.
import { decideOptIn, explainOptInOutcome, type OptInExplanation, type OptInSource } from '../../core/opt-in/decision.ts';
import { receiveOnce } from '../../core/inbound.ts';
import type { RepoId } from '../../core/wishlist.ts';
import type { GithubDeps } from './deps.ts';
import { githubInbound } from './inbound-keys.ts';
import { httpStatus, type Octokit } from './probot.ts';
import { explanationIssue } from './render.ts';
import { splitRepository } from './repository.ts';
import { CONFIG_PATH, readUpkeepFile } from './upkeep-config.ts';

export type OptInDeps = Pick<GithubDeps, 'repositories' | 'inbound'>;

export type OptInResult = 'opted_in' | 'no_file' | 'invalid' | 'no_licence';

/** Opens an issue explaining a problem, once per distinct explanation and repository (released if GitHub fails). */
async function explainInRepository(deps: OptInDeps, octokit: Octokit, owner: string, repo: string, x: OptInExplanation, defaultBranch: string): Promise<void> {
  const { title, body } = explanationIssue(x, { defaultBranch });
  await receiveOnce(deps.inbound, githubInbound.notice(`${owner}/${repo}`, title, body), 'claim-first', async () => {
    await octokit.rest.issues.create({ owner, repo, title, body });
  });
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

/** Registers, updates or withdraws a repository's opt-in from its default branch. */
export async function syncOptIn(deps: OptInDeps, octokit: Octokit, fullName: string, installationId: number | null): Promise<OptInResult> {
  const { owner, repo, id } = splitRepository(fullName);
  const { data: info } = await octokit.rest.repos.get({ owner, repo });
  const decision = decideOptIn(await readSource(octokit, owner, repo, info.default_branch), info.license?.spdx_id);
  if (decision.action !== 'opt_in') {
    await withdrawIfOptedIn(deps, id);
    if (decision.action === 'opt_out') return 'no_file';
    await explainInRepository(deps, octokit, owner, repo, decision.explanation, info.default_branch);
    return decision.explanation.code === 'no_licence' ? 'no_licence' : 'invalid';
  }
  const c = decision.config;
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
  const explanation = explainOptInOutcome(outcome);
  if (explanation) await explainInRepository(deps, octokit, owner, repo, explanation, info.default_branch);
  return 'opted_in';
}
