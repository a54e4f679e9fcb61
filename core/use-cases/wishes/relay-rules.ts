// What a wish's discussion thread relays between the GitHub issue and Discord (CONTRACT §6), as
// pure rules: which issue comments go to Discord, how a Discord message is attributed on the
// issue, how text is shortened, and the marker that keeps Upkeep from echoing its own comments.
import type { IdentityLink } from '../../ports/identity-links.ts';
import { cleanText } from '../../text.ts';

/** Issue comments relayed to Discord are shortened to this many characters (a message holds 2,000). */
export const DISCORD_EXCERPT = 1_500;
/** Discord messages posted on the issue keep up to this many characters (a comment holds 65,536). */
export const GITHUB_EXCERPT = 8_000;

const MARKER_PREFIX = '<!-- upkeep:discord-message:';

/**
 * The hidden first line of the issue comment Upkeep posts for Discord message `messageId`: it
 * finds that comment again (edits, deletions, a delivery retried after posting) and marks it
 * as relayed, so it is never relayed back to Discord.
 */
export const relayMarker = (messageId: string): string => `${MARKER_PREFIX}${messageId} -->`;

/** Whether an issue comment is one Upkeep posted for a Discord message. */
export const isRelayedFromDiscord = (body: string): boolean => body.includes(MARKER_PREFIX);

/** Whether an issue comment (already known to be a human's, not a bot's) is relayed to Discord. */
export function relaysToDiscord(comment: { readonly body: string }): boolean {
  return !isRelayedFromDiscord(comment.body) && visibleText(comment.body).length > 0;
}

/** The text a reader sees: HTML comments removed, runs of blank lines collapsed, trimmed (and storable: core/text.ts). */
export function visibleText(body: string): string {
  return cleanText(body)
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `text` shortened to at most `max` characters, cut at a word boundary when one is near, with an ellipsis. */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const cut = head.search(/\s\S*$/);
  return `${(cut > max * 0.8 ? head.slice(0, cut) : head).trimEnd()}…`;
}

/** Who wrote a Discord message, as the issue shows it: the linked GitHub login when there is one. */
export type RelayAuthor = { readonly kind: 'github'; readonly login: string } | { readonly kind: 'discord'; readonly name: string };

export function attributionOf(link: IdentityLink | null, discordName: string): RelayAuthor {
  if (link?.githubLogin) return { kind: 'github', login: link.githubLogin };
  return { kind: 'discord', name: discordName.trim() || 'someone' };
}

/** The plain-text line every platform can show for a relayed message. */
export function relayLine(author: RelayAuthor, where: 'Discord' | 'GitHub', text: string): string {
  const who = author.kind === 'github' ? author.login : author.name;
  return `${who} wrote on ${where}: ${shorten(text.replace(/\s+/g, ' '), 200)}`;
}
