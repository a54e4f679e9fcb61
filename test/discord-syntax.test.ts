// Every text the Discord adapter shows is written in Discord's own terms: its slash commands
// with named options, never Slack's `/upkeep …`, a GitHub comment command or the operator's
// CLI. The only exception is `/link github`, which hands over a GitHub comment to post.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../bots/discord/commands.ts';
import { renderHint } from '../bots/discord/hints.ts';
import {
  alreadyHandled,
  amountModal,
  errorReply,
  invalidComponent,
  linkInstructions,
  pledgeConfirmation,
  pledgesClosed,
  subscribeInAChannel,
  subscribeNeedsManageChannels,
  subscribed,
  unknownCommand,
  wishCard,
  wishlistReply,
  type Reply,
} from '../bots/discord/render.ts';
import { hintFor, ISSUE_COMMANDS, issueHintFor, SUBCOMMANDS } from '../core/commands.ts';
import { DOMAIN_ERROR_CODES, DomainError, unwrap, type ErrorHint } from '../core/errors.ts';
import { addPledge, cancel, deliver, expire, markPledgePaid, openWish, quote, start, type Wish, type WishId } from '../core/wishlist.ts';

// ---------------------------------------------------------------------------------------
// The detector

const OPTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  COMMANDS.map((c) => {
    const names = new Set<string>();
    const walk = (options: readonly { name: string; options?: readonly unknown[] }[] | undefined) => {
      for (const o of options ?? []) {
        names.add(o.name);
        walk(o.options as typeof options);
      }
    };
    walk(c.options as Parameters<typeof walk>[0]);
    return [c.name, names];
  }),
);

/** Fragments of `text` written in another platform's syntax (or a Discord command misspelt as one). */
function foreignSyntax(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\/upkeep\b[^`\n]*|@upkeep\b|npm run[^`\n]*|upkeep -- \S+/gi)) found.push(m[0]);
  // Code (spans and fenced blocks) is what people copy: a command there is Discord's, with named options.
  const code = [...text.matchAll(/```([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => (m[1] ?? m[2]!).trim());
  for (const snippet of code) {
    for (const line of snippet.split('\n')) {
      const m = /^\/([a-z][\w-]*)(.*)$/.exec(line.trim());
      if (!m) continue;
      const options = OPTIONS.get(m[1]!);
      const args = m[2]!.trim().split(/\s+/).filter(Boolean);
      if (!options || args.some((a) => !options.has(a.replace(/:.*$/, '')) || (!a.includes(':') && !isSubcommand(m[1]!, a)))) found.push(line.trim());
    }
  }
  // In prose, a slash command must at least be one of Discord's.
  const prose = text.replace(/```[\s\S]*?```|`[^`\n]+`/g, ' ');
  for (const m of prose.matchAll(/(?<![\w/.:#<])\/([a-z][\w-]*)/g)) if (!OPTIONS.has(m[1]!)) found.push(m[0]);
  return found;
}

const isSubcommand = (command: string, word: string): boolean =>
  COMMANDS.some((c) => c.name === command && (c.options ?? []).some((o) => o.name === word && o.type === 1));

/** Every text a person reads in a reply: content, embeds and component labels. */
function texts(reply: Reply): string[] {
  const out = [reply.content ?? ''];
  for (const e of reply.embeds ?? []) {
    out.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '', e.author?.name ?? '');
    for (const f of e.fields ?? []) out.push(f.name, f.value);
  }
  for (const row of reply.components ?? []) for (const c of row.components) if ('label' in c && c.label) out.push(c.label);
  return out.filter((t) => t !== '');
}

describe('the detector', () => {
  it.each([
    ['Run `/upkeep budget 2000 EUR`.', true],
    ['ask an admin to run /upkeep admin grant @you', true],
    ['A maintainer answers with `/quote` on GitHub.', true],
    ['Comment `/pledge 20` on the issue.', true],
    ['The operator should run `npm run upkeep -- discord:register`.', true],
    ['Mention @upkeep in the channel.', true],
    ['Open one with /wish in a comment.', false],
    ['Use `/pledge wish:acme/ui#7 amount:20`.', false],
    ['Run `/subscribe` in the channel.', false],
    ['See https://github.com/acme/ui/issues/7 and acme/ui#7: 25/50/75/100 %.', false],
    ['Use `/link github login:octocat`.', false],
  ])('%s → foreign: %s', (text, foreign) => {
    expect(foreignSyntax(text).length > 0).toBe(foreign);
  });
});

// ---------------------------------------------------------------------------------------
// Wishes in every state

const at = new Date('2026-11-21T10:00:00Z');
const by = { by: 'maria', at };
const opened = unwrap(openWish({ id: 'acme/ui#7' as WishId, title: 'Dark mode', description: 'All components.', requester: 'carol', currency: 'EUR', at })).wish;
const quoted = unwrap(quote(opened, { amount: 40_000, currency: 'EUR', delayDays: 14, ...by })).wish;
const pledged = unwrap(addPledge(quoted, { pledger: { source: 'discord', id: '1', display: 'Ada' }, amount: 40_000, id: 'p1', at })).wish;
const funded = unwrap(markPledgePaid(pledged, 'p1', at)).wish;
const started = unwrap(start(funded, by)).wish;
const delivered = unwrap(deliver(started, { ...by, pr: 12 })).wish;
const cancelled = unwrap(cancel(opened, by)).wish;
const expired = unwrap(expire(quoted, new Date('2027-03-01T00:00:00Z'))).wish;
const WISHES: readonly Wish[] = [opened, quoted, pledged, funded, started, delivered, cancelled, expired];

const hints: ErrorHint[] = [...SUBCOMMANDS.map(hintFor), ...ISSUE_COMMANDS.map(issueHintFor)];

const REPLIES: [string, Reply][] = [
  ...WISHES.flatMap((w) => [
    [`wish card (${w.status}, offline)`, wishCard(w, { offline: true })] as [string, Reply],
    [`wish card (${w.status}, Stripe)`, wishCard(w, { offline: false })] as [string, Reply],
    [`pledges closed (${w.status})`, pledgesClosed(w)] as [string, Reply],
  ]),
  ['empty wishlist', wishlistReply('acme/ui', [])],
  ['wishlist', wishlistReply('acme/ui', WISHES)],
  ['offline pledge confirmation', pledgeConfirmation({ wish: quoted, amount: 2000, checkoutUrl: null, offline: true })],
  ['Stripe pledge confirmation', pledgeConfirmation({ wish: quoted, amount: 2000, checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_1', offline: false })],
  ['already handled', alreadyHandled()],
  ['unknown command', unknownCommand('help')],
  ['forged button', invalidComponent('button')],
  ['forged form', invalidComponent('form')],
  ['subscribe outside a channel', subscribeInAChannel()],
  ['subscribe without Manage Channels', subscribeNeedsManageChannels()],
  ['subscribed', subscribed('acme/ui', true)],
  ['already subscribed', subscribed('acme/ui', false)],
  ['unexpected failure', errorReply(new Error('database gone'))],
  ...DOMAIN_ERROR_CODES.map((code) => [`refusal ${code}`, errorReply(new DomainError(code, 'That cannot be done.', { wishId: 'acme/ui#7' }))] as [string, Reply]),
  ...hints.map((hint) => [`refusal with the ${hint.surface} hint ${hint.command}`, errorReply(new DomainError('invalid_input', 'That cannot be done.', { wishId: 'acme/ui#7' }, hint))] as [string, Reply]),
];

describe('Discord replies', () => {
  it.each(REPLIES)('%s shows no other platform’s syntax', (_label, reply) => {
    for (const text of texts(reply)) expect(foreignSyntax(text), text).toEqual([]);
  });

  it('the amount modal shows no other platform’s syntax', () => {
    const modal = amountModal('acme/ui#7', 'u1:m:acme/ui#7', 'EUR');
    const input = (modal.components[0] as unknown as { components: { label: string; placeholder?: string }[] }).components[0]!;
    for (const text of [modal.title, input.label, input.placeholder ?? '']) expect(foreignSyntax(text)).toEqual([]);
  });

  it('/link github shows the GitHub comment to post, alone in a code block, and says it is for GitHub', () => {
    const { content } = linkInstructions({ login: 'octocat', code: 'ABCD-EFGH-JKLM-NPQR', minutes: 30 });
    expect(foreignSyntax(content!)).toEqual(['/link ABCD-EFGH-JKLM-NPQR']);
    expect(content).toContain('```\n/link ABCD-EFGH-JKLM-NPQR\n```');
    const prose = content!.replace(/```[\s\S]*?```/g, '');
    expect(prose).toMatch(/post this comment on any issue or pull request .* signed in to GitHub/);
    expect(foreignSyntax(prose)).toEqual([]);
  });
});

describe('hints in Discord’s terms', () => {
  it.each<[ErrorHint, Record<string, unknown>, string]>([
    [hintFor('pledge'), {}, 'Use `/pledge wish:<owner/repo#n> amount:<amount>`, e.g. `/pledge wish:vitejs/vite#42 amount:500`.'],
    [hintFor('wishes'), {}, 'Use `/wishlist repo:<owner/repo>`, e.g. `/wishlist repo:vitejs/vite`.'],
    [hintFor('subscribe'), {}, 'Use `/subscribe repo:<owner/repo>`, e.g. `/subscribe repo:vitejs/vite`.'],
    [{ surface: 'company', command: 'subscribe <pkg|owner/repo>', example: 'subscribe npm:react' }, {}, 'Use `/subscribe repo:<owner/repo>`.'],
    [{ surface: 'company', command: 'subscribe npm:react' }, {}, 'That is a company command, used from Slack.'],
    [issueHintFor('pledge'), { wishId: 'acme/ui#7' }, 'Use `/pledge wish:acme/ui#7 amount:<amount>`, e.g. `/pledge wish:acme/ui#7 amount:25`.'],
    [issueHintFor('pledge'), {}, 'Use `/pledge wish:<owner/repo#n> amount:<amount>`, e.g. `/pledge wish:<owner/repo#n> amount:25`.'],
    [hintFor('allocate'), {}, 'That is a company command, used from Slack.'],
    [hintFor('budget'), {}, 'That is a company command, used from Slack.'],
    [issueHintFor('quote'), {}, 'This is done on GitHub, in a comment on the issue.'],
    // GitHub's `/wish` opens a wish; Discord's shows one: not the same command.
    [issueHintFor('wish'), {}, 'This is done on GitHub, in a comment on the issue.'],
  ])('%j → %s', (hint, details, text) => {
    expect(renderHint(hint, details)).toBe(text);
  });

  it('a refusal shows the domain message, then the hint', () => {
    const e = new DomainError('invalid_amount', '"lots" is not an amount.', {}, hintFor('pledge'));
    expect(errorReply(e)).toEqual({ content: '⚠️ "lots" is not an amount.\nUse `/pledge wish:<owner/repo#n> amount:<amount>`, e.g. `/pledge wish:vitejs/vite#42 amount:500`.', ephemeral: true });
    expect(errorReply(new DomainError('wish_not_found', 'There is no wish for acme/ui#9.'))).toEqual({ content: '⚠️ There is no wish for acme/ui#9.', ephemeral: true });
  });
});
