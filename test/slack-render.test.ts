// The Slack renderers speak Slack only: every error code has its own title, every hint is shown
// as `/upkeep <command>`, and no user-facing message shows another platform's syntax (GitHub's
// issue-comment commands or @upkeep, Discord's mentions, the CLI's `npm run`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HELP_TOPICS, hintFor, helpHint, issueHintFor, ISSUE_COMMANDS, parseCompanyCommand, SUBCOMMANDS } from '../core/commands.ts';
import { DOMAIN_ERROR_CODES, DomainError, type ErrorHint } from '../core/errors.ts';
import { money } from '../core/money.ts';
import type { Notice } from '../core/ports/notifications.ts';
import type { CompanyStatus } from '../core/use-cases/get-status.ts';
import { addPledge, markPledgePaid, openWish, quote, type Wish, type WishId } from '../core/wishlist.ts';
import { wishNotices } from '../core/wish-notices.ts';
import { unwrap } from '../core/errors.ts';
import { ERROR_TITLE, refusalText, renderError, renderHint, renderInternalError } from '../bots/slack/errors.ts';
import { allocationModal, homeView, importModal, importPendingView, importResultView, messageModal } from '../bots/slack/modals.ts';
import { renderNotice } from '../bots/slack/notices.ts';
import { renderAllocationSaved, renderDependencies, renderHelp, renderHistory, renderStatus, renderWishes } from '../bots/slack/render.ts';
import * as replies from '../bots/slack/replies.ts';

const at = new Date('2026-11-20T12:00:00Z');

/** Every way another platform writes a command or a mention, as seen in a Slack message. */
const FOREIGN: readonly [string, RegExp][] = [
  ['the CLI', /npm run/],
  ['a GitHub mention of the bot', /(?<!\/invite )@upkeep/i],
  ['a GitHub issue-comment command', new RegExp(`(^|[\\s\`(])/(${ISSUE_COMMANDS.join('|')}|link)\\b`, 'm')],
  ['a Discord command mention', /<\/[\w-]+:\d+>/],
  ['a Discord timestamp', /<t:\d+(:[a-zA-Z])?>/],
];

/** A slash command in code that is not Slack's `/upkeep` (or `/invite`, Slack's own). */
const OTHER_SLASH_IN_CODE = /`\/(?!upkeep |upkeep`|invite )/;

function expectSlackOnly(what: string, message: unknown): void {
  const text = JSON.stringify(message);
  for (const [name, pattern] of FOREIGN) expect(text, `${what} shows ${name}`).not.toMatch(pattern);
  expect(text, `${what} shows a slash command other than /upkeep`).not.toMatch(OTHER_SLASH_IN_CODE);
}

const companyHints: ErrorHint[] = [...SUBCOMMANDS.map((s) => hintFor(s)), helpHint(null), helpHint('allocate')];
const issueHints: ErrorHint[] = ISSUE_COMMANDS.map((c) => issueHintFor(c));

describe('errors', () => {
  it.each(DOMAIN_ERROR_CODES.map((code) => [code]))('%s has a title of its own kind and renders its hint in Slack syntax', (code) => {
    const e = new DomainError(code, 'Something about it.', {}, { surface: 'company', command: 'budget <amount> [currency]', example: 'budget 2000' });
    const r = renderError(e);
    const section = JSON.stringify(r.blocks?.[0]);
    expect(section).toContain(`*${ERROR_TITLE[code]}*`);
    expect(section).toContain('Something about it.');
    expect(section).toContain('Run `/upkeep budget &lt;amount&gt; [currency]`, e.g. `/upkeep budget 2000`.');
    expect(r.text).toContain('Run /upkeep budget <amount> [currency], e.g. /upkeep budget 2000.');
    expectSlackOnly(code, r);
  });

  it('every company hint of the grammar is rendered as /upkeep <command>, with its example', () => {
    for (const hint of companyHints) {
      const shown = renderHint(hint);
      expect(shown).toContain(`\`/upkeep ${hint.command.replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``);
      if (hint.example) expect(shown).toContain(`e.g. \`/upkeep ${hint.example.replace(/</g, '&lt;').replace(/>/g, '&gt;')}\``);
      expect(renderHint(hint, { mrkdwn: false })).toBe(`Run /upkeep ${hint.command}${hint.example ? `, e.g. /upkeep ${hint.example}` : ''}.`);
    }
  });

  it('an issue-comment hint says where to act, never GitHub syntax', () => {
    for (const hint of issueHints) {
      const r = renderError(new DomainError('wish_transition', 'This wish is not funded yet.', {}, hint));
      expect(JSON.stringify(r)).toContain('GitHub issue');
      expectSlackOnly(`issue hint ${hint.command}`, r);
    }
  });

  it('any company hint becomes one `/upkeep` command (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }), (command, example) => {
        const hint: ErrorHint = example === undefined ? { surface: 'company', command } : { surface: 'company', command, example };
        const plain = renderHint(hint, { mrkdwn: false });
        expect(plain.startsWith(`Run /upkeep ${command}`)).toBe(true);
        expect(renderHint({ surface: 'issue', command, ...(example ? { example } : {}) })).not.toContain(command.trim() === '' ? '\u0000' : `/${command}`);
      }),
    );
  });

  it('without a hint, a refusal is the core message alone; internal errors say nothing more', () => {
    const e = new DomainError('not_found', 'No such <thing>.');
    expect(refusalText(e)).toBe('No such &lt;thing&gt;.');
    expect(refusalText(e, { mrkdwn: false })).toBe('No such <thing>.');
    expect(renderInternalError().text).toBe('Something went wrong on our side; it has been logged. Please try again in a minute.');
  });

  it('every refusal of the grammar renders in Slack syntax only', () => {
    const bad = [
      'statsu',
      'budget',
      'budget lots',
      'budget 10 USD',
      'deps add',
      'deps add react',
      'deps frobnicate',
      'own',
      'allocate npm:react',
      'allocate npm:react=x',
      'receipt',
      'receipt 2026-13',
      'export nope',
      'visibility public',
      'token now',
      'wishes',
      'wishes not-a-repo',
      'pledge',
      'pledge vitejs/vite#x 10',
      'pledge vitejs/vite#1 -5',
      'subscribe',
      'admin grant',
      'admin revoke <@U1>',
      'help nothing',
      'setup',
    ];
    let hinted = 0;
    for (const text of bad) {
      const parsed = parseCompanyCommand(text, 'EUR');
      expect(parsed.ok, text).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.userMessage, `${text}: the core message carries no Slack syntax`).not.toContain('/upkeep');
      const r = renderError(parsed.error);
      if (parsed.error.hint) {
        hinted++;
        expect(JSON.stringify(r), text).toContain('`/upkeep ');
      }
      expectSlackOnly(text, r);
    }
    expect(hinted).toBeGreaterThan(bad.length / 2);
  });
});

function quotedWish(): Wish {
  let w = unwrap(openWish({ id: 'vitejs/vite#7' as WishId, title: 'JSON output', description: 'd', requester: 'carol', currency: 'EUR', commitment: null, commitmentId: 'x', at })).wish;
  w = unwrap(quote(w, { amount: 100000, currency: 'EUR', delayDays: 14, by: 'evan', at })).wish;
  return unwrap(addPledge(w, { pledger: { source: 'slack', id: 'slack:U1', display: 'u1' }, amount: 50000, id: 'p1', at })).wish;
}

describe('every other Slack message', () => {
  const status = {
    company: { id: 'c1', name: 'Initech', visibility: 'anonymous', currency: 'EUR', budget: null },
    role: 'admin',
    period: '2026-11',
    budget: null,
    allocation: null,
    packages: [],
    owned: [],
    counts: { dependencies: 0, owned: 0, allocated: 0, inactive: 0, noMaintainer: 0, singleMaintainer: 0 },
  } as unknown as CompanyStatus;
  const wish = quotedWish();
  const paid = unwrap(markPledgePaid(wish, 'p1', at));
  const notices: Notice[] = wishNotices(paid.wish, paid.events);

  const messages: [string, unknown][] = [
    ...HELP_TOPICS.filter((t) => t !== 'github').map((t): [string, unknown] => [`help ${t}`, renderHelp(t)]),
    ['help', renderHelp(null)],
    ['status', renderStatus(status)],
    ['no dependencies', renderDependencies([], [])],
    ['no history', renderHistory('Initech', [], 'EUR')],
    ['no wishes', renderWishes('vitejs/vite', [])],
    ['wishes', renderWishes('vitejs/vite', [wish])],
    ['allocation saved', renderAllocationSaved([], null, '2026-11')],
    ['setup', replies.renderSetupDone('Initech')],
    ['budget', replies.renderBudgetSet({ budget: money(200000, 'EUR'), previous: null })],
    ['deps added', replies.renderDependenciesAdded({ added: ['npm:react'], alreadyDeclared: [], total: 1 })],
    ['deps removed', replies.renderDependenciesRemoved({ removed: [], notDeclared: ['npm:x'] })],
    ['own', replies.renderOwned({ removed: false, changed: ['npm:ours'], owned: ['npm:ours'] })],
    ['nothing to export', replies.renderNothingToExport()],
    ['export', replies.renderExport('https://upkeep.example/slack-downloads/t/upkeep-all.csv', null, 3)],
    ['visibility', replies.renderVisibility('identifiable')],
    ['token', replies.renderToken('upk_x', 'https://upkeep.example')],
    ['pledged', replies.renderPledged({ wish, amount: money(2500, 'EUR'), checkoutUrl: null, offline: true })],
    ['subscribed', replies.renderSubscribed({ what: 'wishes of vitejs/vite', created: true, withCompany: true })],
    ['admin granted', replies.renderAdminGranted('U1', 'Initech', false)],
    ['home without a company', homeView({ status: null, history: [] })],
    ['home', homeView({ status, history: [] })],
    ['allocation form', allocationModal({ companyName: 'Initech', dependencies: [], budget: null })],
    ['import form', importModal()],
    ['import pending', importPendingView()],
    ['import result', importResultView({ format: 'package.json', added: ['npm:react'], alreadyDeclared: [], ignored: [{ entry: 'x', reason: 'a local package' }] })],
    ['message modal', messageModal('Upkeep', 'Hello')],
    ...notices.map((n): [string, unknown] => [`notice ${n.kind}`, renderNotice(n)]),
  ];

  it.each(messages)('%s shows Slack syntax only', (what, message) => {
    expectSlackOnly(what, message);
  });

  it('the GitHub help topic is the one place issue commands appear, and says they go in GitHub comments', () => {
    expect(renderHelp('github').text).toMatch(/^Commands in GitHub issue comments/);
  });

  it('one pledger is not "1 pledgers"', () => {
    const text = JSON.stringify(renderWishes('vitejs/vite', [wish]));
    expect(text).toContain('1 pledger');
    expect(text).not.toContain('1 pledgers');
  });
});
