// Help texts, from the usage table. The front-end gives its prefix (Slack `/upkeep `, the CLI
// `npm run upkeep -- `); issue-comment commands are GitHub's own syntax (`/quote`), whoever asks.
import { HELP_GROUPS, HELP_TOPICS, ISSUE_COMMANDS, ISSUE_USAGE, PLEDGE_WITHDRAW_USAGE, USAGE, type HelpGroup, type HelpTopic } from './usage.ts';

/** How a front-end writes the overview: its prefix, and how it marks a group's title (Slack `*x*`, Markdown `**x**`). */
export interface HelpStyle {
  readonly prefix: string;
  readonly bold?: (text: string) => string;
}

/** The short overview: commands grouped by task, one line per group (well under 1,200 characters). */
export function helpOverview({ prefix, bold = (t) => t }: HelpStyle, groups: readonly HelpGroup[] = HELP_GROUPS): string {
  return [
    `Upkeep commands, by task (\`${prefix}help <command>\` gives details and an example):`,
    ...groups.map((g) => `${bold(g.title)}: ${g.commands.map((c) => `\`${prefix}${c}\``).join(' · ')}`),
    `Packages are written ecosystem:name (npm:react, pypi:requests). \`${prefix}help github\` lists the commands of GitHub issues.`,
  ].join('\n');
}

/** Help text: the grouped overview, or one topic in detail. `prefix` is how users invoke company commands. */
export function helpText(topic: HelpTopic | null | undefined, opts: HelpStyle): string {
  const { prefix } = opts;
  if (topic === 'github') {
    return [
      'Commands in GitHub issue comments (one per line; quoted lines and code blocks are ignored):',
      ...ISSUE_COMMANDS.map((c) => ISSUE_USAGE[c]).map((c) => `• \`/${c.usage}\` — ${c.what}. Example: \`/${c.example}\``),
    ].join('\n');
  }
  if (topic) {
    const u = USAGE[topic];
    const detail = `\`${prefix}${u.usage}\` — ${u.what}.\nExample: \`${prefix}${u.example}\``;
    if (topic !== 'pledge') return detail;
    const w = PLEDGE_WITHDRAW_USAGE;
    return `${detail}\n\`${prefix}${w.usage}\` — ${w.what}.\nExample: \`${prefix}${w.example}\``;
  }
  return helpOverview(opts);
}

/** Every help topic's text with `prefix`, for renderers that want them all. */
export function helpTexts(prefix: string): Readonly<Record<HelpTopic | 'all', string>> {
  return Object.fromEntries([['all', helpText(null, { prefix })], ...HELP_TOPICS.map((t) => [t, helpText(t, { prefix })])]) as Record<HelpTopic | 'all', string>;
}
