// The Upkeep GitHub App (Probot): repositories opt in with .github/upkeep.yml, their activity
// is recorded, and issue comments drive the wishlist. Thin: parse → core use-case → render.
import { createHash } from 'node:crypto';
import type { ApplicationFunction, Context, Probot, ProbotOctokit } from 'probot';
import type { Services } from '../../app/services.ts';
import { parseIssueCommands, type WishCommand } from '../../core/commands.ts';
import { DomainError, isDomainError, unwrap } from '../../core/errors.ts';
import { formatMoney } from '../../core/money.ts';
import { cancelWish } from '../../core/use-cases/wishes/cancel-wish.ts';
import { deliverWish } from '../../core/use-cases/wishes/deliver-wish.ts';
import { openWish } from '../../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../../core/use-cases/wishes/quote-wish.ts';
import { startWish } from '../../core/use-cases/wishes/start-wish.ts';
import { writeWishSpec } from '../../core/use-cases/wishes/write-wish-spec.ts';
import { parseRepo, wishIdOf, type RepoId, type Wish, type WishId } from '../../core/wishlist.ts';
import { forgetInbound, recordInbound } from '../../prisma/inbound-events.ts';
import { commentHandlers, type IssueComment } from './comment-handlers.ts';
import { errorReply } from './render.ts';
import { syncStatusComment } from './status-comment.ts';
import { CONFIG_PATH, openSourceLicence, parseUpkeepConfig } from './upkeep-config.ts';

type Octokit = ProbotOctokit;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 24);

/** Status of an Octokit RequestError, or null for anything else. */
function httpStatus(e: unknown): number | null {
  return typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number' ? (e as { status: number }).status : null;
}

const isBotAccount = (a: { login?: string; type?: string } | null | undefined): boolean =>
  !a || a.type === 'Bot' || (a.login ?? '').endsWith('[bot]');

function split(fullName: string): { owner: string; repo: string; id: RepoId } {
  const [owner, repo] = fullName.split('/') as [string, string];
  return { owner, repo, id: unwrap(parseRepo(fullName)) };
}

// ---------------------------------------------------------------------------------------
// Permissions

/** Write access or more (admin, maintain, write), asked of GitHub; anything else is a reader. */
export async function hasWriteAccess(octokit: Octokit, owner: string, repo: string, username: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    const role = (data as { role_name?: string }).role_name ?? '';
    return ['admin', 'maintain', 'write'].includes(data.permission) || ['admin', 'maintain', 'write'].includes(role);
  } catch (e) {
    if (httpStatus(e) === 404) return false; // not a collaborator
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// Opt-in

/** Opens an issue explaining a problem, once per distinct explanation and repository. */
async function explainInRepository(services: Services, octokit: Octokit, owner: string, repo: string, title: string, body: string): Promise<void> {
  const first = await recordInbound(services.db.prisma, 'github-notice', `${owner}/${repo}`.toLowerCase() + `:${sha(title + body)}`, 'optin');
  if (!first) return;
  try {
    await octokit.rest.issues.create({ owner, repo, title, body });
  } catch (e) {
    await forgetInbound(services.db.prisma, 'github-notice', `${owner}/${repo}`.toLowerCase() + `:${sha(title + body)}`);
    throw e;
  }
}

async function withdrawIfOptedIn(services: Services, id: RepoId): Promise<void> {
  const state = await services.repositories.find(id);
  if (state?.optedIn) await services.repositories.withdraw(id);
}

export type OptInResult = 'opted_in' | 'no_file' | 'invalid' | 'no_licence';

/** Reads .github/upkeep.yml on the default branch and registers, updates or withdraws the opt-in. */
export async function syncOptIn(services: Services, octokit: Octokit, fullName: string, installationId: number | null): Promise<OptInResult> {
  const { owner, repo, id } = split(fullName);
  const { data: info } = await octokit.rest.repos.get({ owner, repo });
  let source: string;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: CONFIG_PATH, ref: info.default_branch });
    if (Array.isArray(data) || data.type !== 'file' || typeof (data as { content?: unknown }).content !== 'string') {
      await withdrawIfOptedIn(services, id);
      return 'no_file';
    }
    source = Buffer.from((data as { content: string }).content, 'base64').toString('utf8');
  } catch (e) {
    if (httpStatus(e) !== 404) throw e;
    await withdrawIfOptedIn(services, id);
    return 'no_file';
  }
  const parsed = parseUpkeepConfig(source);
  if (!parsed.ok) {
    await withdrawIfOptedIn(services, id);
    await explainInRepository(
      services,
      octokit,
      owner,
      repo,
      `Upkeep: ${CONFIG_PATH} is invalid`,
      [
        `Upkeep could not read \`${CONFIG_PATH}\` on \`${info.default_branch}\`, so this repository is **not** opted in (no money is routed to its maintainers until it is fixed):`,
        '',
        ...parsed.problems.map((p) => `- ${p}`),
        '',
        'A valid file looks like:',
        '```yaml',
        parsed.example,
        '```',
        'Push the fix to the default branch; Upkeep reads the file again on every push that changes it.',
      ].join('\n'),
    );
    return 'invalid';
  }
  const licence = openSourceLicence(info.license?.spdx_id);
  if (!licence) {
    await withdrawIfOptedIn(services, id);
    await explainInRepository(
      services,
      octokit,
      owner,
      repo,
      'Upkeep: an open-source licence is needed to opt in',
      [
        `This repository has a valid \`${CONFIG_PATH}\`, but GitHub detects no open-source licence for it${info.license?.spdx_id ? ` (it reports \`${info.license.spdx_id}\`)` : ''}.`,
        'Only repositories with an open-source licence can receive money through Upkeep.',
        'Add a LICENSE file (e.g. MIT or Apache-2.0) to the default branch; Upkeep checks again on the next push that changes the config file.',
      ].join('\n'),
    );
    return 'no_licence';
  }
  const c = parsed.config;
  const outcome = await services.repositories.optIn({
    repository: id,
    packages: c.packages,
    maintainers: c.maintainers,
    termsVersion: c.termsVersion,
    license: licence,
    description: c.description,
    needs: c.needs,
    contact: c.contact,
    installationId,
  });
  if (outcome.conflicts.length > 0) {
    await explainInRepository(
      services,
      octokit,
      owner,
      repo,
      'Upkeep: some packages are claimed by another repository',
      [
        'This repository is opted in, but these packages stay with the repository that claimed them first (one repository per package):',
        '',
        ...outcome.conflicts.map((x) => `- \`${x.package}\` → ${x.repository}`),
        '',
        'If this is wrong, ask the other repository to remove them from its config, or contact the platform operator.',
      ].join('\n'),
    );
  }
  return 'opted_in';
}

// ---------------------------------------------------------------------------------------
// Comment commands

interface CommandOutcome {
  wish: Wish | null;
  /** Extra reply (checkout link...), beyond the reaction. */
  reply: string | null;
}

async function runCommand(
  services: Services,
  cmd: WishCommand,
  ctx: { octokit: Octokit; owner: string; repo: string; wishId: WishId; author: string; issue: { title: string; body: string; isPullRequest: boolean }; isMaintainer: () => Promise<boolean> },
): Promise<CommandOutcome> {
  const { wishes, outbox, clock } = services;
  const base = { wishes, outbox, clock, id: ctx.wishId };
  switch (cmd.type) {
    case 'wish': {
      if (ctx.issue.isPullRequest) throw new DomainError('invalid_input', 'Wishes are opened on issues, not pull requests; open an issue describing the feature and write `/wish` there.');
      const r = await openWish({
        ...base,
        currency: services.config.currency,
        title: ctx.issue.title,
        description: ctx.issue.body,
        requester: ctx.author,
        commitment: cmd.amount,
        ...(services.gateway ? { payments: services.gateway } : {}),
      });
      let reply: string | null = null;
      if (r.commitment) {
        const amount = formatMoney({ amount: r.commitment.amount, currency: r.wish.currency });
        reply = r.checkoutUrl
          ? `@${ctx.author} your commitment of ${amount} is recorded. Pay it here: ${r.checkoutUrl}`
          : `@${ctx.author} your commitment of ${amount} is recorded${r.offline ? ' (offline mode: the platform operator settles it)' : ''}.`;
      }
      return { wish: r.wish, reply };
    }
    case 'spec':
      return { wish: (await writeWishSpec({ ...base, text: cmd.text, author: ctx.author, isMaintainer: await ctx.isMaintainer() })).wish, reply: null };
    case 'quote':
      return {
        wish: (await quoteWish({ ...base, amount: cmd.amount, delayDays: cmd.delayDays, by: ctx.author, isMaintainer: await ctx.isMaintainer() })).wish,
        reply: null,
      };
    case 'pledge': {
      if (!services.gateway) {
        throw new DomainError('payments_offline', 'Pledges cannot be taken yet on this Upkeep installation; the operator has not set up payments.');
      }
      const r = await placePledge({
        wishes,
        outbox,
        clock,
        id: ctx.wishId,
        payments: services.gateway,
        pledger: { source: 'github', id: ctx.author.toLowerCase(), display: ctx.author },
        amount: cmd.amount,
      });
      const amount = formatMoney(cmd.amount);
      const reply = r.checkoutUrl
        ? `@${ctx.author} thank you! Your pledge of ${amount} is recorded. Pay it here: ${r.checkoutUrl}`
        : `@${ctx.author} thank you! Your pledge of ${amount} is recorded${r.offline ? ' (offline mode: the platform operator settles it)' : ''}.`;
      return { wish: r.wish, reply };
    }
    case 'start':
      return { wish: (await startWish({ ...base, by: ctx.author, isMaintainer: await ctx.isMaintainer() })).wish, reply: null };
    case 'deliver':
      return {
        wish: (
          await deliverWish({
            ...base,
            repositories: services.repositories,
            ledger: services.ledger,
            by: ctx.author,
            pr: cmd.pr,
            isMaintainer: await ctx.isMaintainer(),
          })
        ).wish,
        reply: null,
      };
    case 'cancel':
      return { wish: (await cancelWish({ ...base, by: ctx.author, isMaintainer: await ctx.isMaintainer() })).wish, reply: null };
  }
}

async function onComment(services: Services, context: Context<'issue_comment.created' | 'issue_comment.edited'>): Promise<void> {
  const p = context.payload;
  if (isBotAccount(p.comment.user) || isBotAccount(p.sender)) return;
  const octokit = context.octokit;
  const { owner, repo, id: repoId } = split(p.repository.full_name);
  const author = p.comment.user!.login;
  const issueNumber = p.issue.number;
  await services.repositories.recordActivity(repoId, services.clock.now());
  const reply = async (body: string) => {
    await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  };
  const comment: IssueComment = {
    repo: repoId,
    issueNumber,
    commentId: p.comment.id,
    author,
    body: p.comment.body ?? '',
    created: p.action === 'created',
    deliveryId: context.id,
  };
  for (const handler of commentHandlers()) if (await handler(comment, { services, reply })) return;

  const commands = parseIssueCommands(comment.body, services.config.currency);
  if (commands.length === 0) return;
  let maintainer: Promise<boolean> | null = null;
  const isMaintainer = () => (maintainer ??= hasWriteAccess(octokit, owner, repo, author));
  const wishId = wishIdOf(repoId, issueNumber);
  const issue = { title: p.issue.title, body: p.issue.body ?? '', isPullRequest: p.issue.pull_request != null };
  const seen = new Map<string, number>();
  let latest: Wish | null = null;
  let applied = false;
  // A replay after a failure finds its commands applied: it still brings the status comment up to date.
  let skipped = false;
  const replies: string[] = [];
  const prisma = services.db.prisma;
  for (const r of commands) {
    // One key per command of this comment: an edit re-sends the whole body, and only commands
    // that were not in it before (or appear more often now) take effect.
    const signature = r.ok ? JSON.stringify(r.value) : `error:${r.error.userMessage}`;
    const n = (seen.get(signature) ?? 0) + 1;
    seen.set(signature, n);
    const key = `${p.comment.id}:${sha(signature)}:${n}`;
    if (!(await recordInbound(prisma, 'github-comment', key, r.ok ? r.value.type : 'invalid'))) {
      skipped = true;
      continue;
    }
    let outcome: CommandOutcome;
    try {
      if (!r.ok) throw r.error;
      outcome = await runCommand(services, r.value, { octokit, owner, repo, wishId, author, issue, isMaintainer });
    } catch (e) {
      if (isDomainError(e)) {
        replies.push(errorReply(author, e));
        continue;
      }
      // Not applied (or only idempotent steps were): a redelivery tries this command again.
      await forgetInbound(prisma, 'github-comment', key);
      throw e;
    }
    latest = outcome.wish ?? latest;
    applied = true;
    if (outcome.reply) replies.push(outcome.reply);
  }
  // Replies go out once every command is applied and recorded: a failed reply never re-runs a command.
  for (const text of replies) await reply(text);
  if (applied) {
    await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: p.comment.id, content: '+1' }).catch((e: unknown) => {
      context.log.warn({ err: e }, 'could not react to a comment');
    });
  }
  if (latest || skipped) await syncStatusComment(services, octokit, wishId);
}

// ---------------------------------------------------------------------------------------
// Pull requests: a merged PR that closes a wish's issue delivers it.

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

async function onPullRequestClosed(services: Services, context: Context<'pull_request.closed'>): Promise<void> {
  const pr = context.payload.pull_request;
  if (!pr.merged) return;
  const { owner, repo, id: repoId } = split(context.payload.repository.full_name);
  await services.repositories.recordActivity(repoId, services.clock.now());
  const by = pr.merged_by?.login ?? context.payload.sender.login;
  for (const number of closedIssues(pr.body ?? '', repoId)) {
    const id = wishIdOf(repoId, number);
    const wish = await services.wishes.get(id);
    if (!wish || (wish.status !== 'funded' && wish.status !== 'in_progress')) continue;
    const common = { wishes: services.wishes, outbox: services.outbox, clock: services.clock, id, by, isMaintainer: true };
    try {
      // Merging needs write access, so the merger counts as a maintainer; a funded wish whose
      // work was merged without /start is started and delivered at once.
      if (wish.status === 'funded') await startWish(common);
      const change = await deliverWish({ ...common, repositories: services.repositories, ledger: services.ledger, pr: pr.number });
      await syncStatusComment(services, context.octokit, change.wish.id);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      await context.octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: `#${pr.number} was merged, but the wish could not be marked delivered: ${e.userMessage}` });
      await syncStatusComment(services, context.octokit, id);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The app

/**
 * Wraps a handler so an unexpected failure (GitHub or the database unreachable) is logged and
 * answered 500 to GitHub, whatever status an inner API error carried: the delivery is then not
 * recorded and a redelivery replays it.
 */
function guarded<C extends { log: { error: (o: object, m: string) => void } }>(handler: (context: C) => Promise<unknown>): (context: C) => Promise<void> {
  return async (context) => {
    try {
      await handler(context);
    } catch (e) {
      context.log.error({ err: e }, 'GitHub webhook handler failed');
      throw Object.assign(new Error('The delivery could not be handled; it has been logged.'), { status: 500 });
    }
  };
}

/** The Probot application function. */
export function upkeepGithubApp(services: Services): ApplicationFunction {
  return (app: Probot) => {
    const activity = async (fullName: string) => services.repositories.recordActivity(split(fullName).id, services.clock.now());

    app.on(['issue_comment.created', 'issue_comment.edited'], guarded(async (context) => onComment(services, context)));

    app.on(['installation.created', 'installation.new_permissions_accepted', 'installation.unsuspend'], guarded(async (context) => {
      for (const r of context.payload.repositories ?? []) await syncOptIn(services, context.octokit, r.full_name, context.payload.installation.id);
    }));
    app.on(['installation.deleted', 'installation.suspend'], guarded(async (context) => {
      for (const r of context.payload.repositories ?? []) await services.repositories.withdraw(split(r.full_name).id);
    }));
    app.on('installation_repositories', guarded(async (context) => {
      for (const r of context.payload.repositories_removed) if (r.full_name) await services.repositories.withdraw(split(r.full_name).id);
      for (const r of context.payload.repositories_added) await syncOptIn(services, context.octokit, r.full_name, context.payload.installation.id);
    }));

    app.on('push', guarded(async (context) => {
      const p = context.payload;
      const defaultBranch = p.repository.default_branch ?? p.repository.master_branch;
      if (!defaultBranch || p.ref !== `refs/heads/${defaultBranch}` || p.deleted) return;
      if ((p.commits ?? []).length > 0) await activity(p.repository.full_name);
      const touched = (p.commits ?? []).some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(CONFIG_PATH));
      if (touched) await syncOptIn(services, context.octokit, p.repository.full_name, p.installation?.id ?? null);
    }));

    app.on('release', guarded(async (context) => activity(context.payload.repository.full_name)));
    app.on('issues', guarded(async (context) => activity(context.payload.repository.full_name)));
    app.on('pull_request.closed', guarded(async (context) => onPullRequestClosed(services, context)));
  };
}
