// Wording across platforms (issue 13): every reply and refusal each platform shows is rendered
// (every error code with every hint of the grammar, the refusals the core really produces, every
// command's success reply on fixtures) and must show no other platform's syntax, no instruction
// meant for the operator, and plurals right with 1 and 2.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../bots/discord/commands.ts';
import * as discordControls from '../bots/discord/controls.ts';
import * as discord from '../bots/discord/render.ts';
import { installIssue } from '../bots/github/install-issue.ts';
import * as github from '../bots/github/render.ts';
import { renderError as slackError } from '../bots/slack/errors.ts';
import { checklistBlocks, homeView, setupDoneView, setupModal } from '../bots/slack/home.ts';
import * as slack from '../bots/slack/render.ts';
import * as replies from '../bots/slack/replies.ts';
import { helpHint, hintFor, issueHintFor, ISSUE_COMMANDS, parseCompanyCommand, parseIssueCommands, SUBCOMMANDS, withdrawHint } from '../core/commands.ts';
import { DOMAIN_ERROR_CODES, DomainError, isDomainError, unwrap, type ErrorHint } from '../core/errors.ts';
import { money } from '../core/money.ts';
import { onboardingSteps } from '../core/onboarding.ts';
import { proposeOptIn } from '../core/opt-in/proposal.ts';
import type { CompanyStatus } from '../core/use-cases/get-status.ts';
import { unlinkIdentity } from '../core/use-cases/unlink-identity.ts';
import { unsubscribeChannel } from '../core/use-cases/unsubscribe-channel.ts';
import { myPledgeOf } from '../core/use-cases/wishes/my-pledges.ts';
import { wishNotFound } from '../core/use-cases/wishes/support.ts';
import { addPledge, cancel, deliver, expire, markPledgePaid, markPledgeRefunded, openWish, quote, start, withdrawPledges, type Wish, type WishAction, type WishId } from '../core/wishlist.ts';
import { refuse } from '../core/wishlist/refusals.ts';

const at = new Date('2026-11-21T10:00:00Z');

// ---------------------------------------------------------------------------------------
// Fixtures: wishes in every state, with 1 and 2 pledgers

const by = { by: 'maria', at };
const opened = unwrap(openWish({ id: 'acme/ui#7' as WishId, title: 'Dark mode', description: 'All components.', requester: 'carol', currency: 'EUR', at })).wish;
const quoted = unwrap(quote(opened, { amount: 40_000, currency: 'EUR', delayDays: 14, ...by })).wish;
const one = unwrap(addPledge(quoted, { pledger: { source: 'slack', id: 'slack:U1', display: 'Ada' }, amount: 10_000, id: 'p1', at })).wish;
const two = unwrap(addPledge(one, { pledger: { source: 'discord', id: '42', display: 'Bo' }, amount: 30_000, id: 'p2', at })).wish;
const paidOne = unwrap(markPledgePaid(two, 'p1', at)).wish;
const funded = unwrap(markPledgePaid(paidOne, 'p2', at)).wish;
const started = unwrap(start(funded, by)).wish;
const delivered = unwrap(deliver(started, { ...by, pr: 12 })).wish;
const cancelled = unwrap(cancel(two, by)).wish;
const expired = unwrap(expire(two, new Date('2027-03-01T00:00:00Z'))).wish;
const withdrawn = unwrap(withdrawPledges(two, { pledgers: [{ source: 'slack', id: 'slack:U1' }], at })).wish;
const WISHES: readonly Wish[] = [opened, quoted, one, two, paidOne, funded, started, delivered, cancelled, expired, withdrawn];
const me = [{ source: 'slack' as const, id: 'slack:U1' }];

// ---------------------------------------------------------------------------------------
// Refusals: every code with every hint, and what the core really says

const HINTS: (ErrorHint | null)[] = [null, ...SUBCOMMANDS.map(hintFor), withdrawHint(), helpHint(null), helpHint('pledge'), ...ISSUE_COMMANDS.map(issueHintFor)];

async function realRefusals(): Promise<DomainError[]> {
  const errors: DomainError[] = [];
  const bad = [
    'frobnicate', 'setup', 'budget', 'budget lots', 'budget 10 USD', 'deps frob', 'deps npm:react', 'own', 'receipt', 'receipt 2026-13', 'export 1 2',
    'visibility public', 'wishes', 'wishes nope', 'pledge', 'pledge a/b#1', 'pledge a/b#1 lots', 'pledge withdraw', 'pledge withdraw a/b', 'pledges x',
    'subscribe', 'subscribe react', 'unsubscribe', 'unsubscribe a/b c/d', 'subscriptions now', 'admin', 'admin revoke x', 'admin grant nobody', 'help nonsense',
    'allocate npm:react=200', 'allocate react', 'statsu',
  ];
  for (const text of bad) {
    const r = parseCompanyCommand(text, 'EUR');
    if (!r.ok) errors.push(r.error);
  }
  for (const body of ['/quote', '/quote 800', '/quote 2 weeks', '/pledge', '/pledge lots', '/spec', '/deliver #x', '/wish -5']) {
    for (const r of parseIssueCommands(body, 'EUR')) if (!r.ok) errors.push(r.error);
  }
  const actions: WishAction[] = ['open', 'spec', 'quote', 'pledge', 'pay', 'refund', 'start', 'deliver', 'cancel', 'expire'];
  for (const w of [opened, quoted, funded, started, delivered, cancelled, expired]) for (const a of actions) {
    const r = refuse(w, a);
    if (!r.ok) errors.push(r.error);
  }
  for (const w of [quoted, paidOne, funded, cancelled]) {
    const r = withdrawPledges(w, { pledgers: [{ source: 'slack', id: 'slack:U1' }], at });
    if (!r.ok) errors.push(r.error);
  }
  errors.push(wishNotFound('acme/ui#9' as WishId));
  for (const attempt of [
    () => unsubscribeChannel({ subscriptions: { remove: async () => false }, platform: 'slack', channel: 'T1/C1', target: 'vitejs/vite' }),
    () => unlinkIdentity({ links: { remove: async () => null }, userRef: 'discord:1' }),
  ]) {
    await attempt().catch((e: unknown) => {
      if (isDomainError(e)) errors.push(e);
    });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------
// The detectors

/** Meant for the operator, never for a user: CLI invocations, "the operator should run…". */
const OPERATOR = [/npm run/i, /upkeep -- /i, /discord:register/i, /\boperator (?:should|must|needs to|has to|can) (?:run|register|configure)/i, /\bask the operator\b/i, /\bUPKEEP_[A-Z_]+|DISCORD_[A-Z_]+|SLACK_[A-Z_]+|STRIPE_[A-Z_]+/];

const DISCORD_OPTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
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

const codeOf = (text: string): string[] => [...text.matchAll(/```([\s\S]*?)```|`([^`\n]+)`/g)].flatMap((m) => (m[1] ?? m[2]!).trim().split('\n'));
const ISSUE = new RegExp(`(^|[\\s\`(])/(${ISSUE_COMMANDS.join('|')})\\b`, 'm');
/** A Discord option (`wish:acme/ui#7`) right after a slash command. */
const DISCORD_OPTION = /\/[a-z]+ [a-z]+:[^\s`]/;

/** Other platforms' syntax in a Slack text: GitHub commands, Discord options and mentions, any slash command but `/upkeep` and Slack's `/invite`. */
function slackForeign(text: string): string[] {
  const found: string[] = [];
  if (ISSUE.test(text)) found.push(ISSUE.exec(text)![0]);
  if (DISCORD_OPTION.test(text)) found.push(DISCORD_OPTION.exec(text)![0]);
  if (/<t:\d+|<\/[\w-]+:\d+>/.test(text)) found.push('Discord markup');
  for (const line of codeOf(text)) if (/^\/(?!upkeep\b|invite\b)/.test(line)) found.push(line);
  return found;
}

/** Other platforms' syntax in a Discord text: `/upkeep`, GitHub commands, any slash command Discord does not have or with options it does not take. */
function discordForeign(text: string, { allowLink = false } = {}): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\w./:])\/upkeep(?=[\s`]|$)[^`\n]*|@upkeep\b/gi)) found.push(m[0]);
  for (const line of codeOf(text)) {
    const m = /^\/([a-z][\w-]*)(.*)$/.exec(line.trim());
    if (!m) continue;
    if (allowLink && /^\/link [0-9A-Z]{4}-/.test(line.trim())) continue;
    const options = DISCORD_OPTIONS.get(m[1]!);
    const args = m[2]!.trim().split(/\s+/).filter(Boolean);
    if (!options || args.some((a) => !options.has(a.replace(/:.*$/, '')))) found.push(line.trim());
  }
  const prose = text.replace(/```[\s\S]*?```|`[^`\n]+`/g, ' ');
  for (const m of prose.matchAll(/(?<![\w/.:#<])\/([a-z][\w-]*)/g)) if (!DISCORD_OPTIONS.has(m[1]!)) found.push(m[0]);
  return found;
}

/** Other platforms' syntax on GitHub: `/upkeep`, Discord options, slash commands that are not issue commands (or `/link`). */
function githubForeign(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\w./:])\/upkeep(?=[\s`]|$)[^`\n]*/gi)) found.push(m[0]);
  if (DISCORD_OPTION.test(text)) found.push(DISCORD_OPTION.exec(text)![0]);
  for (const line of codeOf(text)) {
    const m = /^\/([a-z]+)/.exec(line.trim());
    if (m && ![...ISSUE_COMMANDS, 'link'].includes(m[1] as never)) found.push(line);
  }
  return found;
}

const operatorInstructions = (text: string): string[] => OPERATOR.filter((re) => re.test(text)).map((re) => re.exec(text)![0]);

/** Counted nouns that disagree with their number: "1 pledgers", "2 pledger". */
function badPlurals(text: string): string[] {
  const nouns = ['pledger', 'wish', 'package', 'dependenc(?:y|ies)', 'repositor(?:y|ies)', 'month', 'thing', 'subscription', 'command', 'maintainer'];
  const found: string[] = [];
  for (const n of nouns) {
    for (const m of text.matchAll(new RegExp(`(?<![\\d.,])\\b(\\d+) (?:(?:declared|closed|own|new|standing|unpaid|paid) )?(${n})(es|s)?\\b`, 'g'))) {
      const count = Number(m[1]);
      const word = m[2]!;
      const many = Boolean(m[3]) || word.endsWith('ies');
      if ((count === 1) === many) found.push(m[0]);
    }
  }
  return found;
}

/** Every string a person reads in a Slack payload (texts of blocks, buttons, modal titles). */
function slackTexts(payload: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'string') {
      if (key === 'text' || key === 'title' || key === 'label' || key === 'placeholder') out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, typeof x === 'string' ? k : k === 'text' || k === 'title' ? k : '');
  };
  walk(payload);
  return out;
}

function discordTexts(reply: discord.Reply): string[] {
  const out = [reply.content ?? ''];
  for (const e of reply.embeds ?? []) {
    out.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '', e.author?.name ?? '');
    for (const f of e.fields ?? []) out.push(f.name, f.value);
  }
  for (const row of reply.components ?? []) for (const c of row.components) if ('label' in c && c.label) out.push(c.label);
  return out.filter((t) => t !== '');
}

// ---------------------------------------------------------------------------------------
// What each platform shows

const status = (over: Partial<CompanyStatus> = {}): CompanyStatus =>
  ({
    company: { id: 'c1', name: 'Initech', visibility: 'anonymous', currency: 'EUR', budget: null },
    role: 'admin',
    period: '2026-11',
    budget: null,
    allocation: null,
    packages: [],
    owned: [],
    billing: { mode: 'stripe', card: null, needsCard: true, unfunded: [] },
    counts: { dependencies: 1, owned: 1, allocated: 1, inactive: 0, noMaintainer: 0, singleMaintainer: 0 },
    ...over,
  }) as unknown as CompanyStatus;

function slackReplies(): [string, unknown][] {
  return [
    ...SUBCOMMANDS.map((s): [string, unknown] => [`help ${s}`, slack.renderHelp(s)]),
    ['help', slack.renderHelp(null)],
    ['status', slack.renderStatus(status())],
    ['status of 2', slack.renderStatus(status({ counts: { dependencies: 2, owned: 2, allocated: 2, inactive: 0, noMaintainer: 0, singleMaintainer: 0 } }))],
    ['no dependencies', slack.renderDependencies([], [])],
    ['no history', slack.renderHistory('Initech', [], 'EUR')],
    ['history of 1', slack.renderHistory('Initech', [{ period: '2026-10', total: 100, packages: [{ package: 'npm:react', amount: 100 }] }] as never, 'EUR')],
    ['no wishes', slack.renderWishes('acme/ui', [])],
    ...WISHES.map((w): [string, unknown] => [`wishes (${w.status}, ${w.pledges.length} pledges)`, slack.renderWishes('acme/ui', [w])]),
    ['wishes of 2', slack.renderWishes('acme/ui', [one, two])],
    ['setup', replies.renderSetupDone('Initech')],
    ['budget', replies.renderBudgetSet({ budget: money(200000, 'EUR'), previous: null })],
    ['deps added 1', replies.renderDependenciesAdded({ added: ['npm:react'], alreadyDeclared: [], total: 1 })],
    ['deps added 2', replies.renderDependenciesAdded({ added: ['npm:react', 'npm:vite'], alreadyDeclared: [], total: 2 })],
    ['export 1', replies.renderExport('https://upkeep.example/x.csv', null, 1)],
    ['export 2', replies.renderExport('https://upkeep.example/x.csv', null, 2)],
    ['token', replies.renderToken('upk_x', 'https://upkeep.example')],
    ['pledged offline', replies.renderPledged({ wish: quoted, amount: money(2500, 'EUR'), checkoutUrl: null, offline: true })],
    ['subscribed', replies.renderSubscribed({ what: 'wishes of acme/ui', created: true, withCompany: true })],
    ['unsubscribed', replies.renderUnsubscribed('wishes of acme/ui')],
    ['no subscriptions', replies.renderSubscriptions([])],
    ['1 subscription', replies.renderSubscriptions([{ what: 'npm:react', withCompany: false }])],
    ['2 subscriptions', replies.renderSubscriptions([{ what: 'wishes of acme/ui', withCompany: true }, { what: 'npm:react', withCompany: false }])],
    ['no pledges', replies.renderMyPledges([])],
    ['my pledges', replies.renderMyPledges(WISHES.map((w) => myPledgeOf(w, me)).filter((m) => m.pledges.length > 0))],
    ['1 pledge', replies.renderMyPledges([myPledgeOf(one, me)])],
    ['withdrawn', replies.renderPledgeWithdrawn({ wish: quoted, amount: 10_000 })],
    ['home, new workspace', homeView({ status: null, history: [], payments: 'stripe' })],
    ['home, new workspace offline', homeView({ status: null, history: [], payments: 'offline' })],
    ['home, company mid-way', homeView({ status: status(), history: [], payments: 'stripe' })],
    ['home, member', homeView({ status: status({ role: 'member' } as never), history: [], payments: 'stripe' })],
    ['setup form', setupModal()],
    ['setup done', setupDoneView('Initech', 'stripe')],
    ['checklist', checklistBlocks(onboardingSteps(null, { payments: 'stripe' }))],
  ];
}

function discordReplies(): [string, discord.Reply][] {
  return [
    ['help', discordControls.helpReply()],
    ...WISHES.map((w): [string, discord.Reply] => [`card ${w.status} (${w.pledges.length} pledges)`, discord.wishCard(w, { offline: true })]),
    ['wishlist', discord.wishlistReply('acme/ui', WISHES)],
    ['wishlist of 1', discord.wishlistReply('acme/ui', [one])],
    ['no subscriptions', discordControls.subscriptionsReply([])],
    ['1 subscription', discordControls.subscriptionsReply(['acme/ui'])],
    ['2 subscriptions', discordControls.subscriptionsReply(['acme/ui', 'vitejs/vite'])],
    ['unsubscribed', discordControls.unsubscribedReply('acme/ui')],
    ['no pledges', discordControls.myPledgesReply([])],
    ['my pledges', discordControls.myPledgesReply(WISHES.map((w) => myPledgeOf(w, [{ source: 'discord', id: '42' }])).filter((m) => m.pledges.length > 0))],
    ['withdrawn', discordControls.withdrawnReply({ wish: quoted, amount: 10_000 })],
    ['unlinked', discordControls.unlinkedReply({ githubLogin: 'octocat', pendingLogin: null })],
    ['pending unlinked', discordControls.unlinkedReply({ githubLogin: null, pendingLogin: 'octocat' })],
    ['pledge offline', discord.pledgeConfirmation({ wish: quoted, amount: 2000, checkoutUrl: null, offline: true })],
    ['unknown command', discord.unknownCommand('frob')],
    ['forged button', discord.invalidComponent('button')],
    ['outside a channel', discord.inAServerChannel('/unsubscribe')],
    ['no Manage Channels', discord.subscribeNeedsManageChannels('/unsubscribe')],
    ['subscribed', discord.subscribed('acme/ui', true)],
  ];
}

function githubTexts(): [string, string][] {
  const proposal = proposeOptIn({ manifests: { 'package.json': '{"name":"acme-ui"}' }, logins: ['maria', 'carol'], repository: 'acme/ui' });
  const empty = proposeOptIn({ manifests: {}, logins: [], repository: 'acme/ui' });
  const ctx = { owner: 'acme', repo: 'ui', defaultBranch: 'main', publicUrl: 'https://upkeep.example' };
  return [
    ...WISHES.map((w): [string, string] => [`status comment ${w.status}`, github.statusCommentBody(w, { publicUrl: 'https://upkeep.example', offline: true })]),
    ['commitment', github.commitmentReply('carol', money(500, 'EUR'), { checkoutUrl: null, offline: true })],
    ['pledge', github.pledgeReply('carol', money(500, 'EUR'), { checkoutUrl: null, offline: true })],
    ['install issue', installIssue(proposal, ctx).body],
    ['install issue, nothing guessed', installIssue(empty, ctx).body],
    ['invalid file', github.explanationIssue({ code: 'invalid_file', problems: ['`packages`: is missing'] }, { defaultBranch: 'main' }).body],
    ['no licence', github.explanationIssue({ code: 'no_licence', reported: null }, { defaultBranch: 'main' }).body],
  ];
}

// ---------------------------------------------------------------------------------------

describe('every refusal, on every platform', () => {
  it('the core’s own messages carry no platform syntax', async () => {
    for (const e of await realRefusals()) {
      expect(e.userMessage, e.userMessage).not.toMatch(/`\/|\/upkeep|(^|\s)\/[a-z]+\b(?![/.])/);
      expect(operatorInstructions(e.userMessage), e.userMessage).toEqual([]);
    }
  });

  it.each(DOMAIN_ERROR_CODES.map((c) => [c]))('%s, with every hint, in Slack, Discord and GitHub syntax only', async (code) => {
    const samples = [...HINTS.map((hint) => new DomainError(code, 'That cannot be done.', { wishId: 'acme/ui#7' }, hint)), ...(await realRefusals()).filter((e) => e.code === code)];
    for (const e of samples) {
      const s = slackTexts(slackError(e)).join('\n');
      expect(slackForeign(s), s).toEqual([]);
      const d = discordTexts(discord.errorReply(e)).join('\n');
      expect(discordForeign(d), d).toEqual([]);
      const g = github.errorReply('carol', e);
      expect(githubForeign(g), g).toEqual([]);
      for (const text of [s, d, g]) expect(operatorInstructions(text), text).toEqual([]);
    }
  });
});

describe('every success reply, on every platform', () => {
  it.each(slackReplies())('Slack: %s', (_what, payload) => {
    for (const text of slackTexts(payload)) {
      expect(slackForeign(text), text).toEqual([]);
      expect(operatorInstructions(text), text).toEqual([]);
      expect(badPlurals(text), text).toEqual([]);
    }
  });

  it.each(discordReplies())('Discord: %s', (_what, reply) => {
    for (const text of discordTexts(reply)) {
      expect(discordForeign(text), text).toEqual([]);
      expect(operatorInstructions(text), text).toEqual([]);
      expect(badPlurals(text), text).toEqual([]);
    }
  });

  it('Discord: /link github hands over the GitHub comment to post, and nothing else of GitHub’s', () => {
    const { content } = discord.linkInstructions({ login: 'octocat', code: 'ABCD-EFGH-JKMN-PQRS', minutes: 30 });
    expect(discordForeign(content!)).toEqual(['/link ABCD-EFGH-JKMN-PQRS']);
    expect(discordForeign(content!, { allowLink: true })).toEqual([]);
  });

  it.each(githubTexts())('GitHub: %s', (_what, text) => {
    expect(githubForeign(text), text).toEqual([]);
    expect(operatorInstructions(text), text).toEqual([]);
  });
});

describe('the detectors', () => {
  it('catch what the issue found', () => {
    expect(discordForeign('Comment `/quote 1500 EUR 3w` on the issue.')).not.toEqual([]);
    expect(discordForeign('Use `/pledge wish:acme/ui#7 sum:20`.')).not.toEqual([]);
    expect(operatorInstructions('The operator should run `npm run upkeep -- discord:register`.')).not.toEqual([]);
    expect(discordForeign('Run `/upkeep pledges`.')).not.toEqual([]);
    expect(slackForeign('Use `/pledge wish:acme/ui#7 amount:20`.')).not.toEqual([]);
    expect(slackForeign('Comment `/quote 1500 EUR 3w` on the issue.')).not.toEqual([]);
    expect(githubForeign('Run `/upkeep pledge acme/ui#7 20`.')).not.toEqual([]);
    expect(badPlurals('1 pledgers · 2 pledger · 1 wishes · 2 dependency')).toEqual(['1 pledgers', '2 pledger', '1 wishes', '2 dependency']);
    expect(badPlurals('1 pledger · 2 pledgers · 1 declared dependency · 2 closed months')).toEqual([]);
  });
});

describe('the same facts in the same words', () => {
  it('a wish with 1 and with 2 pledgers reads "1 pledger" / "2 pledgers" on Slack and Discord', () => {
    expect(JSON.stringify(slack.renderWishes('acme/ui', [one]))).toContain('1 pledger');
    expect(JSON.stringify(slack.renderWishes('acme/ui', [two]))).toContain('2 pledgers');
    expect(discord.wishlistReply('acme/ui', [one]).embeds![0]!.description).toContain('1 pledger');
    expect(discord.wishlistReply('acme/ui', [two]).embeds![0]!.description).toContain('2 pledgers');
  });

  it('a pledge is "paid", "awaiting payment", "withdrawn" or "refunded", in the same words on Slack and Discord', () => {
    const refunded = unwrap(markPledgeRefunded(cancelled, 'p1', at)).wish;
    const states = [myPledgeOf(paidOne, me), myPledgeOf(one, me), myPledgeOf(withdrawn, me), myPledgeOf(refunded, me)];
    expect(states.map((m) => m.pledges[0]!.state)).toEqual(['paid', 'awaiting payment', 'withdrawn', 'refunded']);
    const s = JSON.stringify(replies.renderMyPledges(states));
    const d = JSON.stringify(discordControls.myPledgesReply(states));
    for (const word of ['€100.00 paid', '€100.00 awaiting payment', '€100.00 withdrawn', '€100.00 refunded']) {
      expect(s).toContain(word);
      expect(d).toContain(word);
    }
  });
});
