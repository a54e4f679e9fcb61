// Block Kit for notices posted to subscribed Slack channels (the worker calls renderNotice and
// posts the result with chat.postMessage). Rich when the notice's data has the wish fields of
// core/wish-notices.ts (progress, the amount to go, the days left, a "Pledge" button that opens
// the amount modal of notice-pledge.ts); the plain `text` otherwise, so a new kind never breaks
// delivery.
import type { types } from '@slack/bolt';
import { formatMoney, money } from '../../core/money.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import type { ErrorHint } from '../../core/errors.ts';
import { renderHint } from './errors.ts';
import { bar, context, esc, section } from './render.ts';
import { plural } from '../../core/plural.ts';

type KnownBlock = types.KnownBlock;

/** The action id of a notice's "Pledge" button (its value is the wish id). */
export const NOTICE_PLEDGE_ACTION = 'notice_pledge';

const TITLE: Record<Notice['kind'], string> = {
  wish_progress: ':chart_with_upwards_trend: Wish progress',
  wish_funded: ':tada: Wish funded',
  wish_started: ':hammer_and_wrench: Work started',
  wish_delivered: ':package: Wish delivered',
  wish_quoted: ':memo: Wish quoted',
  wish_requoted: ':memo: Wish re-quoted',
  wish_expired: ':hourglass: Wish expired',
  wish_cancelled: ':x: Wish cancelled',
  wish_reminder: ':alarm_clock: Deadline soon',
  wish_status: ':bell: Wish updated',
  wish_cards: ':bell: Wish updated',
  wish_comment: ':bell: Wish updated',
  wish_thread: ':speech_balloon: Discussion',
  month_end_summary: ':calendar: Month-end summary',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const daysLeft = (days: number): string => (days <= 0 ? 'last day' : days === 1 ? '1 day left' : `${days} days left`);

/** The message for one notice: `{ text, blocks }` for chat.postMessage (text is the notification fallback). */
export function renderNotice(notice: Notice): { text: string; blocks: KnownBlock[] } {
  const d = notice.data ?? {};
  const title = TITLE[notice.kind] ?? ':bell: Upkeep';
  const url = str(d.url);
  const wishId = str(d.wishId);
  const title2 = d.type === 'budget_charge_failed' || d.type === 'budget_retry_failed' ? ':credit_card: Budget not charged' : d.type === 'budget_funded_late' ? ':white_check_mark: Budget charged' : null;
  const heading = title2 ? `*${title2}*` : wishId ? `*${title}* — ${url ? `<${url}|${esc(wishId)}>` : esc(wishId)}${str(d.title) ? ` “${esc(str(d.title)!)}”` : ''}` : `*${title}*`;
  const blocks: KnownBlock[] = [section(`${heading}\n${esc(notice.text)}`)];

  const quote = d.quote as { amount?: unknown; currency?: unknown } | null | undefined;
  const quoteAmount = int(quote?.amount);
  const currency = str(d.currency) ?? str(quote?.currency);
  const paid = int(d.paid);
  const percent = int(d.percent);
  if (wishId && quoteAmount !== null && currency && paid !== null && percent !== null) {
    blocks.push(
      context(
        `\`${bar(Math.min(percent, 100), 100, 20)}\` *${percent}%* · ${formatMoney(money(paid, currency))} of ${formatMoney(money(quoteAmount, currency))}${int(d.toGo) !== null ? ` · *${formatMoney(money(int(d.toGo)!, currency))} to go*` : ''}${int(d.daysLeft) !== null ? ` · ${daysLeft(int(d.daysLeft)!)}` : ''}${int(d.pledgers) !== null ? ` · ${plural(int(d.pledgers)!, 'pledger')}` : ''}`,
      ),
    );
  }
  // A notice that says what to run (a failed budget charge: `billing`) carries the hint in the grammar.
  const hint = d.hint as ErrorHint | undefined;
  if (hint && typeof hint === 'object' && (hint.surface === 'company' || hint.surface === 'issue') && typeof hint.command === 'string') blocks.push(context(renderHint(hint)));
  if (wishId && d.acceptsPledges === true) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: NOTICE_PLEDGE_ACTION, text: { type: 'plain_text', text: 'Pledge', emoji: true }, style: 'primary', value: wishId }],
    });
    blocks.push(context(`Or type \`/upkeep pledge ${esc(wishId)} <amount>\``));
  }
  return { text: notice.text.slice(0, 3000), blocks };
}
