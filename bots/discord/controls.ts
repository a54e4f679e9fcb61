// Discord replies of the controls and first-run commands: `/help`, `/subscriptions`,
// `/unsubscribe`, `/pledges` (with a Withdraw button per unpaid pledge), the withdrawal and
// `/unlink github`. Pure functions; Discord's own slash commands only.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIComponentInMessageActionRow, type APIEmbed } from '@discordjs/core/http-only';
import { formatMoney, money } from '../../core/money.ts';
import type { MyPledge } from '../../core/use-cases/wishes/my-pledges.ts';
import { wishUrl } from '../../core/wish-notices.ts';
import { STATUS_NAME, type Wish } from '../../core/wishlist.ts';
import { encodeAction } from './custom-ids.ts';
import { note, type Reply } from './render.ts';

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const amountOf = (n: number, currency: string): string => formatMoney(money(n, currency));

/** The commands `/help` lists, by task: [usage, what it does]. Every name is a registered command (test/wording.test.ts checks). */
export const DISCORD_HELP: readonly { title: string; commands: readonly (readonly [string, string])[] }[] = [
  {
    title: 'Wishes',
    commands: [
      ['/wishlist repo:<owner/repo>', 'the wishes of a repository'],
      ['/wish id:<owner/repo#n>', 'one wish: quote, progress and pledge buttons'],
      ['/pledge wish:<owner/repo#n> amount:<amount>', 'pledge to a wish'],
    ],
  },
  {
    title: 'Your pledges and account',
    commands: [
      ['/pledges', 'your pledges, with a button to withdraw an unpaid one before the wish is funded'],
      ['/link github login:<login>', 'pledge as your GitHub login (you confirm it on GitHub)'],
      ['/unlink github', 'pledge under your Discord name again'],
    ],
  },
  {
    title: 'Channel notices (Manage Channels)',
    commands: [
      ['/subscribe repo:<owner/repo>', 'post its wish progress here'],
      ['/unsubscribe repo:<owner/repo>', 'stop posting it here'],
      ['/subscriptions', 'what this channel follows'],
    ],
  },
];

/** `/help`: what Upkeep is and the commands, grouped by task. */
export function helpReply(): Reply {
  const embed: APIEmbed = {
    title: 'Upkeep on Discord',
    description:
      'Upkeep crowdfunds features of open-source projects and pays the people who maintain them. A **wish** is a GitHub issue the maintainers quote (cost and delay); once pledges pay the quote, the work starts and the money goes to the maintainers on delivery. A wish not funded in time refunds every pledge.',
    color: 0x3498db,
    fields: [
      ...DISCORD_HELP.map((g) => ({ name: g.title, value: g.commands.map(([usage, what]) => `\`${usage}\` — ${what}`).join('\n'), inline: false })),
      {
        name: 'Elsewhere',
        value: 'Wishes are opened, specified and quoted in comments on their GitHub issue. Companies fund the packages they depend on from Slack.',
        inline: false,
      },
    ],
  };
  return { embeds: [embed], ephemeral: true };
}

/** `/subscriptions`: what the channel follows. */
export function subscriptionsReply(repos: readonly string[]): Reply {
  if (repos.length === 0) return note('This channel follows no repository yet. Follow one with `/subscribe repo:<owner/repo>`.');
  return {
    embeds: [
      {
        title: `This channel follows ${repos.length === 1 ? '1 repository' : `${repos.length} repositories`}`,
        description: clip(repos.map((r) => `• **${r}** — [wishes](https://github.com/${r}/issues)`).join('\n'), 3800),
        footer: { text: 'Stop one with /unsubscribe repo:<owner/repo>.' },
        color: 0x3498db,
      },
    ],
    ephemeral: true,
  };
}

/** `/unsubscribe` done. */
export function unsubscribedReply(repo: string): Reply {
  return { content: `This channel no longer follows the wishes of **${repo}**; nothing more about them is posted here.`, ephemeral: false };
}

/** The Withdraw button of one wish on `/pledges`. */
function withdrawButton(m: MyPledge): APIButtonComponent | null {
  const customId = encodeAction({ kind: 'withdraw', wishId: m.wish.id });
  if (!customId) return null;
  return { type: ComponentType.Button, style: ButtonStyle.Danger, label: clip(`Withdraw ${amountOf(m.unpaid, m.wish.currency)} from ${m.wish.id}`, 80), custom_id: customId };
}

/** `/pledges`: the user's pledges with wish, amount and status, and a Withdraw button per wish with an unpaid pledge. */
export function myPledgesReply(entries: readonly MyPledge[]): Reply {
  if (entries.length === 0) return note('You have no pledges yet. Find a wish with `/wishlist repo:<owner/repo>`, then pledge with `/pledge wish:<owner/repo#n> amount:<amount>`.');
  const lines = entries.slice(0, 20).map((m) => {
    const pledges = m.pledges.map((p) => `${amountOf(p.amount, m.wish.currency)} ${p.state}`).join(', ');
    return `**[${m.wish.id}](${wishUrl(m.wish)})** ${clip(m.wish.title, 70)} — ${STATUS_NAME[m.wish.status]}\n${pledges}`;
  });
  // Discord allows 5 rows of 5 buttons; one row per button keeps the labels readable.
  const buttons = entries.filter((m) => m.canWithdraw).map(withdrawButton).filter((b): b is APIButtonComponent => b !== null).slice(0, 5);
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] = buttons.map((b) => ({ type: ComponentType.ActionRow, components: [b] }));
  return {
    embeds: [
      {
        title: `Your pledges (${entries.length === 1 ? '1 wish' : `${entries.length} wishes`})`,
        description: clip(lines.join('\n\n') + (entries.length > 20 ? `\n\n…and ${entries.length - 20} more.` : ''), 3900),
        footer: { text: 'An unpaid pledge can be withdrawn until its wish is funded.' },
        color: 0x3498db,
      },
    ],
    components,
    ephemeral: true,
  };
}

/** After a withdrawal. */
export function withdrawnReply(r: { wish: Pick<Wish, 'id' | 'title' | 'currency'>; amount: number }): Reply {
  return note(
    `Your unpaid pledge of ${amountOf(r.amount, r.wish.currency)} to **${r.wish.id}** “${clip(r.wish.title, 80)}” is withdrawn; it no longer counts toward the quote. If a payment for it still goes through, it is refunded at once.`,
  );
}

/** `/unlink github` done. */
export function unlinkedReply(r: { githubLogin: string | null; pendingLogin: string | null }): Reply {
  if (!r.githubLogin) return note(`Your pending link to GitHub **@${r.pendingLogin}** is cancelled; its code no longer works.`);
  return note(
    `Your Discord account is no longer linked to GitHub **@${r.githubLogin}**. Your next pledges are recorded under your Discord name; pledges already made stay under @${r.githubLogin}. Link again any time with \`/link github login:<login>\`.`,
  );
}
