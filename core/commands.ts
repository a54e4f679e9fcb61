/**
 * The one command grammar of Upkeep. Slack `/upkeep <text>` and the CLI go through
 * `parseCompanyCommand`; GitHub issue comments through `parseIssueCommands`; Discord's
 * typed options reuse the same argument parsers (`parseWishId`, `parseAmount`...).
 * Parsing only checks shape; rules (who may, allocation limits...) belong to the use-cases.
 */
import { parseAllocationArgs, type AllocationLine } from './allocation.ts';
import { DomainError, err, ok, type Result } from './errors.ts';
import { parseAmount, type Money } from './money.ts';
import { parsePackageId, type PackageId } from './packages.ts';
import { parsePeriod, type Period } from './period.ts';
import { isDelayUnit, parseDelay, parseRepo, parseWishId, type RepoId, type WishId } from './wishlist.ts';

// ---------------------------------------------------------------------------------------
// Company commands (Slack /upkeep, CLI)

export type Visibility = 'identifiable' | 'anonymous';
export type SubscriptionTarget = { kind: 'package'; package: PackageId } | { kind: 'repo'; repo: RepoId };

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
  | { type: 'wishes'; repo: RepoId }
  | { type: 'pledge'; wish: WishId; amount: Money }
  | { type: 'subscribe'; target: SubscriptionTarget }
  | { type: 'admin_grant'; userId: string }
  | { type: 'help'; topic: HelpTopic | null };

export type CompanyCommandType = CompanyCommand['type'];

/** First words of company commands, in the order help lists them. */
export const SUBCOMMANDS = [
  'setup',
  'budget',
  'deps',
  'own',
  'allocate',
  'status',
  'history',
  'receipt',
  'export',
  'visibility',
  'token',
  'wishes',
  'pledge',
  'subscribe',
  'admin',
  'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Help topics: every subcommand, plus `github` for issue-comment commands. */
export type HelpTopic = Subcommand | 'github';
export const HELP_TOPICS: readonly HelpTopic[] = [...SUBCOMMANDS, 'github'];

const USAGE: Readonly<Record<Subcommand, { usage: string; example: string; what: string }>> = {
  setup: { usage: 'setup <company name>', example: 'setup Acme Inc', what: 'register your company in this workspace' },
  budget: { usage: 'budget <amount> [currency]', example: 'budget 2,000', what: 'set the monthly budget' },
  deps: {
    usage: 'deps add|remove <pkg>... | deps list | deps import',
    example: 'deps add npm:react pypi:requests',
    what: 'declare the packages you depend on (`deps import` opens a form to paste package.json, package-lock.json, requirements.txt, pom.xml or a CycloneDX SBOM)',
  },
  own: { usage: 'own <pkg>... | own remove <pkg>...', example: 'own npm:acme-ui', what: 'declare your own projects (they cannot receive your points)' },
  allocate: {
    usage: 'allocate <pkg>=<points> ...',
    example: 'allocate npm:react=34 npm:vite=33 pypi:requests=33',
    what: 'share 100 points between at least 3 dependencies, at most 34 each (no arguments: a form)',
  },
  status: { usage: 'status', example: 'status', what: 'budget, allocation and this month at a glance' },
  history: { usage: 'history', example: 'history', what: 'what you gave, month by month' },
  receipt: { usage: 'receipt <YYYY-MM>', example: 'receipt 2026-11', what: 'the receipt of a closed month' },
  export: { usage: 'export [YYYY-MM]', example: 'export 2026-11', what: 'a CSV of one month, or of everything' },
  visibility: {
    usage: 'visibility identifiable|anonymous',
    example: 'visibility identifiable',
    what: 'whether maintainers see your company name (the public never does)',
  },
  token: { usage: 'token', example: 'token', what: 'a company API token for receipts (shown once)' },
  wishes: { usage: 'wishes <owner/repo>', example: 'wishes vitejs/vite', what: 'the wishlist of a repository' },
  pledge: { usage: 'pledge <owner/repo#n> <amount>', example: 'pledge vitejs/vite#42 500', what: 'pledge money to a wish' },
  subscribe: {
    usage: 'subscribe <pkg|owner/repo>',
    example: 'subscribe vitejs/vite',
    what: 'post wish progress and month-end summaries in this channel',
  },
  admin: { usage: 'admin grant <@user>', example: 'admin grant @dana', what: 'make a member a company admin' },
  help: { usage: 'help [topic]', example: 'help allocate', what: 'this help, or details on one command' },
};

const ISSUE_USAGE: readonly { usage: string; example: string; what: string }[] = [
  { usage: '/wish [amount]', example: '/wish 50', what: 'turn this issue into a wish, optionally committing a contribution' },
  { usage: '/spec <text>', example: '/spec Add a --json flag that prints…', what: 'maintainers: the technical spec (the rest of the comment)' },
  { usage: '/quote <amount> [currency] <delay>', example: '/quote 1,500 EUR 3w', what: 'maintainers: cost and delay (10d, 3w, 2 weeks, 1 month)' },
  { usage: '/pledge <amount>', example: '/pledge 25', what: 'pledge money to this wish' },
  { usage: '/start', example: '/start', what: 'maintainers: start work on a funded wish' },
  { usage: '/deliver [#PR]', example: '/deliver #123', what: 'maintainers: mark the wish delivered' },
  { usage: '/cancel', example: '/cancel', what: 'cancel a wish that is not funded yet; pledges are refunded' },
];

/** Help text: the list of commands, or one topic in detail. `prefix` is how users invoke company commands. */
export function helpText(topic?: HelpTopic | null, opts: { prefix?: string } = {}): string {
  const prefix = opts.prefix ?? '/upkeep ';
  if (topic === 'github') {
    return [
      'Commands in GitHub issue comments (one per line; quoted lines and code blocks are ignored):',
      ...ISSUE_USAGE.map((c) => `• \`${c.usage}\` — ${c.what}. Example: \`${c.example}\``),
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

/** Help texts by topic, for renderers that want them all. */
export const HELP: Readonly<Record<HelpTopic | 'all', string>> = Object.fromEntries([
  ['all', helpText()],
  ...HELP_TOPICS.map((t) => [t, helpText(t)]),
]) as Record<HelpTopic | 'all', string>;

/** Slack escapes: `<https://x|label>` → `https://x`, `&amp;` → `&`; user mentions are kept for `admin grant`. */
function unescapeSlack(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const words = (s: string): string[] => s.split(/\s+/u).filter((w) => w !== '');

function invalidCommand(message: string, details: Record<string, unknown> = {}): Result<never> {
  return err(new DomainError('invalid_command', message, details));
}

function usageError(sub: Subcommand, problem: string): Result<never> {
  return invalidCommand(`${problem} Usage: \`${USAGE[sub].usage}\`, e.g. \`${USAGE[sub].example}\`.`, { subcommand: sub });
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidate closest to `word`, if close enough to be a plausible typo or prefix. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = c.startsWith(w) && w.length >= 2 ? 0.5 : distance(w, c);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best !== null && bestScore <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

function unknownWord(kind: string, word: string, candidates: readonly string[], helpTopic: string): Result<never> {
  const guess = closest(word, candidates);
  const hint = guess ? ` Did you mean \`${guess}\`?` : '';
  return invalidCommand(`Unknown ${kind} "${word}".${hint} Type \`help${helpTopic ? ` ${helpTopic}` : ''}\` to see the commands.`, {
    word,
    suggestion: guess,
  });
}

/** Parses every package and reports all the invalid ones at once; duplicates collapse. */
export function parsePackageList(args: readonly string[]): Result<PackageId[]> {
  const packages: PackageId[] = [];
  const invalid: { input: string; message: string }[] = [];
  for (const a of args.flatMap((x) => x.split(',')).filter((x) => x.trim() !== '')) {
    const r = parsePackageId(a);
    if (r.ok) {
      if (!packages.includes(r.value)) packages.push(r.value);
    } else invalid.push({ input: a, message: r.error.userMessage });
  }
  if (invalid.length === 1) {
    const only = parsePackageId(invalid[0]!.input);
    if (!only.ok) return only;
  }
  if (invalid.length > 1) {
    return err(
      new DomainError(
        'invalid_package',
        `${invalid.length} packages are not valid:\n${invalid.map((i) => `• ${i.message}`).join('\n')}`,
        { invalid },
      ),
    );
  }
  return ok(packages);
}

function packagesOf(sub: Subcommand, args: readonly string[], what: string): Result<PackageId[]> {
  if (args.length === 0) return usageError(sub, `Name at least one package to ${what}.`);
  return parsePackageList(args);
}

function noArgs<C extends CompanyCommand>(sub: Subcommand, args: readonly string[], command: C): Result<C> {
  if (args.length > 0) return usageError(sub, `\`${sub}\` takes no arguments.`);
  return ok(command);
}

/** `U123ABC`, `<@U123ABC>` or `<@U123ABC|dana>`: a Slack user id. */
export function parseSlackUser(input: string): Result<string> {
  const m = /^(?:<@)?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$/.exec(input.trim());
  if (!m || (input.trim().startsWith('<@') !== input.trim().endsWith('>'))) {
    return err(
      new DomainError('invalid_input', `"${input.trim()}" is not a Slack user; mention them, e.g. @dana, or give their id, e.g. U0123ABCD.`, {
        input,
      }),
    );
  }
  return ok(m[1]!);
}

/** A package (`npm:react`) or a repository (`owner/repo`, GitHub URL). */
export function parseSubscriptionTarget(input: string): Result<SubscriptionTarget> {
  const s = input.trim();
  const looksLikeUrl = /^(?:https?:\/\/)?(?:www\.)?github\.com\//i.test(s);
  if (!looksLikeUrl && s.includes(':')) {
    const p = parsePackageId(s);
    return p.ok ? ok({ kind: 'package', package: p.value }) : p;
  }
  if (looksLikeUrl || s.includes('/')) {
    const r = parseRepo(s);
    return r.ok ? ok({ kind: 'repo', repo: r.value }) : r;
  }
  return err(
    new DomainError('invalid_input', `"${s}" is neither a package nor a repository; write ecosystem:name (npm:react) or owner/repo (vitejs/vite).`, {
      input,
    }),
  );
}

/** Parses the text of `/upkeep <text>` (or a CLI line) into a command; empty text is `help`. */
export function parseCompanyCommand(text: string, currency: string): Result<CompanyCommand> {
  const clean = unescapeSlack(text).trim();
  const [head, ...args] = words(clean);
  if (head === undefined) return ok({ type: 'help', topic: null });
  const sub = head.toLowerCase();
  if (sub === '--help' || sub === '-h' || sub === '?') return ok({ type: 'help', topic: null });
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) return unknownWord('command', head, SUBCOMMANDS, '');

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
      if (action!.includes(':')) return usageError('deps', `Say what to do with ${action}: \`deps add ${action}\` or \`deps remove ${action}\`.`);
      return unknownWord('`deps` action', action!, ['add', 'remove', 'list', 'import'], 'deps');
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
    case 'admin': {
      const verb = args[0]?.toLowerCase();
      if (verb === undefined) return usageError('admin', 'Say what to do.');
      if (verb !== 'grant') return unknownWord('`admin` action', args[0]!, ['grant'], 'admin');
      if (args.length !== 2) return usageError('admin', 'Mention one user.');
      const u = parseSlackUser(args[1]!);
      return u.ok ? ok({ type: 'admin_grant', userId: u.value }) : u;
    }
    case 'help': {
      if (args.length === 0) return ok({ type: 'help', topic: null });
      // `help deps add` is help on `deps`.
      const t = args[0]!.toLowerCase();
      if (!(HELP_TOPICS as readonly string[]).includes(t)) return unknownWord('help topic', args[0]!, HELP_TOPICS, '');
      return ok({ type: 'help', topic: t as HelpTopic });
    }
  }
}

// ---------------------------------------------------------------------------------------
// GitHub issue-comment commands

export type WishCommand =
  /** `amount: null` when `/wish` has no (or a zero) contribution. */
  | { type: 'wish'; amount: Money | null }
  | { type: 'spec'; text: string }
  | { type: 'quote'; amount: Money; delayDays: number }
  | { type: 'pledge'; amount: Money }
  | { type: 'start' }
  | { type: 'deliver'; pr: number | null }
  | { type: 'cancel' };

export type WishCommandType = WishCommand['type'];
const ISSUE_COMMANDS: readonly WishCommandType[] = ['wish', 'spec', 'quote', 'pledge', 'start', 'deliver', 'cancel'];

function issueUsage(type: WishCommandType, problem: string): Result<never> {
  const u = ISSUE_USAGE.find((c) => c.usage.startsWith(`/${type}`))!;
  return invalidCommand(`${problem} Write \`${u.usage}\`, e.g. \`${u.example}\`.`, { command: type });
}

function parseQuoteArgs(rest: string, currency: string): Result<WishCommand> {
  const t = words(rest);
  if (t.length === 0) return issueUsage('quote', 'The quote needs an amount and a delay.');
  // The delay is the last token (`3w`) or the last two (`2 weeks`); the amount is what precedes.
  const last = t[t.length - 1]!;
  const currencyLike = /^[a-z]{3}$/i.test(last) && !isDelayUnit(last);
  const twoWordDelay = t.length >= 3 && /^[a-z]+$/i.test(last) && !currencyLike && /^\d+$/.test(t[t.length - 2]!);
  const lastIsDelay = /^\d/.test(last) || /^[+-]\d/.test(last) || isDelayUnit(last);
  if (t.length === 1) return issueUsage('quote', 'The quote needs an amount and a delay.');
  if (!lastIsDelay && currencyLike) return issueUsage('quote', 'The quote needs a delay after the amount.');
  const delayText = twoWordDelay ? t.slice(-2).join(' ') : last;
  const amountText = t.slice(0, twoWordDelay ? -2 : -1).join(' ');
  // `/quote 2 weeks`: a delay alone.
  if (t.length === 2 && isDelayUnit(last) && /^\d+$/.test(t[0]!)) return issueUsage('quote', 'The quote needs an amount before the delay.');
  const amount = parseAmount(amountText, currency);
  if (!amount.ok) return amount;
  const delay = parseDelay(delayText);
  if (!delay.ok) return delay;
  return ok({ type: 'quote', amount: amount.value, delayDays: delay.value });
}

function parsePr(token: string): number | null | undefined {
  const m = /^(?:#?(\d+)|(?:https?:\/\/)?(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+\/pull\/(\d+)\/?(?:[?#]\S*)?)$/i.exec(token);
  if (!m) return undefined;
  const n = Number(m[1] ?? m[2]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function parseIssueCommand(name: WishCommandType, rest: string, currency: string): Result<WishCommand> {
  const args = rest.trim();
  switch (name) {
    case 'wish': {
      if (args === '') return ok({ type: 'wish', amount: null });
      const amount = parseAmount(args, currency, { allowZero: true });
      if (!amount.ok) return amount;
      return ok({ type: 'wish', amount: amount.value.amount === 0 ? null : amount.value });
    }
    case 'spec':
      if (args === '') return issueUsage('spec', 'The spec is empty.');
      return ok({ type: 'spec', text: args });
    case 'quote':
      return parseQuoteArgs(args, currency);
    case 'pledge': {
      if (args === '') return issueUsage('pledge', 'The pledge needs an amount.');
      const amount = parseAmount(args, currency);
      return amount.ok ? ok({ type: 'pledge', amount: amount.value }) : amount;
    }
    case 'deliver': {
      const first = words(args)[0];
      if (first === undefined) return ok({ type: 'deliver', pr: null });
      const pr = parsePr(first);
      if (pr !== undefined) return ok({ type: 'deliver', pr });
      // Prose after /deliver is fine; something that tries to be a PR reference is not.
      if (/^(#|\d|https?:|github\.com)/i.test(first)) {
        return err(new DomainError('invalid_input', `"${first}" is not a pull request; write /deliver #123.`, { input: first }));
      }
      return ok({ type: 'deliver', pr: null });
    }
    case 'start':
      return ok({ type: 'start' });
    case 'cancel':
      return ok({ type: 'cancel' });
  }
}

/**
 * Finds the commands of a GitHub comment: lines starting with `/wish`, `/spec`, `/quote`,
 * `/pledge`, `/start`, `/deliver`, `/cancel` (leading whitespace allowed, any case).
 * Other lines, quoted replies (`> /quote …`, someone else's words), fenced code blocks and
 * HTML comments are ignored. `/spec` takes the rest of the comment, so nothing after it
 * is a command. One Result per command, in order; [] when there is none.
 */
export function parseIssueCommands(body: string, currency: string): Result<WishCommand>[] {
  const text = body.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  const lines = text.split('\n');
  const results: Result<WishCommand>[] = [];
  let fence: { char: string; length: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence.char && f[1]!.length >= fence.length && f[2]!.trim() === '') fence = null;
      continue;
    }
    if (f && !(f[1]![0] === '`' && f[2]!.includes('`'))) {
      fence = { char: f[1]![0]!, length: f[1]!.length };
      continue;
    }
    const m = /^\s*\/([a-z]+)(?=\s|$)(.*)$/i.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase() as WishCommandType;
    if (!ISSUE_COMMANDS.includes(name)) continue;
    if (name === 'spec') {
      results.push(parseIssueCommand('spec', [m[2]!, ...lines.slice(i + 1)].join('\n'), currency));
      break;
    }
    results.push(parseIssueCommand(name, m[2]!, currency));
  }
  return results;
}
