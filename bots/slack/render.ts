// Block Kit rendering of what the company use-cases return (refusals: errors.ts).
// Pure functions: no Bolt client, no database. Every message is ephemeral unless said otherwise.
import type { types } from '@slack/bolt';
type KnownBlock = types.KnownBlock;
import { helpText, type HelpTopic } from '../../core/commands.ts';
import { formatMoney, money, type Money } from '../../core/money.ts';
import type { PackageWarning } from '../../core/package-warnings.ts';
import type { CompanyStatus } from '../../core/use-cases/get-status.ts';
import type { HistoryEntry } from '../../core/use-cases/get-history.ts';
import type { Receipt } from '../../core/use-cases/get-receipt.ts';
import type { AllocatedLine } from '../../core/use-cases/set-allocation.ts';
import type { DependencyView } from '../../core/use-cases/list-dependencies.ts';
import type { PackageView } from '../../core/use-cases/views.ts';
import { STATUS_NAME, wishProgress, type Wish } from '../../core/wishlist.ts';
import { plural } from '../../core/plural.ts';

/** What a handler answers: the ack body of a slash command, or a `respond()` payload. */
export interface SlackReply {
  response_type?: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: KnownBlock[];
  replace_original?: boolean;
}

/** How users invoke a company command in Slack. */
export const SLASH_PREFIX = '/upkeep ';

/** Slack allows 50 blocks per message and 3,000 characters per section text. */
const MAX_BLOCKS = 48;
const MAX_SECTION = 2900;

/** Escapes text for mrkdwn, so a package or company name cannot inject links or mentions. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, MAX_SECTION) } });
export const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, MAX_SECTION) }] });
export const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } });
export const divider: KnownBlock = { type: 'divider' };

/** Sections holding `lines`, split under Slack's size limits; the overflow is summarised. */
export function listBlocks(lines: readonly string[], maxBlocks = 30): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  let shown = 0;
  for (const line of lines) {
    if (current.length + line.length + 1 > MAX_SECTION) {
      if (blocks.length + 1 >= maxBlocks) break;
      blocks.push(section(current));
      current = '';
    }
    current += (current ? '\n' : '') + line;
    shown++;
  }
  if (current) blocks.push(section(current));
  if (shown < lines.length) blocks.push(context(`…and ${lines.length - shown} more.`));
  return blocks;
}

/** An ephemeral reply with a fallback text and its blocks (capped to Slack's limit). */
export function reply(text: string, blocks?: KnownBlock[]): SlackReply {
  return { response_type: 'ephemeral', text: text.slice(0, 3000), ...(blocks ? { blocks: blocks.slice(0, MAX_BLOCKS) } : {}) };
}

/** `1 pledger`, `3 pledgers`. */

const fmt = (m: Money | null): string => (m ? formatMoney(m) : '—');

const WARNING_TEXT: Record<PackageWarning, string> = {
  inactive: 'no activity in 90 days',
  no_maintainer: 'no maintainer yet — held in escrow',
  single_maintainer: 'a single maintainer (bus factor 1)',
};

/** `:warning: no activity in 90 days · no maintainer yet — held in escrow`, or '' when all is well. */
export function warningNote(warnings: readonly PackageWarning[]): string {
  return warnings.length === 0 ? '' : `:warning: ${warnings.map((w) => WARNING_TEXT[w]).join(' · ')}`;
}

/** A proportional bar of `width` cells for `value` out of `max`. */
export function bar(value: number, max: number, width = 17): string {
  const filled = max <= 0 ? 0 : Math.max(value > 0 ? 1 : 0, Math.round((value / max) * width));
  return '█'.repeat(Math.min(width, filled)) + '░'.repeat(Math.max(0, width - filled));
}

// ---------------------------------------------------------------------------------------
// Results

/** `help`: the commands grouped by task (short); `help <command>`: one command in detail. */
export function renderHelp(topic: HelpTopic | null): SlackReply {
  const text = helpText(topic, { prefix: SLASH_PREFIX, bold: (t) => `*${t}*` });
  // Usages hold `<…>` placeholders, which Slack's mrkdwn would read as links: escaped in the blocks.
  return reply(text.replace(/\*/g, ''), listBlocks(text.split('\n').map(esc)));
}

export function packageLine(p: PackageView, extra = ''): string {
  const maintainers =
    p.maintainers.length === 0 ? 'no maintainer yet' : p.maintainers.map((m) => `${esc(m.login)} ${m.share}%`).join(', ');
  const note = warningNote(p.warnings);
  return `• *${esc(p.package)}*${extra} — ${maintainers}${p.repository ? ` (<https://github.com/${esc(p.repository)}|${esc(p.repository)}>)` : ''}${note ? `  ${note}` : ''}`;
}

export function renderDependencies(deps: readonly DependencyView[], owned: readonly string[]): SlackReply {
  if (deps.length === 0) {
    return reply('No dependencies declared yet.', [
      section('No dependencies declared yet. Add some with `/upkeep deps add npm:react pypi:requests`, or paste a manifest with `/upkeep deps import`.'),
    ]);
  }
  const lines = deps.map((d) => packageLine(d, `${d.points !== null ? ` · ${d.points} pts` : ''}${d.owned ? ' · your own' : ''}`));
  return reply(`${plural(deps.length, 'declared dependency', 'declared dependencies')}.`, [
    section(`*${plural(deps.length, 'declared dependency', 'declared dependencies')}*`),
    ...listBlocks(lines),
    ...(owned.length > 0 ? [context(`Your own packages (never funded by you): ${owned.map(esc).join(', ')}`)] : []),
  ]);
}

/** The allocation as a Block Kit bar chart, one line per package. */
export function allocationChart(lines: readonly AllocatedLine[], warnings: ReadonlyMap<string, readonly PackageWarning[]> = new Map()): string[] {
  return [...lines]
    .sort((a, b) => b.points - a.points || (a.package < b.package ? -1 : 1))
    .map((l) => {
      const note = warningNote(warnings.get(l.package) ?? []);
      return `\`${bar(l.points, 34)}\` *${l.points}* pts · ${esc(l.package)}${l.amount ? ` · ${fmt(l.amount)}` : ''}${note ? `  ${note}` : ''}`;
    });
}

export function renderAllocationSaved(lines: readonly AllocatedLine[], budget: Money | null, period: string): SlackReply {
  return reply(`Allocation saved: ${lines.map((l) => `${l.package}=${l.points}`).join(' ')}.`, [
    section(`:white_check_mark: *Allocation saved.* It applies from ${period} on and stands until you change it.`),
    ...listBlocks(allocationChart(lines)),
    context(budget ? `Monthly budget ${fmt(budget)}.` : 'No budget yet: set one with `/upkeep budget 2000`.'),
  ]);
}

/** `extra`: the billing lines (billing.ts), after the packages. */
export function renderStatus(s: CompanyStatus, extra: KnownBlock[] = []): SlackReply {
  const warnings = new Map(s.packages.map((p) => [p.package as string, p.warnings]));
  const blocks: KnownBlock[] = [
    section(`*${esc(s.company.name)}* · ${s.role === 'admin' ? 'you are an admin' : 'you are a member'}\n*Budget:* ${s.budget ? `${fmt(s.budget)} a month` : 'not set (`/upkeep budget 2000`)'} · *Visibility:* ${s.company.visibility}`),
  ];
  if (s.allocation) {
    blocks.push(section(`*Allocation for ${s.period}* (${plural(s.allocation.lines.length, 'package')})`), ...listBlocks(allocationChart(s.allocation.lines, warnings), 20));
  } else {
    blocks.push(section('*No allocation yet.* Share 100 points with `/upkeep allocate` (a form) or `/upkeep allocate npm:react=34 npm:vite=33 pypi:requests=33`.'));
  }
  blocks.push(
    context(
      `${plural(s.counts.dependencies, 'dependency', 'dependencies')} · ${plural(s.counts.owned, 'own package')} · ${s.counts.inactive} inactive · ${s.counts.noMaintainer} without maintainer · ${s.counts.singleMaintainer} with a single maintainer`,
    ),
  );
  const flagged = s.packages.filter((p) => p.warnings.length > 0 && (p.points !== null || p.declared));
  if (flagged.length > 0) blocks.push(section('*Warnings*'), ...listBlocks(flagged.map((p) => `• ${esc(p.package)}: ${warningNote(p.warnings)}`), 10));
  blocks.push(...extra);
  const noCard = s.billing?.needsCard ? ' No card saved: run /upkeep billing.' : '';
  return reply(`${s.company.name}: budget ${fmt(s.budget)}, ${plural(s.counts.allocated, 'package')} allocated.${noCard}`, blocks);
}

export function renderHistory(companyName: string, entries: readonly HistoryEntry[], currency: string): SlackReply {
  if (entries.length === 0) return reply('No closed month yet.', [section(`*${esc(companyName)}* has no closed month yet; the first receipt appears after the month-end close.`)]);
  const lines = entries.map(
    (e) =>
      `• *${e.period}* — ${formatMoney(money(e.total, currency))} to ${plural(e.packages.length, 'package')}: ${e.packages
        .slice(0, 6)
        .map((p) => `${esc(p.package)} ${formatMoney(money(p.amount, currency))}`)
        .join(', ')}${e.packages.length > 6 ? ', …' : ''}`,
  );
  return reply(`${plural(entries.length, 'closed month')}.`, [section(`*What ${esc(companyName)} gave, month by month*`), ...listBlocks(lines), context('`/upkeep receipt YYYY-MM` for one month in detail, `/upkeep export` for a CSV.')]);
}

export function renderReceipt(receipt: Receipt, downloadUrl: string | null): SlackReply {
  const cur = receipt.total.currency;
  const csv = downloadUrl ? [section(`<${downloadUrl}|Download the CSV> (one row saying why; the link works for 15 minutes).`)] : [];
  if (receipt.status === 'unfunded') {
    return reply(`Receipt ${receipt.period}: unfunded (${receipt.reason}).${downloadUrl ? ` CSV: ${downloadUrl}` : ''}`, [
      section(`*Receipt ${receipt.period} — ${esc(receipt.company.name)}*\n:x: *Unfunded:* ${esc(receipt.reason)}. Your budget was not charged for ${receipt.period}, so nothing was paid to maintainers on your behalf.`),
      ...csv,
    ]);
  }
  const lines = receipt.lines.map((l) => {
    const parts = l.maintainers.map((m) => `${esc(m.login)} ${formatMoney(money(m.amount, cur))}`);
    if (l.escrow > 0) parts.push(`${formatMoney(money(l.escrow, cur))} in escrow (no maintainer yet)`);
    return `• *${esc(l.package)}* ${formatMoney(money(l.amount, cur))} → ${parts.join(', ')}`;
  });
  return reply(`Receipt ${receipt.period}: ${formatMoney(receipt.total)}.${downloadUrl ? ` CSV: ${downloadUrl}` : ''}`, [
    section(`*Receipt ${receipt.period} — ${esc(receipt.company.name)}*\nTotal: *${formatMoney(receipt.total)}*${receipt.fundedLate ? ' (charged after the month closed, on the card you saved, and distributed to the same month)' : ''}`),
    ...(lines.length > 0 ? listBlocks(lines) : [section('Nothing was paid this month.')]),
    ...(downloadUrl ? [section(`<${downloadUrl}|Download the CSV> (one row per package and maintainer share; the link works for 15 minutes).`)] : []),
  ]);
}

export function renderWishes(repo: string, wishes: readonly Wish[]): SlackReply {
  if (wishes.length === 0) return reply(`${repo} has no wishes yet.`, [section(`<https://github.com/${esc(repo)}|${esc(repo)}> has no wishes yet. Anyone opens one in a comment on one of its GitHub issues; \`/upkeep help github\` shows how.`)]);
  const lines = wishes.map((w) => {
    const p = wishProgress(w);
    const quote = w.quote ? `${p.percent}% of ${formatMoney(money(w.quote.amount, w.quote.currency))} (${w.quote.delayDays} days)` : 'not quoted yet';
    return `• <https://github.com/${esc(w.id.replace('#', '/issues/'))}|${esc(w.id)}> *${esc(w.title)}* — ${STATUS_NAME[w.status]} · ${quote} · ${plural(p.pledgers, 'pledger')}`;
  });
  return reply(`${plural(wishes.length, 'wish', 'wishes')} in ${repo}.`, [section(`*Wishes of ${esc(repo)}*`), ...listBlocks(lines), context('Pledge with `/upkeep pledge owner/repo#n <amount>`.')]);
}
