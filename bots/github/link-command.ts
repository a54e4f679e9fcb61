// `/link <code>` in an issue comment confirms a chat user's claim to the comment author's
// GitHub login (started with `/link github <login>` in Discord). GitHub authenticated the
// author, and the code only works for the login it was issued for, so nobody can link someone
// else's account. Registered with the GitHub bot's extra comment handlers at import.
import { isDomainError } from '../../core/errors.ts';
import { confirmIdentityLink } from '../../core/use-cases/link-identity.ts';
import { recordInbound } from '../../prisma/inbound-events.ts';
import { registerCommentHandler, type CommentHandler } from './comment-handlers.ts';

/** A line `/link <code>` (the first such line of the comment). */
const LINK_LINE = /^[ \t]*\/link(?:[ \t]+([^\r\n]*))?[ \t]*$/im;

export const linkCommand: CommentHandler = async (comment, { services, reply }) => {
  const m = LINK_LINE.exec(comment.body);
  if (!m) return false;
  // An edit re-sends the body; the link was handled (or refused) when the comment was created.
  if (!comment.created) return true;
  if (!(await recordInbound(services.db.prisma, 'github-comment', `${comment.commentId}:link`, 'link'))) return true;
  const code = (m[1] ?? '').trim();
  if (!code) {
    await reply(`@${comment.author} write \`/link <code>\` with the code Upkeep gave you in Discord (\`/link github ${comment.author}\`).`);
    return true;
  }
  try {
    const { githubLogin } = await confirmIdentityLink({ links: services.identityLinks, clock: services.clock, hash: services.hashToken, code, commenter: comment.author });
    await reply(`@${comment.author} your GitHub account is now linked to the Discord account that asked for this code: pledges made there show as @${githubLogin}.`);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    await reply(`@${comment.author} ${e.userMessage}`);
  }
  return true;
};

registerCommentHandler(linkCommand);
