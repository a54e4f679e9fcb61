// Help texts, from the usage table. The front-end gives its prefix (Slack `/upkeep `, the CLI
// `npm run upkeep -- `); issue-comment commands are GitHub's own syntax (`/quote`), whoever asks.
import { HELP_TOPICS, ISSUE_COMMANDS, ISSUE_USAGE, SUBCOMMANDS, USAGE, type HelpTopic } from './usage.ts';

/** Help text: the list of commands, or one topic in detail. `prefix` is how users invoke company commands. */
export function helpText(topic: HelpTopic | null | undefined, opts: { prefix: string }): string {
  const { prefix } = opts;
  if (topic === 'github') {
    return [
      'Commands in GitHub issue comments (one per line; quoted lines and code blocks are ignored):',
      ...ISSUE_COMMANDS.map((c) => ISSUE_USAGE[c]).map((c) => `• \`/${c.usage}\` — ${c.what}. Example: \`/${c.example}\``),
    ].join('\n');
  }
  if (topic) {
    const u = USAGE[topic];
    return `\`${prefix}${u.usage}\` — ${u.what}.\nExample: \`${prefix}${u.example}\``;
  }
  return [
    'Upkeep commands:',
    ...SUBCOMMANDS.map((s) => `• \`${prefix}${USAGE[s].usage}\` — ${USAGE[s].what}. Example: \`${prefix}${USAGE[s].example}\``),
    `Packages are written ecosystem:name (npm:react, pypi:requests, maven:org.slf4j:slf4j-api). \`${prefix}help github\` lists the commands for GitHub issues.`,
  ].join('\n');
}

/** Every help topic's text with `prefix`, for renderers that want them all. */
export function helpTexts(prefix: string): Readonly<Record<HelpTopic | 'all', string>> {
  return Object.fromEntries([['all', helpText(null, { prefix })], ...HELP_TOPICS.map((t) => [t, helpText(t, { prefix })])]) as Record<HelpTopic | 'all', string>;
}
