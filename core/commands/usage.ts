// The usage table of the command grammar: every command's usage, example and purpose, written
// once. Help texts and error hints are built from it, so a command's wording is never typed twice.
// No platform syntax here: each front-end adds its own prefix (`/upkeep `, `/`, `npm run upkeep -- `).
import type { ErrorHint } from '../errors.ts';

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
  'billing',
  'wishes',
  'pledge',
  'pledges',
  'subscribe',
  'unsubscribe',
  'subscriptions',
  'admin',
  'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Help topics: every subcommand, plus `github` for issue-comment commands. */
export type HelpTopic = Subcommand | 'github';
export const HELP_TOPICS: readonly HelpTopic[] = [...SUBCOMMANDS, 'github'];

/** Commands of GitHub issue comments, in the order help lists them. */
export const ISSUE_COMMANDS = ['wish', 'spec', 'quote', 'pledge', 'start', 'deliver', 'cancel'] as const;
export type IssueCommandName = (typeof ISSUE_COMMANDS)[number];

export interface Usage {
  /** Grammar without prefix, e.g. `allocate <pkg>=<points> ...`. */
  readonly usage: string;
  /** A complete example without prefix. */
  readonly example: string;
  /** What the command does, lower case, no final period. */
  readonly what: string;
}

export const USAGE: Readonly<Record<Subcommand, Usage>> = {
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
  billing: { usage: 'billing', example: 'billing', what: 'admins: save the card your monthly budget is charged to (a Stripe Checkout link), and see the card on file' },
  wishes: { usage: 'wishes <owner/repo>', example: 'wishes vitejs/vite', what: 'the wishlist of a repository' },
  pledge: {
    usage: 'pledge <owner/repo#n> <amount>',
    example: 'pledge vitejs/vite#42 500',
    what: 'pledge money to a wish; `pledge withdraw <owner/repo#n>` takes back your unpaid pledge before the wish is funded',
  },
  pledges: { usage: 'pledges', example: 'pledges', what: 'your own pledges: wish, amount and status' },
  subscribe: {
    usage: 'subscribe <pkg|owner/repo>',
    example: 'subscribe vitejs/vite',
    what: 'post wish progress and month-end summaries in this channel',
  },
  unsubscribe: { usage: 'unsubscribe <pkg|owner/repo>', example: 'unsubscribe vitejs/vite', what: 'stop posting a package or repository in this channel' },
  subscriptions: { usage: 'subscriptions', example: 'subscriptions', what: 'what this channel follows' },
  admin: { usage: 'admin grant <@user>', example: 'admin grant @dana', what: 'make a member a company admin' },
  help: { usage: 'help [topic]', example: 'help allocate', what: 'this help, or details on one command' },
};

export const ISSUE_USAGE: Readonly<Record<IssueCommandName, Usage>> = {
  wish: { usage: 'wish [amount]', example: 'wish 50', what: 'turn this issue into a wish, optionally committing a contribution' },
  spec: { usage: 'spec <text>', example: 'spec Add a --json flag that prints…', what: 'maintainers: the technical spec (the rest of the comment)' },
  quote: { usage: 'quote <amount> [currency] <delay>', example: 'quote 1,500 EUR 3w', what: 'maintainers: cost and delay (10d, 3w, 2 weeks, 1 month)' },
  pledge: { usage: 'pledge <amount>', example: 'pledge 25', what: 'pledge money to this wish' },
  start: { usage: 'start', example: 'start', what: 'maintainers: start work on a funded wish' },
  deliver: { usage: 'deliver [#PR]', example: 'deliver #123', what: 'maintainers: mark the wish delivered' },
  cancel: { usage: 'cancel', example: 'cancel', what: 'cancel a wish that is not funded yet; pledges are refunded' },
};

/** `pledge withdraw`: the second form of `pledge`, with its own hint. */
export const PLEDGE_WITHDRAW_USAGE: Usage = {
  usage: 'pledge withdraw <owner/repo#n>',
  example: 'pledge withdraw vitejs/vite#42',
  what: 'take back your unpaid pledge to a wish before it is funded',
};

/** The overview of `help`: commands grouped by task, each written as its short usage. */
export interface HelpGroup {
  readonly title: string;
  /** Usages without prefix, in the order shown. */
  readonly commands: readonly string[];
}

/** Every company command but `help` appears in exactly one group (checked by core/commands.test.ts). */
export const HELP_GROUPS: readonly HelpGroup[] = [
  { title: 'Getting started', commands: ['setup <company name>', 'budget <amount>', 'billing', 'status'] },
  { title: 'Dependencies & allocation', commands: ['deps add|remove|list|import', 'own <pkg>...', 'allocate'] },
  { title: 'Money & receipts', commands: ['history', 'receipt <YYYY-MM>', 'export [YYYY-MM]', 'token'] },
  { title: 'Wishes', commands: ['wishes <owner/repo>', 'pledge <owner/repo#n> <amount>', 'pledges', 'pledge withdraw <owner/repo#n>'] },
  { title: 'Channel notices', commands: ['subscribe <pkg|owner/repo>', 'unsubscribe <pkg|owner/repo>', 'subscriptions'] },
  { title: 'Admin', commands: ['visibility identifiable|anonymous', 'admin grant <@user>'] },
];

const hintOf = (surface: ErrorHint['surface'], u: Usage): ErrorHint =>
  u.example === u.usage ? { surface, command: u.usage } : { surface, command: u.usage, example: u.example };

/** The hint of a company command (Slack, CLI), from the usage table. */
export const hintFor = (sub: Subcommand): ErrorHint => hintOf('company', USAGE[sub]);

/** The hint of a GitHub issue-comment command, from the usage table. */
export const issueHintFor = (command: IssueCommandName): ErrorHint => hintOf('issue', ISSUE_USAGE[command]);

/** The hint of `pledge withdraw <owner/repo#n>`. */
export const withdrawHint = (): ErrorHint => hintOf('company', PLEDGE_WITHDRAW_USAGE);

/** The hint to read the help of a topic (all commands when `topic` is null). */
export const helpHint = (topic: HelpTopic | null): ErrorHint => ({ surface: 'company', command: topic ? `help ${topic}` : 'help' });
