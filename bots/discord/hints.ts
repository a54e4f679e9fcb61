// A DomainError's hint (a command of the one grammar, without any prefix) in Discord's terms:
// Discord's own slash command with its named options where one does the same thing; otherwise
// where it is done (a company command lives in Slack, an issue command in a GitHub comment),
// without another platform's syntax, which would not work here.
import type { ErrorHint } from '../../core/errors.ts';

type DiscordForm = (args: readonly string[], details: Readonly<Record<string, unknown>>) => string | null;

const isPlaceholder = (s: string): boolean => /^<.*>$/.test(s) || /^\[.*\]$/.test(s);
const repoForm = (command: string, target: string): string | null =>
  isPlaceholder(target) ? `${command} repo:<owner/repo>` : /^[^:]+\/[^:]+$/.test(target) ? `${command} repo:${target}` : null;
const wishOf = (details: Readonly<Record<string, unknown>>): string => (typeof details.wishId === 'string' ? details.wishId : '<owner/repo#n>');

/** Commands of the grammar that Discord has too, per surface, as Discord writes them. */
const DISCORD_FORMS: Readonly<Record<ErrorHint['surface'], Readonly<Record<string, DiscordForm>>>> = {
  company: {
    // `pledge withdraw <wish>` is the Withdraw button of `/pledges` here.
    pledge: ([wish = '<owner/repo#n>', ...amount]) => (wish === 'withdraw' ? '/pledges' : `/pledge wish:${wish} amount:${amount.join(' ') || '<amount>'}`),
    pledges: () => '/pledges',
    wishes: ([repo = '<owner/repo>']) => `/wishlist repo:${repo}`,
    // Discord channels follow repositories only, not packages.
    subscribe: ([target = '<owner/repo>']) => repoForm('/subscribe', target),
    unsubscribe: ([target = '<owner/repo>']) => repoForm('/unsubscribe', target),
    subscriptions: () => '/subscriptions',
    help: () => '/help',
  },
  issue: {
    pledge: ([amount = '<amount>'], details) => `/pledge wish:${wishOf(details)} amount:${amount}`,
  },
};

const WHERE: Readonly<Record<ErrorHint['surface'], string>> = {
  company: 'That is a company command, used from Slack.',
  issue: 'This is done on GitHub, in a comment on the issue.',
};

function discordForm(text: string, surface: ErrorHint['surface'], details: Readonly<Record<string, unknown>>): string | null {
  const [name = '', ...args] = text.trim().split(/\s+/);
  return DISCORD_FORMS[surface][name]?.(args, details) ?? null;
}

/** The hint as a line of a Discord reply. */
export function renderHint(hint: ErrorHint, details: Readonly<Record<string, unknown>> = {}): string {
  const usage = discordForm(hint.command, hint.surface, details);
  if (!usage) return WHERE[hint.surface];
  const example = hint.example ? discordForm(hint.example, hint.surface, details) : null;
  return example && example !== usage ? `Use \`${usage}\`, e.g. \`${example}\`.` : `Use \`${usage}\`.`;
}
