// What the bot writes on GitHub: the wish's status comment, replies to commands and the
// explanations opened as issues. GitHub syntax only: commands are issue comments (`/quote …`).
import type { DomainError, DomainErrorCode, ErrorHint } from '../../core/errors.ts';
import { formatMoney, money, type Money } from '../../core/money.ts';
import type { OptInAnnouncement } from '../../core/opt-in/announcement.ts';
import type { OptInExplanation, OptInExplanationCode } from '../../core/opt-in/decision.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import { acceptsPledges, activePledgers, fundingGap, wishProgress, type Wish, type WishStatus } from '../../core/wishlist.ts';
import { CONFIG_PATH, EXAMPLE } from './upkeep-config.ts';

/** Hidden marker that identifies the bot's status comment. */
export const STATUS_MARKER = '<!-- upkeep:wish-status -->';

const STATUS_LABEL: Readonly<Record<WishStatus, string>> = {
  open: '🟡 Open — waiting for a maintainer’s spec and quote',
  quoted: '🔵 Quoted — collecting pledges',
  funded: '🟢 Funded — waiting for the maintainers to `/start`',
  in_progress: '🛠️ In progress',
  delivered: '✅ Delivered',
  cancelled: '⚪ Cancelled — pledges are refunded',
  expired: '⌛ Expired — not funded in time; pledges are refunded',
};

/** A 20-cell text progress bar, capped at full. */
export function progressBar(percent: number): string {
  const cells = 20;
  const filled = Math.max(0, Math.min(cells, Math.floor((percent * cells) / 100)));
  return `\`${'█'.repeat(filled)}${'░'.repeat(cells - filled)}\` ${percent}%`;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** Prefix of the state labels Upkeep manages on a wish's issue (any other label is left alone). */
export const UPKEEP_LABEL_PREFIX = 'upkeep: ';

/** The issue label of each wish state: exactly one is on the issue at a time. */
export const STATE_LABELS = {
  open: { name: 'upkeep: open', color: 'fbca04', description: 'Upkeep wish: waiting for a spec and a quote' },
  quoted: { name: 'upkeep: quoted', color: '1d76db', description: 'Upkeep wish: quoted, collecting pledges' },
  funded: { name: 'upkeep: funded', color: '0e8a16', description: 'Upkeep wish: funded, the maintainers can start' },
  in_progress: { name: 'upkeep: in progress', color: 'c2e0c6', description: 'Upkeep wish: work in progress' },
  delivered: { name: 'upkeep: delivered', color: '5319e7', description: 'Upkeep wish: delivered' },
  cancelled: { name: 'upkeep: cancelled', color: 'cfd3d7', description: 'Upkeep wish: cancelled, pledges refunded' },
  expired: { name: 'upkeep: expired', color: 'cfd3d7', description: 'Upkeep wish: not funded in time, pledges refunded' },
} as const satisfies Record<WishStatus, { name: string; color: string; description: string }>;

export const stateLabel = (status: WishStatus): (typeof STATE_LABELS)[WishStatus] => STATE_LABELS[status];

/** A person's name as plain text in Markdown: no formatting, no links, no mention that would notify someone. */
export const plainName = (name: string): string => name.replace(/[\\`*_[\]<>#|~]/g, (c) => `\\${c}`).replace(/@/g, '@\u200b');

/** Path of a wish under PUBLIC_URL (`acme/ui/7`). */
const wishPath = (id: string): string => id.replace('#', '/');

/** Pledgers as people read them: `alice, bob and 3 more`. */
function pledgerNames(wish: Wish, max = 20): string {
  const names = activePledgers(wish).map((p) => plainName(p.display || p.id));
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** `12 days left`, `1 day left`, `last day`. */
const daysLeft = (days: number): string => (days <= 0 ? 'last day' : days === 1 ? '1 day left' : `${days} days left`);

/**
 * The status comment: the banner (linking to the wish page), state, quote, progress, the amount
 * to go and the days left, the pledgers, the deadline and how to pledge.
 */
export function statusCommentBody(wish: Wish, opts: { publicUrl: string; offline: boolean; now?: Date }): string {
  const p = wishProgress(wish);
  const gap = fundingGap(wish, opts.now ?? new Date());
  const m = (n: number) => formatMoney(money(n, wish.currency));
  const open = acceptsPledges(wish);
  const page = `${opts.publicUrl}/wishes/${wishPath(wish.id)}`;
  const banner = `${opts.publicUrl}/widget/wishes/${wishPath(wish.id)}.svg`;
  const lines = [STATUS_MARKER, `### Upkeep wish: ${STATUS_LABEL[wish.status]}`, '', `[![Funding of ${wish.id}](${banner})](${page})`, ''];
  if (wish.quote) {
    lines.push(`**Quote:** ${m(wish.quote.amount)}, delivered ${wish.quote.delayDays} days after work starts (by @${wish.quote.by})`);
    if (wish.quoteHistory.length > 1) lines.push(`_Re-quoted ${wish.quoteHistory.length - 1} time(s); earlier: ${wish.quoteHistory.slice(0, -1).map((q) => m(q.amount)).join(', ')}_`);
    lines.push(`**Progress:** ${progressBar(p.percent)} — ${m(p.paid)} paid of ${m(wish.quote.amount)}${p.pledged > p.paid ? ` (${m(p.pledged)} pledged)` : ''}`);
    if (open && gap.toGo !== null) lines.push(`**To go:** ${m(gap.toGo)}${gap.daysLeft !== null ? ` · ${daysLeft(gap.daysLeft)}` : ''}`);
  } else {
    lines.push('**Quote:** none yet — a maintainer writes `/spec <text>` and `/quote <amount> <delay>`.');
    if (p.pledged > 0) lines.push(`**Pledged so far:** ${m(p.pledged)}`);
  }
  lines.push(`**Pledgers:** ${p.pledgers}${p.pledgers > 0 ? ` — ${pledgerNames(wish)}` : ''}`);
  if (wish.deadline && open) lines.push(`**Deadline:** ${day(wish.deadline)} (unfunded pledges are refunded after it)`);
  if (wish.spec) lines.push('', `<details><summary>Technical spec (by @${wish.spec.author})</summary>`, '', wish.spec.text, '', '</details>');
  lines.push('');
  if (open) {
    lines.push(`**How to pledge:** comment \`/pledge <amount>\` here (e.g. \`/pledge 25\`), or on the [wish page](${page}).`);
    if (opts.offline) lines.push('_Payments run in offline mode: pledges are recorded as commitments and settled by the platform operator._');
  }
  if (wish.status === 'delivered' && wish.deliveredBy) lines.push(`Delivered in #${wish.deliveredBy}.`);
  lines.push(`<sub>[Share this wish](${page}) · edited in place by Upkeep</sub>`);
  return lines.join('\n');
}

/** Hidden marker of an announcement comment, so a delivery interrupted after posting never posts it twice. */
export const commentMarker = (event: string): string => `<!-- upkeep:wish-comment:${event} -->`;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/** Where a login is safe to mention: GitHub's login syntax only. */
const LOGIN = /^[a-z\d](?:[a-z\d-]{0,38})$/i;

/**
 * The new comment that tells the people an event concerns (a `wish_comment` notice): funded →
 * the maintainers may start; expired or cancelled → the pledgers, refunded; delivered → the
 * requester and the pledgers. `maintainers` are the repository's opted-in maintainers, added to
 * a funded one. Mentions notify; the status comment's edits do not.
 */
export function announcementComment(notice: Notice, opts: { maintainers?: readonly string[]; publicUrl: string }): string {
  const d = notice.data;
  const event = str(d.event) ?? 'update';
  const currency = str(d.currency) ?? 'EUR';
  const m = (n: number | null) => formatMoney(money(n ?? 0, currency));
  const wishId = str(d.wishId) ?? '';
  const page = `${opts.publicUrl}/wishes/${wishPath(wishId)}`;
  const listed = Array.isArray(d.mentions) ? d.mentions.filter((x): x is string => typeof x === 'string') : [];
  const people = [...listed, ...(event === 'funded' ? (opts.maintainers ?? []) : [])];
  const seen = new Set<string>();
  const mentions = people.filter((l) => LOGIN.test(l) && !seen.has(l.toLowerCase()) && seen.add(l.toLowerCase())).map((l) => `@${l}`);
  const lead = mentions.length ? `${mentions.join(' ')} ` : '';
  const quote = d.quote && typeof d.quote === 'object' ? (d.quote as Record<string, unknown>) : null;
  let text: string;
  switch (event) {
    case 'funded':
      text = `🎉 This wish is funded: ${m(int(d.raised) ?? int(d.paid))} raised of the ${m(quote ? int(quote.amount) : null)} quote, nothing left to go. You can start: comment \`/start\` when work begins${quote && int(quote.delayDays) ? `; the quote promises delivery ${int(quote.delayDays)} days later` : ''}, then \`/deliver\` (or merge a pull request that fixes this issue).`;
      break;
    case 'expired':
      text = `⌛ This wish was not funded before its deadline and has expired. Every pledge is refunded${int(d.refunded) ? ` (${m(int(d.refunded))} paid back)` : ''}; commitments not yet paid are released. Thank you for pledging.`;
      break;
    case 'cancelled':
      text = `⚪ This wish was cancelled by its maintainers. Every pledge is refunded${int(d.refunded) ? ` (${m(int(d.refunded))} paid back)` : ''}; commitments not yet paid are released. Thank you for pledging.`;
      break;
    case 'delivered':
      text = `✅ This wish was delivered${int(d.pr) ? ` in #${int(d.pr)}` : ''}. Thank you for funding it! ${m(int(d.released))} goes to the maintainers.`;
      break;
    default:
      text = notice.text;
  }
  return [commentMarker(event), `${lead}${text}`, '', `<sub>[The wish page](${page}) · Upkeep</sub>`].join('\n');
}

/** The `/pledge` reply once that pledge is paid (the reply is edited, so the issue stays tidy). */
export function paidPledgeReply(author: string, amount: Money): string {
  return `✅ @${author} your pledge of ${formatMoney(amount)} is paid. Thank you!`;
}

const NOT_UNDERSTOOD = '⚠️ Could not understand that';
const NOT_ALLOWED = '🔒 Not allowed';
const NOT_NOW = '⛔ Not possible now';
const NOT_FOUND = '🔎 Not found';
const PAYMENT = '💳 Payment problem';

/** The lead of a refusal, by code: a new code fails the typecheck until it is given one. */
export const ERROR_LEAD = {
  invalid_command: NOT_UNDERSTOOD,
  invalid_package: NOT_UNDERSTOOD,
  invalid_amount: NOT_UNDERSTOOD,
  wrong_currency: NOT_UNDERSTOOD,
  invalid_period: NOT_UNDERSTOOD,
  invalid_manifest: NOT_UNDERSTOOD,
  invalid_delay: NOT_UNDERSTOOD,
  invalid_input: NOT_UNDERSTOOD,
  company_exists: NOT_NOW,
  company_not_found: NOT_FOUND,
  not_admin: NOT_ALLOWED,
  not_member: NOT_ALLOWED,
  unauthorized: NOT_ALLOWED,
  not_found: NOT_FOUND,
  allocation_points_total: NOT_UNDERSTOOD,
  allocation_too_few_packages: NOT_UNDERSTOOD,
  allocation_points_over_max: NOT_UNDERSTOOD,
  allocation_not_dependency: NOT_UNDERSTOOD,
  allocation_owned_package: NOT_UNDERSTOOD,
  allocation_invalid_points: NOT_UNDERSTOOD,
  allocation_duplicate_package: NOT_UNDERSTOOD,
  budget_not_set: NOT_NOW,
  period_closed: NOT_NOW,
  period_not_closed: NOT_NOW,
  period_in_future: NOT_NOW,
  invalid_optin: NOT_NOW,
  wish_not_found: '🔎 No wish here yet',
  wish_exists: NOT_NOW,
  wish_transition: NOT_NOW,
  not_maintainer: NOT_ALLOWED,
  quote_missing: NOT_UNDERSTOOD,
  link_expired: NOT_UNDERSTOOD,
  identity_mismatch: NOT_ALLOWED,
  payment_failed: PAYMENT,
  conflict: NOT_NOW,
  rate_limited: '⏳ Too many at once',
} as const satisfies Record<DomainErrorCode, string>;

/**
 * A hint in GitHub's syntax: an issue command as the comment to write. A company command
 * (budgets, allocations) is not run from GitHub, and another platform's syntax is not shown
 * here, so it is left out.
 */
export function renderHint(hint: ErrorHint | null): string | null {
  if (!hint || hint.surface !== 'issue') return null;
  const usage = `Write \`/${hint.command}\` in a comment`;
  return hint.example ? `${usage}, e.g. \`/${hint.example}\`.` : `${usage}.`;
}

/** The example opt-in file a refusal carries (`details.file`, `details.example`), as a YAML block. */
function fileExample(e: DomainError): string | null {
  const { file, example } = e.details;
  if (typeof file !== 'string' || typeof example !== 'string') return null;
  return [`A minimal \`${file}\` on the default branch:`, '```yaml', example, '```'].join('\n');
}

/** A reply to a refused command: says what is wrong and how to fix it. */
export function errorReply(author: string, e: DomainError): string {
  const hint = renderHint(e.hint);
  const example = fileExample(e);
  return `@${author} ${ERROR_LEAD[e.code]}: ${e.userMessage}${hint ? ` ${hint}` : ''}${example ? `\n\n${example}` : ''}`;
}

const offlineNote = (offline: boolean): string => (offline ? ' (offline mode: the platform operator settles it)' : '');

/** The reply to `/wish <amount>`: the commitment recorded, with where to pay it. */
export function commitmentReply(author: string, amount: Money, r: { checkoutUrl: string | null; offline: boolean }): string {
  const a = formatMoney(amount);
  return r.checkoutUrl ? `@${author} your commitment of ${a} is recorded. Pay it here: ${r.checkoutUrl}` : `@${author} your commitment of ${a} is recorded${offlineNote(r.offline)}.`;
}

/** The reply to `/pledge <amount>`: thanks, with where to pay it. */
export function pledgeReply(author: string, amount: Money, r: { checkoutUrl: string | null; offline: boolean }): string {
  const a = formatMoney(amount);
  return r.checkoutUrl
    ? `@${author} thank you! Your pledge of ${a} is recorded. Pay it here: ${r.checkoutUrl}`
    : `@${author} thank you! Your pledge of ${a} is recorded${offlineNote(r.offline)}.`;
}

/** Said on the issue when a merged PR closing it could not deliver its wish. */
export function mergedButNotDelivered(pr: number, e: DomainError): string {
  return `#${pr} was merged, but the wish could not be marked delivered: ${e.userMessage}`;
}

/** An explanation opened as an issue in the repository: its title and Markdown body. */
export interface RepositoryIssue {
  title: string;
  body: string;
}

const EXPLANATION = {
  invalid_file: (x: Extract<OptInExplanation, { code: 'invalid_file' }>, ctx: { defaultBranch: string }) => ({
    title: `Upkeep: ${CONFIG_PATH} is invalid`,
    body: [
      `Upkeep could not read \`${CONFIG_PATH}\` on \`${ctx.defaultBranch}\`, so this repository is **not** opted in (no money is routed to its maintainers until it is fixed):`,
      '',
      ...x.problems.map((p) => `- ${p}`),
      '',
      'A valid file looks like:',
      '```yaml',
      EXAMPLE,
      '```',
      'Push the fix to the default branch; Upkeep reads the file again on every push that changes it.',
    ].join('\n'),
  }),
  no_licence: (x: Extract<OptInExplanation, { code: 'no_licence' }>) => ({
    title: 'Upkeep: an open-source licence is needed to opt in',
    body: [
      `This repository has a valid \`${CONFIG_PATH}\`, but GitHub detects no open-source licence for it${x.reported ? ` (it reports \`${x.reported}\`)` : ''}.`,
      'Only repositories with an open-source licence can receive money through Upkeep.',
      'Add a LICENSE file (e.g. MIT or Apache-2.0) to the default branch; Upkeep checks again on the next push that changes the config file.',
    ].join('\n'),
  }),
  packages_claimed: (x: Extract<OptInExplanation, { code: 'packages_claimed' }>) => ({
    title: 'Upkeep: some packages are claimed by another repository',
    body: [
      'This repository is opted in, but these packages stay with the repository that claimed them first (one repository per package):',
      '',
      ...x.conflicts.map((c) => `- \`${c.package}\` → ${c.repository}`),
      '',
      'If this is wrong, ask the other repository to remove them from its config, or contact the platform operator.',
    ].join('\n'),
  }),
} satisfies { [C in OptInExplanationCode]: (x: Extract<OptInExplanation, { code: C }>, ctx: { defaultBranch: string }) => RepositoryIssue };

/** The issue that tells a repository's maintainers about its opt-in. */
export function explanationIssue(x: OptInExplanation, ctx: { defaultBranch: string }): RepositoryIssue {
  return (EXPLANATION[x.code] as (x: OptInExplanation, ctx: { defaultBranch: string }) => RepositoryIssue)(x, ctx);
}

/** What the opt-in issue needs beside the announcement. */
export interface OptInIssueContext {
  defaultBranch: string;
  /** Where maintainers sign in to connect payouts (`${PUBLIC_URL}/account`). */
  accountUrl: string;
  /** The commit that changed the file, when known. */
  revision?: string | null;
  /** Listed packages another opted-in repository claimed first (explained in their own issue). */
  conflicts?: readonly { package: string; repository: string }[];
}

function packageList(packages: readonly string[], conflicts: OptInIssueContext['conflicts'] = []): string[] {
  const elsewhere = new Map(conflicts.map((c) => [c.package, c.repository]));
  return packages.map((p) => (elsewhere.has(p) ? `- \`${p}\` — stays with ${elsewhere.get(p)}, which listed it first` : `- \`${p}\``));
}

function maintainerTable(maintainers: readonly { login: string; share: number }[]): string[] {
  return ['| Maintainer | Share |', '|---|---:|', ...maintainers.map((m) => `| @${m.login} | ${m.share}% |`)];
}

function changeLines(a: Extract<OptInAnnouncement, { kind: 'changed' }>): string[] {
  const c = a.changes;
  return [
    ...c.packagesAdded.map((p) => `- package \`${p}\` added`),
    ...c.packagesRemoved.map((p) => `- package \`${p}\` removed (its money no longer comes here)`),
    ...c.maintainersAdded.map((m) => `- @${m.login} joins with ${m.share}%`),
    ...c.maintainersRemoved.map((m) => `- @${m.login} leaves (had ${m.share}%; what they earned stays theirs)`),
    ...c.sharesChanged.map((s) => `- @${s.login}: ${s.from}% → ${s.to}%`),
  ];
}

/**
 * The issue that confirms an accepted opt-in, or says what a change of the file changed: the
 * packages, the maintainers and their shares (mentioned, so they are notified), and where they
 * connect payouts.
 */
export function optInIssue(a: OptInAnnouncement, ctx: OptInIssueContext): RepositoryIssue {
  const where = `\`${CONFIG_PATH}\` on \`${ctx.defaultBranch}\`${ctx.revision ? ` (${ctx.revision.slice(0, 7)})` : ''}`;
  const lead =
    a.kind === 'opted_in'
      ? [`This repository is opted in to Upkeep from ${where}. Money that companies give to these packages, and the wishes funded here, are paid to the maintainers below by share.`]
      : [`${where} changed what Upkeep pays out for this repository:`, '', ...changeLines(a), '', 'From now on:'];
  const body = [
    ...lead,
    '',
    '**Packages**',
    ...packageList(a.config.packages, ctx.conflicts),
    '',
    '**Maintainers and shares**',
    ...maintainerTable(a.config.maintainers),
    '',
    `**Payouts:** each maintainer signs in with GitHub at ${ctx.accountUrl} to connect a payout account; what they earn waits there until it is connected.`,
    '',
    `To change packages or shares, edit \`${CONFIG_PATH}\` on the default branch; Upkeep reads it again on every push that changes it and opens an issue saying what changed.`,
  ].join('\n');
  return { title: a.kind === 'opted_in' ? 'Upkeep: this repository is opted in' : 'Upkeep: the opt-in of this repository changed', body };
}
