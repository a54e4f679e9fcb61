// `/link <code>` in an issue comment confirms a chat user's claim to the comment author's
// GitHub login (started from Discord). GitHub authenticated the author, and the code only
// works for the login it was issued for, so nobody can link someone else's account.
import { isDomainError } from '../../core/errors.ts';
import { receiveOnce } from '../../core/inbound.ts';
import { confirmIdentityLink } from '../../core/use-cases/link-identity.ts';
import type { CommentHandler } from './comment-handlers.ts';
import { githubInbound } from './inbound-keys.ts';

/** A line `/link <code>` (the first such line of the comment). */
const LINK_LINE = /^[ \t]*\/link(?:[ \t]+([^\r\n]*))?[ \t]*$/im;

export const linkCommand: CommentHandler = async (comment, { deps, reply }) => {
  const m = LINK_LINE.exec(comment.body);
  if (!m) return false;
  // An edit re-sends the body; the link was handled (or refused) when the comment was created.
  if (!comment.created) return true;
  // Claimed first: a redelivery does nothing more; a failure a retry may fix releases the claim.
  await receiveOnce(deps.inbound, githubInbound.link(comment.commentId), 'claim-first', async () => {
    const code = (m[1] ?? '').trim();
    if (!code) {
      await reply(`@${comment.author} write \`/link <code>\` with the code Upkeep gave you in Discord when you asked to link the GitHub account ${comment.author}.`);
      return;
    }
    try {
      const { githubLogin } = await confirmIdentityLink({ links: deps.identityLinks, clock: deps.clock, hash: deps.hashToken, code, commenter: comment.author });
      await reply(`@${comment.author} your GitHub account is now linked to the Discord account that asked for this code: pledges made there show as @${githubLogin}.`);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      await reply(`@${comment.author} ${e.userMessage}`);
    }
  });
  return true;
};
