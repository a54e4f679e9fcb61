// The issue opened when the GitHub App is installed on a repository without
// `.github/upkeep.yml`: what Upkeep is, and a prefilled file to commit (packages guessed from
// the manifests the App can read, maintainers the installer and the collaborators with write
// access, equal shares). Opened once per repository. GitHub syntax only.
import { receiveOnce } from '../../core/inbound.ts';
import { MAINTAINER_PLACEHOLDER, PACKAGE_PLACEHOLDER, PROPOSAL_MANIFESTS, proposeOptIn, type OptInProposal, type ProposalManifest } from '../../core/opt-in/proposal.ts';
import { ISSUE_COMMANDS, ISSUE_USAGE } from '../../core/commands/usage.ts';
import type { GithubDeps } from './deps.ts';
import { githubInbound } from './inbound-keys.ts';
import { httpStatus, type Octokit } from './probot.ts';
import type { RepositoryIssue } from './render.ts';

export type InstallIssueDeps = Pick<GithubDeps, 'inbound' | 'publicUrl'>;

/** The issue's Markdown: the pitch, the proposed file (with a link that creates it on GitHub), and what happens next. */
export function installIssue(p: OptInProposal, ctx: { owner: string; repo: string; defaultBranch: string; publicUrl: string }): RepositoryIssue {
  const base = ctx.publicUrl.replace(/\/+$/, '');
  const newFile = `https://github.com/${ctx.owner}/${ctx.repo}/new/${encodeURIComponent(ctx.defaultBranch)}?filename=${encodeURIComponent(p.path)}&value=${encodeURIComponent(`${p.yaml}\n`)}`;
  const guessed =
    p.sources.length > 0
      ? `The packages were read from ${p.sources.map((s) => `\`${s.manifest}\` (\`${s.package}\`)`).join(', ')}; add any other package this repository publishes.`
      : `No published package could be read from ${PROPOSAL_MANIFESTS.map((m) => `\`${m}\``).join(', ')}: replace \`${PACKAGE_PLACEHOLDER}\` with this repository's packages, written ecosystem:name (\`npm:react\`, \`pypi:requests\`, \`cargo:serde\`).`;
  const who =
    p.maintainers.length > 0
      ? `The maintainers are ${p.maintainers.map((m) => `@${m.login}`).join(', ')} with equal shares; change the shares as you agree (they must sum to 100).`
      : `Replace \`${MAINTAINER_PLACEHOLDER}\` with the GitHub logins of the maintainers and their shares (they must sum to 100).`;
  const body = [
    'Thanks for installing **Upkeep** on this repository. Upkeep turns companies’ real dependence on open-source packages into steady money for the people who maintain them:',
    '',
    '- companies share a monthly budget between the packages they depend on, and the share of your packages is paid to the maintainers listed below, by share;',
    '- anyone can crowdfund a feature of this repository: a **wish** is an issue that the maintainers quote (cost and delay); once pledges pay the quote, you start the work and are paid on delivery.',
    '',
    `Nothing happens until the maintainers opt in by committing \`${p.path}\` on \`${ctx.defaultBranch}\`. Here is a proposal:`,
    '',
    '```yaml',
    p.yaml,
    '```',
    '',
    guessed,
    who,
    '`accept_terms: 1` accepts the platform rules (version 1). The repository needs an open-source licence.',
    '',
    `[Create this file on GitHub](${newFile}) (you can edit it before committing). Upkeep reads it on the push and confirms the opt-in in a new issue.`,
    '',
    '**Once opted in**',
    `- each maintainer signs in with GitHub at ${base}/account to connect a payout account;`,
    `- wishes are handled in issue comments: ${ISSUE_COMMANDS.map((c) => `\`/${ISSUE_USAGE[c].usage}\``).join(', ')}.`,
    '',
    '<sub>Upkeep opens this issue once. Close it if this repository does not want to take part; nothing is routed to it without the file.</sub>',
  ].join('\n');
  return { title: 'Upkeep: opt in to receive funding', body };
}

/** The manifests at the root of the default branch that the App can read (missing or unreadable ones are skipped). */
async function readManifests(octokit: Octokit, owner: string, repo: string, ref: string): Promise<Partial<Record<ProposalManifest, string>>> {
  const found: Partial<Record<ProposalManifest, string>> = {};
  for (const path of PROPOSAL_MANIFESTS) {
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
      if (!Array.isArray(data) && data.type === 'file' && typeof (data as { content?: unknown }).content === 'string') {
        found[path] = Buffer.from((data as { content: string }).content, 'base64').toString('utf8');
      }
    } catch (e) {
      if (httpStatus(e) !== 404 && httpStatus(e) !== 403) throw e;
    }
  }
  return found;
}

/** The installer, then the collaborators with write access or more (when the App may list them). */
async function knownLogins(octokit: Octokit, owner: string, repo: string, installer: string | null): Promise<string[]> {
  const logins = installer ? [installer] : [];
  try {
    const { data } = await octokit.rest.repos.listCollaborators({ owner, repo, affiliation: 'direct', per_page: 30 });
    for (const c of data) if (c.type !== 'Bot' && (c.permissions?.push || c.permissions?.maintain || c.permissions?.admin)) logins.push(c.login);
  } catch (e) {
    if (httpStatus(e) === null) throw e;
    // Without the permission to list them, the installer alone is proposed.
  }
  return logins;
}

/** Opens the proposal issue in a repository that has no opt-in file, once per repository (claimed first; released if GitHub fails). */
export async function proposeOptInFile(deps: InstallIssueDeps, octokit: Octokit, r: { owner: string; repo: string; defaultBranch: string; installer: string | null }): Promise<void> {
  const full = `${r.owner}/${r.repo}`.toLowerCase();
  await receiveOnce(deps.inbound, githubInbound.installProposal(full), 'claim-first', async () => {
    const proposal = proposeOptIn({
      manifests: await readManifests(octokit, r.owner, r.repo, r.defaultBranch),
      logins: await knownLogins(octokit, r.owner, r.repo, r.installer),
      repository: full,
    });
    const issue = installIssue(proposal, { ...r, publicUrl: deps.publicUrl });
    await octokit.rest.issues.create({ owner: r.owner, repo: r.repo, title: issue.title, body: issue.body });
  });
}
