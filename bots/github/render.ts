// What the bot writes on GitHub: the wish's status comment and replies to commands.
import type { DomainError } from '../../core/errors.ts';
import { formatMoney, money } from '../../core/money.ts';
import { wishProgress, type Wish, type WishStatus } from '../../core/wishlist.ts';

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

/** The status comment: state, quote, progress, pledgers, deadline and how to pledge. */
export function statusCommentBody(wish: Wish, opts: { publicUrl: string; offline: boolean }): string {
  const p = wishProgress(wish);
  const m = (n: number) => formatMoney(money(n, wish.currency));
  const lines = [STATUS_MARKER, `### Upkeep wish: ${STATUS_LABEL[wish.status]}`, ''];
  if (wish.quote) {
    lines.push(`**Quote:** ${m(wish.quote.amount)}, delivered ${wish.quote.delayDays} days after work starts (by @${wish.quote.by})`);
    if (wish.quoteHistory.length > 1) lines.push(`_Re-quoted ${wish.quoteHistory.length - 1} time(s); earlier: ${wish.quoteHistory.slice(0, -1).map((q) => m(q.amount)).join(', ')}_`);
    lines.push(`**Progress:** ${progressBar(p.percent)} — ${m(p.paid)} paid of ${m(wish.quote.amount)}${p.pledged > p.paid ? ` (${m(p.pledged)} pledged)` : ''}`);
  } else {
    lines.push('**Quote:** none yet — a maintainer writes `/spec <text>` and `/quote <amount> <delay>`.');
    if (p.pledged > 0) lines.push(`**Pledged so far:** ${m(p.pledged)}`);
  }
  lines.push(`**Pledgers:** ${p.pledgers}`);
  if (wish.deadline && (wish.status === 'open' || wish.status === 'quoted')) lines.push(`**Deadline:** ${day(wish.deadline)} (unfunded pledges are refunded after it)`);
  if (wish.spec) lines.push('', `<details><summary>Technical spec (by @${wish.spec.author})</summary>`, '', wish.spec.text, '', '</details>');
  lines.push('');
  if (wish.status === 'open' || wish.status === 'quoted') {
    lines.push(`**How to pledge:** comment \`/pledge <amount>\` here (e.g. \`/pledge 25\`), or from Slack/Discord with \`pledge ${wish.id} <amount>\`.`);
    if (opts.offline) lines.push('_Payments run in offline mode: pledges are recorded as commitments and settled by the platform operator._');
  }
  if (wish.status === 'delivered' && wish.deliveredBy) lines.push(`Delivered in #${wish.deliveredBy}.`);
  lines.push(`<sub>[Share this wish](${opts.publicUrl}/wishes/${wish.id.replace('#', '/')}) · edited in place by Upkeep</sub>`);
  return lines.join('\n');
}

/** A reply to a refused command: says what is wrong and how to fix it. */
export function errorReply(author: string, e: DomainError): string {
  let lead: string;
  switch (e.code) {
    case 'not_maintainer':
      lead = '🔒 Not allowed';
      break;
    case 'wish_not_found':
      lead = '🔎 No wish here yet';
      break;
    case 'wish_transition':
    case 'wish_exists':
    case 'invalid_optin':
    case 'conflict':
      lead = '⛔ Not possible now';
      break;
    case 'payment_failed':
    case 'payments_offline':
      lead = '💳 Payment problem';
      break;
    default:
      lead = '⚠️ Could not understand that';
  }
  return `@${author} ${lead}: ${e.userMessage}`;
}
