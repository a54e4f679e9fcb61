// Issue comments: the extra commands (`/link`), then the wish commands of the comment, each
// applied at most once however often GitHub delivers or the author edits the comment. The
// status comment follows through the worker, from the notices the use-cases record.
import type { Context } from 'probot';
import { parseIssueCommands, type WishCommand } from '../../core/commands.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { receiveOnce } from '../../core/inbound.ts';
import { cleanText } from '../../core/text.ts';
import { cancelWish } from '../../core/use-cases/wishes/cancel-wish.ts';
import { deliverWish } from '../../core/use-cases/wishes/deliver-wish.ts';
import { openWish } from '../../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../../core/use-cases/wishes/quote-wish.ts';
import { startWish } from '../../core/use-cases/wishes/start-wish.ts';
import { writeWishSpec } from '../../core/use-cases/wishes/write-wish-spec.ts';
import { wishIdOf, type WishId } from '../../core/wishlist.ts';
import type { CommentHandler, IssueComment } from './comment-handlers.ts';
import type { GithubDeps } from './deps.ts';
import { githubInbound } from './inbound-keys.ts';
import { linkCommand } from './link-command.ts';
import { hasWriteAccess } from './probot.ts';
import { commitmentReply, errorReply, pledgeReply } from './render.ts';
import { isBotAccount, splitRepository } from './repository.ts';

export type CommentDeps = Pick<GithubDeps, 'clock' | 'wishes' | 'wishMessages' | 'outbox' | 'repositories' | 'ledger' | 'gateway' | 'inbound' | 'identityLinks' | 'hashToken' | 'currency' | 'rateLimiter'>;

/** Commands asked before the wish commands, in order. */
const EXTRA_COMMANDS: readonly CommentHandler[] = [linkCommand];

interface CommandContext {
  wishId: WishId;
  author: string;
  issue: { title: string; body: string; isPullRequest: boolean };
  isMaintainer: () => Promise<boolean>;
}

/** A reply to post; a `/pledge` reply names its pledge, so it can be edited to "paid" later. */
type Reply = { text: string; pledgeId?: string };

/** Applies one wish command; returns the extra reply it calls for (a payment link...), beyond the reaction. */
async function runCommand(deps: CommentDeps, cmd: WishCommand, ctx: CommandContext): Promise<Reply | null> {
  const { wishes, outbox, clock, gateway } = deps;
  const base = { wishes, outbox, clock, id: ctx.wishId };
  switch (cmd.type) {
    case 'wish': {
      if (ctx.issue.isPullRequest) throw new DomainError('invalid_input', 'Wishes are opened on issues, not pull requests; open an issue describing the feature and write `/wish` there.');
      const r = await openWish({
        ...base,
        currency: deps.currency,
        title: ctx.issue.title,
        description: ctx.issue.body,
        requester: ctx.author,
        commitment: cmd.amount,
        gateway,
        rateLimiter: deps.rateLimiter,
      });
      return r.commitment ? { text: commitmentReply(ctx.author, { amount: r.commitment.amount, currency: r.wish.currency }, r) } : null;
    }
    case 'spec':
      await writeWishSpec({ ...base, text: cmd.text, author: ctx.author, isMaintainer: await ctx.isMaintainer() });
      return null;
    case 'quote':
      await quoteWish({ ...base, repositories: deps.repositories, amount: cmd.amount, delayDays: cmd.delayDays, by: ctx.author, isMaintainer: await ctx.isMaintainer() });
      return null;
    case 'pledge': {
      const r = await placePledge({ ...base, gateway, pledger: { source: 'github', id: ctx.author.toLowerCase(), display: ctx.author }, amount: cmd.amount, rateLimiter: deps.rateLimiter });
      return { text: pledgeReply(ctx.author, cmd.amount, r), pledgeId: r.pledgeId };
    }
    case 'start':
      await startWish({ ...base, by: ctx.author, isMaintainer: await ctx.isMaintainer() });
      return null;
    case 'deliver':
      await deliverWish({ ...base, repositories: deps.repositories, ledger: deps.ledger, by: ctx.author, pr: cmd.pr, isMaintainer: await ctx.isMaintainer() });
      return null;
    case 'cancel':
      await cancelWish({ ...base, by: ctx.author, isMaintainer: await ctx.isMaintainer() });
      return null;
  }
}

/** An issue comment created or edited. */
export async function onComment(deps: CommentDeps, context: Context<'issue_comment.created' | 'issue_comment.edited'>): Promise<void> {
  const p = context.payload;
  if (isBotAccount(p.comment.user) || isBotAccount(p.sender)) return;
  const octokit = context.octokit;
  const { owner, repo, id: repoId } = splitRepository(p.repository.full_name);
  const author = p.comment.user!.login;
  const issueNumber = p.issue.number;
  await deps.repositories.recordActivity(repoId, deps.clock.now());
  const reply = async (body: string): Promise<number> => (await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })).data.id;
  const comment: IssueComment = {
    repo: repoId,
    issueNumber,
    commentId: p.comment.id,
    author,
    body: cleanText(p.comment.body ?? ''),
    created: p.action === 'created',
    deliveryId: context.id,
  };
  for (const handler of EXTRA_COMMANDS) if (await handler(comment, { deps, reply: async (body) => void (await reply(body)) })) return;

  const commands = parseIssueCommands(comment.body, deps.currency);
  if (commands.length === 0) return;
  let maintainer: Promise<boolean> | null = null;
  const isMaintainer = () => (maintainer ??= hasWriteAccess(octokit, owner, repo, author));
  const ctx: CommandContext = {
    wishId: wishIdOf(repoId, issueNumber),
    author,
    // Provider text is cleaned before it is stored (core/text.ts): PostgreSQL refuses NUL and lone surrogates.
    issue: { title: cleanText(p.issue.title), body: cleanText(p.issue.body ?? ''), isPullRequest: p.issue.pull_request != null },
    isMaintainer,
  };
  const seen = new Map<string, number>();
  let applied = false;
  const replies: Reply[] = [];
  for (const r of commands) {
    // One identity per command of this comment: an edit re-sends the whole body, and only
    // commands that were not in it before (or appear more often now) take effect.
    const signature = r.ok ? JSON.stringify(r.value) : `error:${r.error.userMessage}`;
    const n = (seen.get(signature) ?? 0) + 1;
    seen.set(signature, n);
    // Claimed first: a refusal keeps the claim (the same command is refused again); any other
    // failure releases it and fails the delivery, so GitHub's redelivery tries it again.
    try {
      const received = await receiveOnce(deps.inbound, githubInbound.command(p.comment.id, signature, n, r.ok ? r.value.type : 'invalid'), 'claim-first', async () => {
        if (!r.ok) throw r.error;
        return runCommand(deps, r.value, ctx);
      });
      if (received.duplicate) continue;
      applied = true;
      if (received.value) replies.push(received.value);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      replies.push({ text: errorReply(author, e) });
    }
  }
  // Replies go out once every command is applied and recorded: a failed reply never re-runs a command.
  for (const r of replies) {
    const commentId = await reply(r.text);
    // Remembered with its pledge: the status sync edits it to "paid" once the pledge is paid.
    if (r.pledgeId) await deps.wishMessages.remember({ wishId: ctx.wishId, kind: 'github_pledge_reply', channel: ctx.wishId, messageId: String(commentId), pledgeId: r.pledgeId });
  }
  if (applied) {
    await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: p.comment.id, content: '+1' }).catch((e: unknown) => {
      context.log.warn({ err: e }, 'could not react to a comment');
    });
  }
}
