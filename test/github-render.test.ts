// What the GitHub App writes (replies, refusals with their hints, the status comment, the
// issues that explain an opt-in) shows GitHub's syntax only: never Slack's `/upkeep`, the CLI,
// or Discord's commands and mentions. And the refusal map covers every error code.
import { describe, expect, it } from 'vitest';
import { linkCommand } from '../bots/github/link-command.ts';
import type { CommentHandlerDeps, IssueComment } from '../bots/github/comment-handlers.ts';
import { commitmentReply, ERROR_LEAD, errorReply, explanationIssue, mergedButNotDelivered, optInIssue, pledgeReply, renderHint, statusCommentBody } from '../bots/github/render.ts';
import { announceOptIn } from '../core/opt-in/announcement.ts';
import { TERMS_VERSION, type OptInConfig } from '../core/opt-in/file.ts';
import { requireOptedInToQuote } from '../core/opt-in/quoting.ts';
import { DOMAIN_ERROR_CODES, DomainError, type ErrorHint } from '../core/errors.ts';
import { money } from '../core/money.ts';
import type { OptInExplanation, OptInExplanationCode } from '../core/opt-in/decision.ts';
import type { PackageId } from '../core/packages.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { InboundLog } from '../core/ports/inbound.ts';
import { addPledge, openWish, quote, type Wish, type WishId } from '../core/wishlist.ts';
import { WISH_STATUSES } from '../core/wishlist/wish.ts';

/** Syntax of the other front-ends: Slack's command and markup, the CLI, Discord's commands and mentions. */
const FOREIGN = [
  /(?:^|[\s`("'])\/upkeep\b/m, // Slack's command (not `.github/upkeep.yml`)
  /npm run upkeep/,
  /\/wishlist\b/,
  /\/link github\b/,
  /\/(?:un)?subscribe\b/,
  /<[@#!][A-Z0-9]+>/, // Slack and Discord mentions
  /<https?:[^>|]*\|[^>]*>/, // Slack links
];
function expectGithubOnly(text: string): void {
  for (const re of FOREIGN) expect(text, `${re} in:\n${text}`).not.toMatch(re);
}

const HINTS: (ErrorHint | null)[] = [
  null,
  { surface: 'issue', command: 'quote <amount> [currency] <delay>', example: 'quote 1,500 EUR 3w' },
  { surface: 'issue', command: 'wish [amount]' },
  { surface: 'company', command: 'allocate <pkg>=<points> ...', example: 'allocate npm:react=34 npm:vite=33 pypi:requests=33' },
];

describe('refusals on GitHub', () => {
  it('have a lead for every error code, and only for those', () => {
    expect(Object.keys(ERROR_LEAD).sort()).toEqual([...DOMAIN_ERROR_CODES].sort());
  });

  it.each(DOMAIN_ERROR_CODES)('%s: the lead, the plain message and a GitHub hint only', (code) => {
    for (const hint of HINTS) {
      const text = errorReply('ada', new DomainError(code, 'That cannot be done.', {}, hint));
      expect(text.startsWith(`@ada ${ERROR_LEAD[code]}: That cannot be done.`)).toBe(true);
      expectGithubOnly(text);
    }
  });

  it('render an issue hint as the comment to write, and leave a company hint out', () => {
    expect(renderHint(HINTS[1]!)).toBe('Write `/quote <amount> [currency] <delay>` in a comment, e.g. `/quote 1,500 EUR 3w`.');
    expect(renderHint(HINTS[2]!)).toBe('Write `/wish [amount]` in a comment.');
    expect(renderHint(HINTS[3]!)).toBeNull();
    expect(renderHint(null)).toBeNull();
    expect(errorReply('ada', new DomainError('invalid_delay', 'The delay is missing.', {}, HINTS[1]!))).toBe(
      '@ada ⚠️ Could not understand that: The delay is missing. Write `/quote <amount> [currency] <delay>` in a comment, e.g. `/quote 1,500 EUR 3w`.',
    );
    expect(errorReply('ada', new DomainError('allocation_points_total', 'The points must sum to 100.', {}, HINTS[3]!))).toBe('@ada ⚠️ Could not understand that: The points must sum to 100.');
  });
});

const at = new Date('2026-11-21T10:00:00Z');
function wishIn(status: Wish['status']): Wish {
  const id = 'acme/ui#7' as WishId;
  let w = openWish({ id, title: 'Dark mode', description: '', requester: 'alice', currency: 'EUR', commitment: 500, at });
  if (!w.ok) throw w.error;
  const q = quote(w.value.wish, { amount: 30_000, currency: 'EUR', delayDays: 14, by: 'maint', at });
  if (!q.ok) throw q.error;
  const p = addPledge(q.value.wish, { pledger: { source: 'discord', id: '42', display: 'Bo' }, amount: 2_500, at });
  if (!p.ok) throw p.error;
  w = p;
  return { ...w.value.wish, status, deliveredBy: status === 'delivered' ? 12 : null, spec: { text: 'Use CSS variables.', author: 'maint', at } } as Wish;
}

describe('the status comment', () => {
  it.each(WISH_STATUSES)('%s: GitHub syntax only', (status) => {
    for (const offline of [true, false]) expectGithubOnly(statusCommentBody(wishIn(status), { publicUrl: 'https://upkeep.example', offline }));
  });

  it('says how to pledge only while the wish accepts pledges', () => {
    for (const status of WISH_STATUSES) {
      const body = statusCommentBody(wishIn(status), { publicUrl: 'https://upkeep.example', offline: false });
      expect(body.includes('**How to pledge:**'), status).toBe(status === 'open' || status === 'quoted');
    }
  });
});

describe('replies and explanations', () => {
  const refusal = new DomainError('invalid_optin', 'acme/ui has no opted-in maintainers.');
  const texts = [
    commitmentReply('ada', money(5_000, 'EUR'), { checkoutUrl: null, offline: true }),
    commitmentReply('ada', money(5_000, 'EUR'), { checkoutUrl: 'https://checkout.example/c/1', offline: false }),
    pledgeReply('ada', money(2_500, 'EUR'), { checkoutUrl: null, offline: true }),
    pledgeReply('ada', money(2_500, 'EUR'), { checkoutUrl: 'https://checkout.example/c/2', offline: false }),
    mergedButNotDelivered(12, refusal),
  ];
  it.each(texts.map((t) => [t]))('%s', (text) => expectGithubOnly(text));

  it('word the amounts and the offline mode', () => {
    expect(texts[0]).toBe('@ada your commitment of €50.00 is recorded (offline mode: the platform operator settles it).');
    expect(texts[3]).toBe('@ada thank you! Your pledge of €25.00 is recorded. Pay it here: https://checkout.example/c/2');
    expect(texts[4]).toBe('#12 was merged, but the wish could not be marked delivered: acme/ui has no opted-in maintainers.');
  });

  const explanations = {
    invalid_file: { code: 'invalid_file', problems: ['`maintainers`: the shares sum to 90; they must sum to exactly 100.'] },
    no_licence: { code: 'no_licence', reported: 'NOASSERTION' },
    packages_claimed: { code: 'packages_claimed', conflicts: [{ package: 'npm:react' as PackageId, repository: 'other/repo' }] },
  } as const satisfies { [C in OptInExplanationCode]: Extract<OptInExplanation, { code: C }> };

  it.each(Object.values(explanations))('the $code issue', (x) => {
    const issue = explanationIssue(x, { defaultBranch: 'main' });
    expect(issue.title).toMatch(/^Upkeep: /);
    expectGithubOnly(`${issue.title}\n${issue.body}`);
  });

  it('the invalid file issue lists the problems and a valid example', () => {
    const { body } = explanationIssue(explanations.invalid_file, { defaultBranch: 'trunk' });
    expect(body).toContain('`.github/upkeep.yml` on `trunk`');
    expect(body).toContain('- `maintainers`: the shares sum to 90');
    expect(body).toMatch(/```yaml\npackages: \[npm:your-package\][\s\S]*accept_terms: 1\n```/);
    expect(explanationIssue(explanations.no_licence, { defaultBranch: 'main' }).body).toContain('(it reports `NOASSERTION`)');
  });
});

describe('the opt-in issue and the /quote refusal', () => {
  const config = (maintainers: Record<string, number>, packages: string[]): OptInConfig => ({
    packages: packages as PackageId[],
    maintainers: Object.entries(maintainers).map(([login, share]) => ({ login, share })),
    termsVersion: TERMS_VERSION,
    description: null,
    needs: null,
    contact: null,
  });
  const before = config({ maint: 70, carol: 30 }, ['npm:acme-widgets', 'pypi:acme-widgets']);
  const ctx = { defaultBranch: 'main', accountUrl: 'https://upkeep.example/account' };

  it('confirms an opt-in with its packages, maintainers and shares, and where to connect payouts', () => {
    const issue = optInIssue(announceOptIn(null, before)!, ctx);
    expect(issue.title).toBe('Upkeep: this repository is opted in');
    expect(issue.body).toContain('This repository is opted in to Upkeep from `.github/upkeep.yml` on `main`.');
    expect(issue.body).toContain('- `npm:acme-widgets`\n- `pypi:acme-widgets`');
    expect(issue.body).toContain('| @maint | 70% |\n| @carol | 30% |');
    expect(issue.body).toContain('signs in with GitHub at https://upkeep.example/account to connect a payout account');
    expectGithubOnly(`${issue.title}\n${issue.body}`);
  });

  it('marks a listed package another repository claimed first, and names the commit when known', () => {
    const { body } = optInIssue(announceOptIn(null, before)!, { ...ctx, revision: 'abcdef0123456789', conflicts: [{ package: 'pypi:acme-widgets', repository: 'other/repo' }] });
    expect(body).toContain('on `main` (abcdef0)');
    expect(body).toContain('- `pypi:acme-widgets` — stays with other/repo, which listed it first');
    expect(body).toContain('- `npm:acme-widgets`\n');
  });

  it('says what a change of the file changed, then the opt-in as it is now', () => {
    const after = config({ maint: 50, carol: 30, dave: 20 }, ['npm:acme-widgets', 'cargo:acme']);
    const issue = optInIssue(announceOptIn(config({ maint: 70, carol: 20, bob: 10 }, before.packages), after)!, ctx);
    expect(issue.title).toBe('Upkeep: the opt-in of this repository changed');
    expect(issue.body).toContain(
      [
        '- package `cargo:acme` added',
        '- package `pypi:acme-widgets` removed (its money no longer comes here)',
        '- @dave joins with 20%',
        '- @bob leaves (had 10%; what they earned stays theirs)',
        '- @carol: 20% → 30%',
        '- @maint: 70% → 50%',
      ].join('\n'),
    );
    expect(issue.body).toContain('| @maint | 50% |\n| @carol | 30% |\n| @dave | 20% |');
    expect(issue.body).toContain('https://upkeep.example/account');
    expectGithubOnly(`${issue.title}\n${issue.body}`);
  });

  it('refuses /quote in a repository that has not opted in with the file to add, as a YAML example', () => {
    let e: unknown;
    try {
      requireOptedInToQuote(null, 'acme/new#3' as WishId);
    } catch (x) {
      e = x;
    }
    const text = errorReply('Maint', e as DomainError);
    expect(text).toMatch(/^@Maint ⛔ Not possible now: acme\/new has not opted in to Upkeep: it has no valid \.github\/upkeep\.yml on its default branch/);
    expect(text).toContain('A minimal `.github/upkeep.yml` on the default branch:\n```yaml\npackages: [npm:your-package]\nmaintainers:\n  alice: 60\n  bob: 40\naccept_terms: 1\n```');
    expectGithubOnly(text);
  });
});

describe('the /link reply', () => {
  const memoryInbound = (): InboundLog => {
    const rows = new Set<string>();
    return {
      claim: async (s, id) => (rows.has(`${s}|${id}`) ? false : (rows.add(`${s}|${id}`), true)),
      seen: async (s, id) => rows.has(`${s}|${id}`),
      release: async (s, id) => void rows.delete(`${s}|${id}`),
    };
  };
  const deps = (): CommentHandlerDeps => ({
    inbound: memoryInbound(),
    clock: fixedClock(at),
    hashToken: (s) => `h:${s}`,
    identityLinks: { findByCodeHash: async () => null } as unknown as CommentHandlerDeps['identityLinks'],
  });
  const comment = (body: string, commentId = 1): IssueComment => ({ repo: 'acme/ui' as IssueComment['repo'], issueNumber: 7, commentId, author: 'Ada', body, created: true, deliveryId: 'd' });

  it('without a code, says where the code comes from, in GitHub syntax only', async () => {
    const replies: string[] = [];
    expect(await linkCommand(comment('/link'), { deps: deps(), reply: async (t) => void replies.push(t) })).toBe(true);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('`/link <code>`');
    expect(replies[0]).toContain('Discord');
    expectGithubOnly(replies[0]!);
  });

  it('a refused code is answered once, in GitHub syntax only', async () => {
    const d = deps();
    const replies: string[] = [];
    const tools = { deps: d, reply: async (t: string) => void replies.push(t) };
    await linkCommand(comment('/link ABCD-EFGH-JKMN-PQRS', 2), tools);
    await linkCommand(comment('/link ABCD-EFGH-JKMN-PQRS', 2), tools);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@Ada /);
    expectGithubOnly(replies[0]!);
  });
});
