// Company commands: Slack `/upkeep <text>` and the CLI. Parsing only checks shape; rules (who
// may, allocation limits...) belong to the use-cases.
import { parseAllocationArgs, type AllocationLine } from '../allocation.ts';
import { ok, type ErrorHint, type Result } from '../errors.ts';
import { parseAmount, type Money } from '../money.ts';
import type { PackageId } from '../packages.ts';
import { parsePeriod, type Period } from '../period.ts';
import { parseRepo, parseWishId, type RepoId, type WishId } from '../wishlist.ts';
import { parsePackageList, parseSlackUser, parseSubscriptionTarget, type SubscriptionTarget } from './arguments.ts';
import { HELP_TOPICS, helpHint, hintFor, SUBCOMMANDS, withdrawHint, type HelpTopic, type Subcommand } from './usage.ts';
import { closest, invalidCommand, words } from './words.ts';

export type Visibility = 'identifiable' | 'anonymous';

export type CompanyCommand =
  | { type: 'setup'; name: string }
  | { type: 'budget'; amount: Money }
  | { type: 'deps_add'; packages: PackageId[] }
  | { type: 'deps_remove'; packages: PackageId[] }
  | { type: 'deps_list' }
  | { type: 'deps_import' }
  | { type: 'own'; packages: PackageId[] }
  | { type: 'own_remove'; packages: PackageId[] }
  /** `lines: null` means "open the allocation modal". */
  | { type: 'allocate'; lines: AllocationLine[] | null }
  | { type: 'status' }
  | { type: 'history' }
  | { type: 'receipt'; period: Period }
  | { type: 'export'; period: Period | null }
  | { type: 'visibility'; visibility: Visibility }
  | { type: 'token' }
  | { type: 'billing' }
  | { type: 'wishes'; repo: RepoId }
  | { type: 'pledge'; wish: WishId; amount: Money }
  /** `pledge withdraw <owner/repo#n>`: take back one's unpaid pledges to that wish. */
  | { type: 'pledge_withdraw'; wish: WishId }
  | { type: 'pledges' }
  | { type: 'subscribe'; target: SubscriptionTarget }
  | { type: 'unsubscribe'; target: SubscriptionTarget }
  | { type: 'subscriptions' }
  | { type: 'admin_grant'; userId: string }
  | { type: 'help'; topic: HelpTopic | null };

export type CompanyCommandType = CompanyCommand['type'];

/** Slack escapes: `<https://x|label>` → `https://x`, `&amp;` → `&`; user mentions are kept for `admin grant`. */
function unescapeSlack(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Refuses a command's arguments; the hint is the command's usage (or a fitting `example`). */
function usageError(sub: Subcommand, problem: string, example?: string): Result<never> {
  const hint: ErrorHint = example ? { ...hintFor(sub), example } : hintFor(sub);
  return invalidCommand(problem, { subcommand: sub }, hint);
}

function unknownWord(kind: string, word: string, candidates: readonly string[], topic: HelpTopic | null): Result<never> {
  const guess = closest(word, candidates);
  return invalidCommand(`Unknown ${kind} "${word}".${guess ? ` Did you mean \`${guess}\`?` : ''}`, { word, suggestion: guess }, helpHint(topic));
}

function packagesOf(sub: Subcommand, args: readonly string[], what: string): Result<PackageId[]> {
  if (args.length === 0) return usageError(sub, `Name at least one package to ${what}.`);
  return parsePackageList(args);
}

function noArgs<C extends CompanyCommand>(sub: Subcommand, args: readonly string[], command: C): Result<C> {
  if (args.length > 0) return usageError(sub, `${sub} takes no arguments.`);
  return ok(command);
}

/** Parses the text of a company command (Slack's `/upkeep <text>`, a CLI line); empty text is `help`. */
export function parseCompanyCommand(text: string, currency: string): Result<CompanyCommand> {
  const clean = unescapeSlack(text).trim();
  const [head, ...args] = words(clean);
  if (head === undefined) return ok({ type: 'help', topic: null });
  const sub = head.toLowerCase();
  if (sub === '--help' || sub === '-h' || sub === '?') return ok({ type: 'help', topic: null });
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) return unknownWord('command', head, SUBCOMMANDS, null);

  switch (sub as Subcommand) {
    case 'setup': {
      // The name is the raw rest of the text: spaces and case kept, surrounding quotes dropped.
      const name = clean
        .slice(head.length)
        .trim()
        .replace(/^["'“‘](.*)["'”’]$/su, '$1')
        .trim();
      if (name === '') return usageError('setup', 'Give your company name.');
      if (name.length > 100) return usageError('setup', 'A company name is at most 100 characters.');
      return ok({ type: 'setup', name });
    }
    case 'budget': {
      if (args.length === 0) return usageError('budget', 'Give the monthly budget.');
      const amount = parseAmount(args.join(' '), currency);
      return amount.ok ? ok({ type: 'budget', amount: amount.value }) : amount;
    }
    case 'deps': {
      const [action, ...rest] = args;
      const verb = action?.toLowerCase();
      if (verb === 'add') {
        const r = packagesOf('deps', rest, 'add');
        return r.ok ? ok({ type: 'deps_add', packages: r.value }) : r;
      }
      if (verb === 'remove' || verb === 'rm') {
        const r = packagesOf('deps', rest, 'remove');
        return r.ok ? ok({ type: 'deps_remove', packages: r.value }) : r;
      }
      if (verb === 'list' || verb === 'ls' || verb === undefined) return noArgs('deps', rest, { type: 'deps_list' });
      if (verb === 'import') return noArgs('deps', rest, { type: 'deps_import' });
      if (action!.includes(':')) return usageError('deps', `Say what to do with ${action}: add it or remove it.`, `deps add ${action}`);
      return unknownWord('deps action', action!, ['add', 'remove', 'list', 'import'], 'deps');
    }
    case 'own': {
      const verb = args[0]?.toLowerCase();
      if (verb === 'remove' || verb === 'rm') {
        const r = packagesOf('own', args.slice(1), 'remove from your own projects');
        return r.ok ? ok({ type: 'own_remove', packages: r.value }) : r;
      }
      const r = packagesOf('own', verb === 'add' ? args.slice(1) : args, 'declare as your own');
      return r.ok ? ok({ type: 'own', packages: r.value }) : r;
    }
    case 'allocate': {
      if (args.length === 0) return ok({ type: 'allocate', lines: null });
      const r = parseAllocationArgs(args);
      return r.ok ? ok({ type: 'allocate', lines: r.value.map((l) => ({ package: l.package, points: l.points })) }) : r;
    }
    case 'status':
      return noArgs('status', args, { type: 'status' });
    case 'history':
      return noArgs('history', args, { type: 'history' });
    case 'token':
      return noArgs('token', args, { type: 'token' });
    case 'billing':
      return noArgs('billing', args, { type: 'billing' });
    case 'receipt': {
      if (args.length !== 1) return usageError('receipt', args.length === 0 ? 'Give the month.' : 'Give one month.');
      const p = parsePeriod(args[0]!);
      return p.ok ? ok({ type: 'receipt', period: p.value }) : p;
    }
    case 'export': {
      if (args.length > 1) return usageError('export', 'Give at most one month.');
      if (args.length === 0) return ok({ type: 'export', period: null });
      const p = parsePeriod(args[0]!);
      return p.ok ? ok({ type: 'export', period: p.value }) : p;
    }
    case 'visibility': {
      const v = args[0]?.toLowerCase();
      if (args.length !== 1 || (v !== 'identifiable' && v !== 'anonymous')) {
        const guess = args.length === 1 ? closest(args[0]!, ['identifiable', 'anonymous']) : null;
        return usageError('visibility', `Choose identifiable or anonymous.${guess ? ` Did you mean \`${guess}\`?` : ''}`);
      }
      return ok({ type: 'visibility', visibility: v });
    }
    case 'wishes': {
      if (args.length !== 1) return usageError('wishes', 'Give one repository.');
      const r = parseRepo(args[0]!);
      return r.ok ? ok({ type: 'wishes', repo: r.value }) : r;
    }
    case 'pledge': {
      if (args[0]?.toLowerCase() === 'withdraw') {
        if (args.length !== 2) return invalidCommand(args.length === 1 ? 'Give the wish to withdraw your pledge from.' : 'Give one wish.', { subcommand: 'pledge' }, withdrawHint());
        const wish = parseWishId(args[1]!);
        return wish.ok ? ok({ type: 'pledge_withdraw', wish: wish.value }) : wish;
      }
      if (args.length < 2) return usageError('pledge', args.length === 0 ? 'Give the wish and the amount.' : 'Give the amount.');
      const wish = parseWishId(args[0]!);
      if (!wish.ok) return wish;
      const amount = parseAmount(args.slice(1).join(' '), currency);
      return amount.ok ? ok({ type: 'pledge', wish: wish.value, amount: amount.value }) : amount;
    }
    case 'subscribe': {
      if (args.length !== 1) return usageError('subscribe', 'Give one package or repository.');
      const t = parseSubscriptionTarget(args[0]!);
      return t.ok ? ok({ type: 'subscribe', target: t.value }) : t;
    }
    case 'unsubscribe': {
      if (args.length !== 1) return usageError('unsubscribe', 'Give one package or repository.');
      const t = parseSubscriptionTarget(args[0]!);
      return t.ok ? ok({ type: 'unsubscribe', target: t.value }) : t;
    }
    case 'subscriptions':
      return noArgs('subscriptions', args, { type: 'subscriptions' });
    case 'pledges':
      return noArgs('pledges', args, { type: 'pledges' });
    case 'admin': {
      const verb = args[0]?.toLowerCase();
      if (verb === undefined) return usageError('admin', 'Say what to do.');
      if (verb !== 'grant') return unknownWord('admin action', args[0]!, ['grant'], 'admin');
      if (args.length !== 2) return usageError('admin', 'Mention one user.');
      const u = parseSlackUser(args[1]!);
      return u.ok ? ok({ type: 'admin_grant', userId: u.value }) : u;
    }
    case 'help': {
      if (args.length === 0) return ok({ type: 'help', topic: null });
      // `help deps add` is help on `deps`.
      const t = args[0]!.toLowerCase();
      if (!(HELP_TOPICS as readonly string[]).includes(t)) return unknownWord('help topic', args[0]!, HELP_TOPICS, null);
      return ok({ type: 'help', topic: t as HelpTopic });
    }
  }
}
