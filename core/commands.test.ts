import { describe, expect, it } from 'vitest';
import {
  closest,
  HELP_GROUPS,
  HELP_TOPICS,
  helpText,
  helpTexts,
  ISSUE_COMMANDS,
  parseCompanyCommand,
  parseIssueCommands,
  SUBCOMMANDS,
  type CompanyCommand,
  type WishCommand,
} from './commands.ts';
import type { Result } from './errors.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const parse = (text: string) => parseCompanyCommand(text, 'EUR');

describe('parseCompanyCommand: accepted', () => {
  const cases: [string, CompanyCommand][] = [
    ['', { type: 'help', topic: null }],
    ['   ', { type: 'help', topic: null }],
    ['help', { type: 'help', topic: null }],
    ['HELP Allocate', { type: 'help', topic: 'allocate' }],
    ['help github', { type: 'help', topic: 'github' }],
    ['help deps add', { type: 'help', topic: 'deps' }],
    ['setup Acme Inc', { type: 'setup', name: 'Acme Inc' }],
    ['setup   "Acme  &amp; Co" ', { type: 'setup', name: 'Acme  & Co' }],
    ['budget 2000', { type: 'budget', amount: eur(200_000) }],
    ['budget 2,000.50', { type: 'budget', amount: eur(200_050) }],
    ['budget 1.500,50 EUR', { type: 'budget', amount: eur(150_050) }],
    ['Budget 2000.5 eur', { type: 'budget', amount: eur(200_050) }],
    ['deps add npm:react pypi:Foo_Bar', { type: 'deps_add', packages: ['npm:react', 'pypi:foo-bar'] as never }],
    ['deps add npm:react, npm:React npm:vite', { type: 'deps_add', packages: ['npm:react', 'npm:vite'] as never }],
    ['deps remove cargo:serde', { type: 'deps_remove', packages: ['cargo:serde'] as never }],
    ['deps list', { type: 'deps_list' }],
    ['deps', { type: 'deps_list' }],
    ['deps import', { type: 'deps_import' }],
    ['own npm:acme-ui', { type: 'own', packages: ['npm:acme-ui'] as never }],
    ['own add npm:acme-ui gem:acme', { type: 'own', packages: ['npm:acme-ui', 'gem:acme'] as never }],
    ['own remove npm:acme-ui', { type: 'own_remove', packages: ['npm:acme-ui'] as never }],
    ['allocate', { type: 'allocate', lines: null }],
    [
      'allocate npm:react=34 npm:vite=33 pypi:requests=33',
      {
        type: 'allocate',
        lines: [
          { package: 'npm:react', points: 34 },
          { package: 'npm:vite', points: 33 },
          { package: 'pypi:requests', points: 33 },
        ] as never,
      },
    ],
    ['status', { type: 'status' }],
    ['history', { type: 'history' }],
    ['token', { type: 'token' }],
    ['billing', { type: 'billing' }],
    ['receipt 2026-11', { type: 'receipt', period: '2026-11' as never }],
    ['export', { type: 'export', period: null }],
    ['export 2026-01', { type: 'export', period: '2026-01' as never }],
    ['visibility identifiable', { type: 'visibility', visibility: 'identifiable' }],
    ['visibility Anonymous', { type: 'visibility', visibility: 'anonymous' }],
    ['wishes vitejs/vite', { type: 'wishes', repo: 'vitejs/vite' as never }],
    ['wishes <https://github.com/Vitejs/Vite|github.com/Vitejs/Vite>', { type: 'wishes', repo: 'vitejs/vite' as never }],
    ['pledge vitejs/vite#42 500', { type: 'pledge', wish: 'vitejs/vite#42' as never, amount: eur(50_000) }],
    ['pledge https://github.com/vitejs/vite/issues/42 12.50 EUR', { type: 'pledge', wish: 'vitejs/vite#42' as never, amount: eur(1_250) }],
    ['subscribe npm:react', { type: 'subscribe', target: { kind: 'package', package: 'npm:react' as never } }],
    ['subscribe go:github.com/spf13/cobra', { type: 'subscribe', target: { kind: 'package', package: 'go:github.com/spf13/cobra' as never } }],
    ['subscribe vitejs/vite', { type: 'subscribe', target: { kind: 'repo', repo: 'vitejs/vite' as never } }],
    ['subscribe https://github.com/vitejs/vite', { type: 'subscribe', target: { kind: 'repo', repo: 'vitejs/vite' as never } }],
    ['admin grant <@U0123ABCD>', { type: 'admin_grant', userId: 'U0123ABCD' }],
    ['admin grant <@U0123ABCD|dana>', { type: 'admin_grant', userId: 'U0123ABCD' }],
    ['admin grant W0123ABCD', { type: 'admin_grant', userId: 'W0123ABCD' }],
    ['pledge withdraw vitejs/vite#42', { type: 'pledge_withdraw', wish: 'vitejs/vite#42' as never }],
    ['pledge WITHDRAW https://github.com/vitejs/vite/issues/42', { type: 'pledge_withdraw', wish: 'vitejs/vite#42' as never }],
    ['pledges', { type: 'pledges' }],
    ['unsubscribe npm:react', { type: 'unsubscribe', target: { kind: 'package', package: 'npm:react' as never } }],
    ['unsubscribe https://github.com/vitejs/vite', { type: 'unsubscribe', target: { kind: 'repo', repo: 'vitejs/vite' as never } }],
    ['subscriptions', { type: 'subscriptions' }],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parse(text)).toEqual({ ok: true, value: expected });
  });

  it('accepts every subcommand in some form', () => {
    const seen = new Set(cases.map(([text]) => text.trim().split(/\s+/)[0]!.toLowerCase()).filter(Boolean));
    for (const s of SUBCOMMANDS) expect(seen).toContain(s);
  });
});

describe('parseCompanyCommand: refused', () => {
  it.each([
    // unknown or malformed grammar
    ['budjet 2000', 'invalid_command'],
    ['frobnicate', 'invalid_command'],
    ['setup', 'invalid_command'],
    ['setup ""', 'invalid_command'],
    [`setup ${'x'.repeat(101)}`, 'invalid_command'],
    ['budget', 'invalid_command'],
    ['deps add', 'invalid_command'],
    ['deps remove', 'invalid_command'],
    ['deps frob npm:react', 'invalid_command'],
    ['deps npm:react', 'invalid_command'],
    ['deps list npm:react', 'invalid_command'],
    ['deps import now', 'invalid_command'],
    ['own', 'invalid_command'],
    ['own remove', 'invalid_command'],
    ['status now', 'invalid_command'],
    ['history all', 'invalid_command'],
    ['token please', 'invalid_command'],
    ['billing now', 'invalid_command'],
    ['receipt', 'invalid_command'],
    ['receipt 2026-11 2026-12', 'invalid_command'],
    ['export 2026-11 2026-12', 'invalid_command'],
    ['visibility', 'invalid_command'],
    ['visibility public', 'invalid_command'],
    ['wishes', 'invalid_command'],
    ['wishes a/b c/d', 'invalid_command'],
    ['pledge', 'invalid_command'],
    ['pledge vitejs/vite#42', 'invalid_command'],
    ['subscribe', 'invalid_command'],
    ['unsubscribe', 'invalid_command'],
    ['unsubscribe a/b c/d', 'invalid_command'],
    ['subscriptions all', 'invalid_command'],
    ['pledges mine', 'invalid_command'],
    ['pledge withdraw', 'invalid_command'],
    ['pledge withdraw a/b#1 a/b#2', 'invalid_command'],
    ['pledge withdraw vitejs/vite', 'invalid_input'],
    ['unsubscribe react', 'invalid_input'],
    ['admin', 'invalid_command'],
    ['admin revoke <@U0123ABCD>', 'invalid_command'],
    ['admin grant', 'invalid_command'],
    ['help nonsense', 'invalid_command'],
    // each argument's own parser
    ['budget abc', 'invalid_amount'],
    ['budget -5', 'invalid_amount'],
    ['budget 0', 'invalid_amount'],
    ['budget 20 USD', 'wrong_currency'],
    ['deps add react', 'invalid_package'],
    ['own left-pad', 'invalid_package'],
    ['allocate npm:react', 'allocation_invalid_points'],
    ['allocate react=34', 'invalid_package'],
    ['receipt 2026-13', 'invalid_period'],
    ['export november', 'invalid_period'],
    ['wishes vitejs', 'invalid_input'],
    ['pledge vitejs/vite 50', 'invalid_input'],
    ['pledge vitejs/vite#42 -5', 'invalid_amount'],
    ['pledge vitejs/vite#42 5 USD', 'wrong_currency'],
    ['subscribe react', 'invalid_input'],
    ['subscribe npm:', 'invalid_package'],
    ['admin grant dana', 'invalid_input'],
    ['admin grant <@U0123ABCD', 'invalid_input'],
  ])('%j → %s', (text, code) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.userMessage.length).toBeGreaterThan(10);
    }
  });

  it('suggests the closest subcommand and points to help', () => {
    const r = parse('budjet 2000');
    expect(!r.ok && r.error.userMessage).toMatch(/Did you mean `budget`\?/);
    expect(!r.ok && r.error.hint).toEqual({ surface: 'company', command: 'help' });
    expect(!r.ok && r.error.details).toMatchObject({ word: 'budjet', suggestion: 'budget' });
    const far = parse('frobnicate');
    expect(!far.ok && far.error.userMessage).not.toContain('Did you mean');
    expect(!far.ok && far.error.hint).toEqual({ surface: 'company', command: 'help' });
    const sub = parse('deps remvoe npm:react');
    expect(!sub.ok && sub.error.userMessage).toMatch(/Did you mean `remove`\?/);
    expect(!sub.ok && sub.error.hint).toEqual({ surface: 'company', command: 'help deps' });
  });

  it('reports every invalid package at once', () => {
    const r = parse('deps add npm:react react pypi:ok left-pad');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_package');
    expect(r.error.userMessage).toMatch(/^2 packages are not valid/);
    expect(r.error.userMessage).toContain('"react"');
    expect(r.error.userMessage).toContain('"left-pad"');
    expect(r.error.details).toMatchObject({ invalid: [{ input: 'react' }, { input: 'left-pad' }] });
  });

  it('shows the usage on a missing argument', () => {
    const r = parse('receipt');
    expect(!r.ok && r.error.userMessage).toBe('Give the month.');
    expect(!r.ok && r.error.hint).toEqual({ surface: 'company', command: 'receipt <YYYY-MM>', example: 'receipt 2026-11' });
  });
});

describe('closest', () => {
  it.each([
    ['budjet', 'budget'],
    ['alocate', 'allocate'],
    ['recipt', 'receipt'],
    ['stat', 'status'],
    ['wish', 'wishes'],
    ['xyz', null],
  ])('%s → %s', (word, expected) => expect(closest(word, SUBCOMMANDS)).toBe(expected));
});

// ---------------------------------------------------------------------------------------

const issue = (body: string) => parseIssueCommands(body, 'EUR');
const values = (rs: Result<WishCommand>[]) => rs.map((r) => (r.ok ? r.value : r.error.code));

describe('parseIssueCommands', () => {
  it.each<[string, (WishCommand | string)[]]>([
    ['', []],
    ['Looks great, thanks!', []],
    ['/wish', [{ type: 'wish', amount: null }]],
    ['/wish 50', [{ type: 'wish', amount: eur(5_000) }]],
    ['/wish 0', [{ type: 'wish', amount: null }]],
    ['/WISH 12,50', [{ type: 'wish', amount: eur(1_250) }]],
    ['/quote 1,500 EUR 3w', [{ type: 'quote', amount: eur(150_000), delayDays: 21 }]],
    ['/quote 1.500,50 2 weeks', [{ type: 'quote', amount: eur(150_050), delayDays: 14 }]],
    ['/quote 800 10d', [{ type: 'quote', amount: eur(80_000), delayDays: 10 }]],
    ['/quote 1500 EUR 14 days', [{ type: 'quote', amount: eur(150_000), delayDays: 14 }]],
    ['/quote 2000 1 month', [{ type: 'quote', amount: eur(200_000), delayDays: 30 }]],
    ['/pledge 25', [{ type: 'pledge', amount: eur(2_500) }]],
    ['/pledge 25 EUR', [{ type: 'pledge', amount: eur(2_500) }]],
    ['/start', [{ type: 'start' }]],
    ['/start — on it this week', [{ type: 'start' }]],
    ['/deliver', [{ type: 'deliver', pr: null }]],
    ['/deliver #123', [{ type: 'deliver', pr: 123 }]],
    ['/deliver 123', [{ type: 'deliver', pr: 123 }]],
    ['/deliver https://github.com/octo/widgets/pull/9 merged!', [{ type: 'deliver', pr: 9 }]],
    ['/deliver shipped in the last release', [{ type: 'deliver', pr: null }]],
    ['/cancel', [{ type: 'cancel' }]],
    // surrounding text, leading whitespace, CRLF
    ['Thanks for the report.\r\n   /quote 800 10d\r\nLet me know.', [{ type: 'quote', amount: eur(80_000), delayDays: 10 }]],
    ['\t/pledge 10', [{ type: 'pledge', amount: eur(1_000) }]],
    // several commands in one comment, in order
    ['/wish 5\n\n/pledge 10', [{ type: 'wish', amount: eur(500) }, { type: 'pledge', amount: eur(1_000) }]],
    // quoted replies are someone else's words
    ['> /quote 100 3w\nI disagree with this quote.', []],
    ['>> /cancel\n  > /pledge 5', []],
    // code blocks
    ['Try this:\n```\n/quote 100 3w\n```\nok', []],
    ['```sh\n/cancel\n```\n/pledge 5', [{ type: 'pledge', amount: eur(500) }]],
    ['~~~\n/cancel\n```\n/still-code\n~~~\n/start', [{ type: 'start' }]],
    ['````md\n```\n/cancel\n```\n````\n/start', [{ type: 'start' }]],
    ['```\n/cancel (unclosed fence)', []],
    ['<!-- /cancel -->\n/start', [{ type: 'start' }]],
    // not commands
    ['/usr/bin/env node', []],
    ['/assign @maya', []],
    ['/starting soon', []],
    ['Please /quote 100 3w', []],
    ['`/quote 100 3w`', []],
    // errors per argument parser
    ['/quote', ['invalid_command']],
    ['/quote 800', ['invalid_command']],
    ['/quote 800 EUR', ['invalid_command']],
    ['/quote 2 weeks', ['invalid_command']],
    ['/quote 800 0d', ['invalid_delay']],
    ['/quote 800 3 fortnights', ['invalid_delay']],
    ['/quote 800 1000d', ['invalid_delay']],
    ['/quote abc 3w', ['invalid_amount']],
    ['/quote 0 3w', ['invalid_amount']],
    ['/quote 800 USD 3w', ['wrong_currency']],
    ['/pledge', ['invalid_command']],
    ['/pledge -5', ['invalid_amount']],
    ['/pledge 5 USD', ['wrong_currency']],
    ['/wish lots', ['invalid_amount']],
    ['/deliver #abc', ['invalid_input']],
    ['/spec', ['invalid_command']],
    ['/spec   \n  ', ['invalid_command']],
  ])('%j', (body, expected) => {
    expect(values(issue(body))).toEqual(expected);
  });

  it('takes the rest of the comment as the spec, commands included', () => {
    const body = 'Here is the plan.\n/spec Add a `--json` flag.\n\n- prints one object per line\n/cancel is not a command here\n```\ncode\n```';
    expect(values(issue(body))).toEqual([
      { type: 'spec', text: 'Add a `--json` flag.\n\n- prints one object per line\n/cancel is not a command here\n```\ncode\n```' },
    ]);
  });

  it('keeps commands before the spec', () => {
    expect(values(issue('/quote 800 10d\n/spec\nDo it'))).toEqual([
      { type: 'quote', amount: eur(80_000), delayDays: 10 },
      { type: 'spec', text: 'Do it' },
    ]);
  });

  it('returns errors alongside valid commands, with the usage', () => {
    const rs = issue('/pledge 5\n/quote 800');
    expect(rs[0]!.ok).toBe(true);
    expect(!rs[1]!.ok && rs[1]!.error.hint).toEqual({ surface: 'issue', command: 'quote <amount> [currency] <delay>', example: 'quote 1,500 EUR 3w' });
  });
});

describe('help', () => {
  it('lists every subcommand, grouped by task, in under 1,200 characters', () => {
    const text = helpText(null, { prefix: '/upkeep ' });
    for (const s of SUBCOMMANDS) expect(text).toContain(`\`/upkeep ${s}`);
    expect(text.length).toBeLessThanOrEqual(1200);
    expect(HELP_GROUPS.map((g) => g.title)).toEqual(['Getting started', 'Dependencies & allocation', 'Money & receipts', 'Wishes', 'Channel notices', 'Admin']);
    for (const g of HELP_GROUPS) expect(text).toContain(`${g.title}: `);
    // Each command but help sits in exactly one group.
    const firstWords = HELP_GROUPS.flatMap((g) => g.commands.map((c) => c.split(' ')[0]!));
    for (const s of SUBCOMMANDS.filter((x) => x !== 'help')) expect(firstWords.filter((w) => w === s).length, s).toBeGreaterThanOrEqual(1);
    expect(new Set(HELP_GROUPS.flatMap((g) => g.commands)).size).toBe(HELP_GROUPS.flatMap((g) => g.commands).length);
  });

  it('every topic gives its usage and an example; pledge also gives pledge withdraw', () => {
    for (const s of SUBCOMMANDS) expect(helpText(s, { prefix: '/upkeep ' }), s).toMatch(/\nExample: `\/upkeep /);
    expect(helpText('pledge', { prefix: '/upkeep ' })).toContain('`/upkeep pledge withdraw <owner/repo#n>`');
  });

  it('has a text per topic, the GitHub commands included', () => {
    const texts = helpTexts('/upkeep ');
    for (const t of HELP_TOPICS) expect(texts[t]).toBe(helpText(t, { prefix: '/upkeep ' }));
    expect(texts.all).toBe(helpText(null, { prefix: '/upkeep ' }));
    expect(texts.allocate).toMatch(/allocate <pkg>=<points>.*\nExample: `\/upkeep allocate npm:react=34/s);
    for (const c of ['/wish', '/spec', '/quote', '/pledge', '/start', '/deliver', '/cancel']) expect(texts.github).toContain(`\`${c}`);
    expect(ISSUE_COMMANDS.map((c) => `/${c}`)).toEqual(['/wish', '/spec', '/quote', '/pledge', '/start', '/deliver', '/cancel']);
  });

  it('uses the given prefix', () => {
    expect(helpText('status', { prefix: 'upkeep ' })).toContain('`upkeep status`');
  });

  it('every example in help parses', () => {
    for (const line of SUBCOMMANDS.flatMap((s) => helpText(s, { prefix: '' }).split('\n'))) {
      const m = /Example: `([^`]+)`/.exec(line);
      if (!m || m[1]!.startsWith('admin grant')) continue; // a mention is rendered by Slack as <@U…>
      expect(parse(m[1]!).ok, m[1]).toBe(true);
    }
    for (const line of helpText('github', { prefix: '' }).split('\n')) {
      const m = /Example: `([^`]+)`/.exec(line);
      if (m && !m[1]!.includes('…')) expect(issue(m[1]!).every((r) => r.ok), m[1]).toBe(true);
    }
  });
});
