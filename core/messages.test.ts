// No core message carries a platform's syntax: Slack's `/upkeep …`, GitHub's `/quote …`, the
// CLI's `npm run upkeep -- …` are each front-end's to add, from the error's hint. Two nets: every
// refusal reachable from the pure rules and use-cases below, and a scan of core's sources.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closability } from './closability.ts';
import { HELP_TOPICS, ISSUE_COMMANDS, ISSUE_USAGE, SUBCOMMANDS, USAGE, parseCompanyCommand, parseIssueCommands } from './commands.ts';
import { importDependencies } from './dependency-import.ts';
import { DomainError, isDomainError, type ErrorHint, type Result } from './errors.ts';
import { money } from './money.ts';
import type { Period } from './period.ts';
import type { Company, CompanyStore } from './ports/companies.ts';
import type { Notice } from './ports/notifications.ts';
import type { Payment, PaymentProvider, PaymentStore } from './ports/payments.ts';
import { addDependencies } from './use-cases/add-dependencies.ts';
import { authenticateCompany } from './use-cases/authenticate-company.ts';
import { refuseUnclosable } from './use-cases/close-period.ts';
import { declareOwned } from './use-cases/declare-owned.ts';
import { grantAdmin } from './use-cases/grant-admin.ts';
import { confirmIdentityLink } from './use-cases/link-identity.ts';
import { budgetCollector } from './use-cases/payments/collect-budgets.ts';
import { markPaymentPaid } from './use-cases/payments/mark-payment-paid.ts';
import { sendPayouts } from './use-cases/payments/send-payouts.ts';
import { removeDependencies } from './use-cases/remove-dependencies.ts';
import { requireCompany } from './use-cases/require-company.ts';
import { setAllocation } from './use-cases/set-allocation.ts';
import { setBudget } from './use-cases/set-budget.ts';
import { setVisibility } from './use-cases/set-visibility.ts';
import { setupCompany } from './use-cases/setup-company.ts';
import { getWish } from './use-cases/wishes/get-wish.ts';
import { openWish as openWishUseCase } from './use-cases/wishes/open-wish.ts';
import * as wishlist from './wishlist.ts';
import type { Wish, WishId } from './wishlist.ts';

/** Syntax of a platform's commands, in a message meant for every platform. */
const PLATFORM_SYNTAX: readonly [string, RegExp][] = [
  ['a Slack slash command', /(^|[^\w])\/upkeep\b/],
  ['a mention of the bot', /@upkeep\b/i],
  ['an inline slash command', /`\//],
  ['a GitHub comment command', /(^|[\s(])\/(wish|spec|quote|pledge|start|deliver|cancel|link)\b/],
  ['the CLI', /npm run upkeep|payments:list|payouts:link/],
];

function syntaxIn(text: string): string[] {
  return PLATFORM_SYNTAX.filter(([, re]) => re.test(text)).map(([what]) => what);
}

/** A hint is grammar without prefix: the front-end adds `/upkeep `, `/` or `npm run upkeep -- `. */
function hintProblems(hint: ErrorHint | null): string[] {
  if (!hint) return [];
  return [hint.command, hint.example ?? ''].filter((s) => /^(\/|upkeep\b|npm\b)/.test(s) || syntaxIn(s).length > 0);
}

const T0 = new Date('2026-11-15T12:00:00Z');
const WISH = 'acme/ui#7' as WishId;
const company: Company = { id: 'c-1', name: 'Acme', workspace: 'slack:T1', budget: 100_000, currency: 'EUR', visibility: 'anonymous', createdAt: T0 };
const admin = { userRef: 'slack:U1', workspace: 'slack:T1' };

/** A company store where the actor is an admin of Acme, whose allocation funds npm:react. */
function companies(overrides: Partial<CompanyStore> = {}): CompanyStore {
  const base: Partial<CompanyStore> = {
    findByWorkspace: async () => company,
    findById: async () => company,
    roleOf: async () => 'admin',
    dependencies: async () => [],
    ownedPackages: async () => [],
    standingAllocation: async () => ({ lines: [{ package: 'npm:react' as never, points: 34 }], createdAt: T0, createdBy: 'slack:U1' }),
    findByTokenHash: async () => null,
    create: async () => null,
  };
  return { ...base, ...overrides } as CompanyStore;
}

/** Wishes in every status, built through the transitions. */
function wishesInEveryStatus(): Wish[] {
  const v = <T>(r: Result<T>): T => {
    if (!r.ok) throw r.error;
    return r.value;
  };
  const open = v(wishlist.openWish({ id: WISH, title: 'Dark mode', description: '', requester: 'carol', currency: 'EUR', commitment: 500, at: T0 })).wish;
  const quoted = v(wishlist.quote(open, { amount: 1_000, currency: 'EUR', delayDays: 7, by: 'maya', at: T0 })).wish;
  const pledged = v(wishlist.addPledge(quoted, { pledger: { source: 'slack', id: 'U2', display: 'u2' }, amount: 500, id: 'p2', at: T0 })).wish;
  const funded = v(wishlist.markPledgePaid(v(wishlist.markPledgePaid(pledged, `${WISH}/1`, T0)).wish, 'p2', T0)).wish;
  const started = v(wishlist.start(funded, { by: 'maya', at: T0 })).wish;
  const delivered = v(wishlist.deliver(started, { by: 'maya', at: T0 })).wish;
  const cancelled = v(wishlist.cancel(quoted, { by: 'maya', at: T0 })).wish;
  const expired = v(wishlist.expire(quoted, new Date(T0.getTime() + 61 * 86_400_000))).wish;
  return [open, quoted, funded, started, delivered, cancelled, expired];
}

/** Every refusal we can reach without a database. */
async function reachableRefusals(): Promise<DomainError[]> {
  const errors: DomainError[] = [];
  const collect = (r: Result<unknown>) => void (!r.ok && errors.push(r.error));
  const rejects = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (!isDomainError(e)) throw e;
      errors.push(e);
      return;
    }
    throw new Error('expected a refusal');
  };

  // The company grammar: unknown words, missing and extra arguments, bad values.
  const companyInputs = [
    'budjet 2000', 'frobnicate', 'deps', 'deps remvoe npm:react', 'deps npm:react', 'deps add', 'deps list x', 'own', 'own remove',
    'allocate npm:react', 'allocate npm:react=abc', 'status now', 'history x', 'token x', 'receipt', 'receipt 2026-13', 'receipt a b',
    'export a b', 'visibility', 'visibility anonymus', 'wishes', 'wishes not-a-repo', 'pledge', 'pledge vitejs/vite#1', 'pledge x 5',
    'subscribe', 'subscribe react', 'admin', 'admin revoke @x', 'admin grant', 'admin grant dana', 'help nothing', 'setup', 'budget',
    'budget abc', 'budget 5 USD', `setup ${'x'.repeat(101)}`, 'deps add react left-pad',
  ];
  for (const text of companyInputs) collect(parseCompanyCommand(text, 'EUR'));
  // GitHub comments.
  const comment = ['/quote', '/quote 800', '/quote 800 EUR', '/quote 2 weeks', '/quote 800 0d', '/quote abc 3w', '/quote 800 USD 3w', '/pledge', '/pledge -5', '/wish lots', '/deliver #abc', '/spec'];
  for (const body of comment) for (const r of parseIssueCommands(body, 'EUR')) collect(r);
  // Every transition from every status.
  for (const w of wishesInEveryStatus()) {
    collect(wishlist.writeSpec(w, { text: 'spec', author: 'maya', at: T0 }));
    collect(wishlist.quote(w, { amount: 1_000, currency: 'EUR', delayDays: 7, by: 'maya', at: T0 }));
    collect(wishlist.addPledge(w, { pledger: { source: 'github', id: 'x', display: 'x' }, amount: 5, at: T0 }));
    collect(wishlist.markPledgePaid(w, 'nope', T0));
    collect(wishlist.markPledgeRefunded(w, `${WISH}/1`, T0));
    collect(wishlist.start(w, { by: 'maya', at: T0 }));
    collect(wishlist.deliver(w, { by: 'maya', at: T0, pr: -1 }));
    collect(wishlist.deliver(w, { by: 'maya', at: T0 }));
    collect(wishlist.cancel(w, { by: 'maya', at: T0 }));
    collect(wishlist.expire(w, T0));
  }
  for (const input of ['', '5', '3 fortnights', '0d', '1000d', '1.5w']) collect(wishlist.parseDelay(input));
  collect(wishlist.parseWishId('nope'));
  collect(wishlist.parseRepo('nope'));
  collect(importDependencies(''));
  collect(importDependencies('hello world!', 'notes.md'));
  collect(importDependencies('{}', 'yarn.lock'));
  // Closes.
  collect(closability('2026-12' as Period, { now: T0, existing: null, closedPeriods: [] }));
  collect(closability('2026-01' as Period, { now: T0, existing: null, closedPeriods: ['2026-10' as Period] }));
  await rejects(refuseUnclosable({ ledger: { period: async () => null, closedPeriods: async () => [] }, clock: { now: () => T0 } }, '2027-01' as Period));

  // Company use-cases.
  await rejects(requireCompany({ companies: companies({ findByWorkspace: async () => null }), actor: admin }));
  await rejects(setBudget({ companies: companies({ roleOf: async () => 'member' }), actor: admin, amount: money(1, 'EUR') }));
  await rejects(setBudget({ companies: companies(), actor: admin, amount: money(1, 'USD') }));
  await rejects(setBudget({ companies: companies(), actor: admin, amount: money(0, 'EUR') }));
  await rejects(setBudget({ companies: companies(), actor: admin, amount: money(Number.MAX_SAFE_INTEGER, 'EUR') }));
  await rejects(setVisibility({ companies: companies(), actor: admin, visibility: 'loud' as never }));
  await rejects(setAllocation({ companies: companies(), actor: admin, lines: 'npm:react=100' as never }));
  await rejects(grantAdmin({ companies: companies(), actor: admin, userRef: 'dana' }));
  await rejects(setupCompany({ companies: companies(), actor: admin, name: '', currency: 'EUR' }));
  await rejects(setupCompany({ companies: companies(), actor: admin, name: 'x'.repeat(81), currency: 'EUR' }));
  await rejects(setupCompany({ companies: companies(), actor: admin, name: 'Acme', currency: 'EUR' }));
  await rejects(addDependencies({ companies: companies(), actor: admin, packages: [] }));
  await rejects(removeDependencies({ companies: companies(), actor: admin, packages: ['npm:react'] }));
  await rejects(declareOwned({ companies: companies(), actor: admin, packages: ['npm:react'] }));
  await rejects(declareOwned({ companies: companies(), actor: admin, packages: [], remove: true }));
  await rejects(authenticateCompany({ companies: companies(), hash: (t) => t, token: 'nope' }));

  // Wish use-cases.
  const noWishes = { get: async () => null, create: async () => false } as never;
  const outbox = { enqueue: async () => undefined };
  const offline = { mode: 'offline', startPledgeCheckout: async () => ({ url: null, externalId: null }) } as const;
  await rejects(getWish({ wishes: noWishes, id: WISH }));
  const base = { wishes: noWishes, outbox, gateway: offline, clock: { now: () => T0 }, currency: 'EUR', id: WISH, title: 'Dark mode', description: '', requester: 'carol' };
  await rejects(openWishUseCase({ ...base, commitment: money(5, 'USD') }));
  await rejects(openWishUseCase(base));

  // Identity links.
  const links = { findByCodeHash: async () => null } as never;
  await rejects(confirmIdentityLink({ links, clock: { now: () => T0 }, hash: (t: string) => t, code: 'nope', commenter: 'alice' }));
  await rejects(confirmIdentityLink({ links, clock: { now: () => T0 }, hash: (t: string) => t, code: 'ABCD-EFGH-JKMN-PQRS', commenter: 'alice' }));

  // Payments.
  const store = { byId: async () => null, list: async () => [] } as unknown as PaymentStore;
  const gateway = { mode: 'stripe' } as PaymentProvider;
  const ledger = { period: async () => null } as never;
  await rejects(markPaymentPaid({ payments: store, gateway, wishes: noWishes, ledger, outbox, clock: { now: () => T0 }, paymentId: 'x' }));
  await rejects(sendPayouts({ payments: store, gateway, ledger, clock: { now: () => T0 }, period: '2026-10' as Period, currency: 'EUR' }));
  return errors;
}

describe('core messages carry no platform syntax', () => {
  it('in every reachable refusal, and hints are grammar without prefix', async () => {
    const errors = await reachableRefusals();
    expect(errors.length).toBeGreaterThan(120);
    const bad = errors
      .map((e) => ({ code: e.code, message: e.userMessage, syntax: syntaxIn(e.userMessage), hint: hintProblems(e.hint) }))
      .filter((e) => e.syntax.length > 0 || e.hint.length > 0);
    expect(bad).toEqual([]);
    // The nets catch something: hints are given where a command helps.
    expect(errors.filter((e) => e.hint !== null).length).toBeGreaterThan(40);
  });

  it('in the notice of a budget that could not be charged', async () => {
    const notices: Notice[] = [];
    const row = { id: 'pay-1', status: 'pending', provider: 'stripe', amount: 100_000, currency: 'EUR' } as Payment;
    const payments = { ensureMany: async () => [row], billing: async () => null, update: async () => ({ ...row, status: 'failed' }) } as unknown as PaymentStore;
    const collector = budgetCollector({ gateway: { mode: 'stripe' } as PaymentProvider, payments, outbox: { enqueue: async (n) => void notices.push(...n) }, currency: 'EUR' });
    const { unfunded } = await collector.collect('2026-10' as Period, [{ companyId: 'c-1', budget: 100_000 }]);
    expect(unfunded).toEqual([{ companyId: 'c-1', reason: 'no card saved' }]);
    expect(notices.map((n) => n.key)).toEqual(['budget:c-1:2026-10:charge_failed']);
    expect(syntaxIn(notices[0]!.text)).toEqual([]);
  });

  it('the patterns catch what they are meant to', () => {
    for (const s of ['run `/upkeep setup <name>`', 'Run /start first', 'write /deliver #123', 'ask @upkeep', 'with `payments:list pending`']) {
      expect(syntaxIn(s), s).not.toEqual([]);
    }
    for (const s of ['Add a valid .github/upkeep.yml', 'owner/repo#7 or https://github.com/owner/repo/issues/7', 'a CycloneDX JSON SBOM']) {
      expect(syntaxIn(s), s).toEqual([]);
    }
  });

  it('in the usage table, where the front-ends add their own prefix', () => {
    for (const s of SUBCOMMANDS) expect(hintProblems({ surface: 'company', command: USAGE[s].usage, example: USAGE[s].example }), s).toEqual([]);
    for (const c of ISSUE_COMMANDS) expect(hintProblems({ surface: 'issue', command: ISSUE_USAGE[c].usage, example: ISSUE_USAGE[c].example }), c).toEqual([]);
    expect(HELP_TOPICS).toContain('github');
  });

  it('in the string literals of core sources (comments and help texts aside)', () => {
    const root = new URL('.', import.meta.url).pathname;
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));
    })(root);
    // Help texts print GitHub's own `/quote` syntax under "Commands in GitHub issue comments".
    const exempt = new Set(['commands/help.ts']);
    const offending: string[] = [];
    for (const file of files) {
      const rel = relative(root, file);
      if (exempt.has(rel)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trimStart();
          if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/**')) return;
          const literals = code.match(/(['"`])(?:\\.|(?!\1).)*\1/g) ?? [];
          for (const lit of literals) if (syntaxIn(lit).length > 0) offending.push(`${rel}:${i + 1}: ${lit}`);
        });
    }
    expect(files.length).toBeGreaterThan(60);
    expect(offending).toEqual([]);
  });
});
