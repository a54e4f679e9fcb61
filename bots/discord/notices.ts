// What a subscribed Discord channel receives for a notice (wish progress, the deadline reminder,
// funded, started, delivered, quotes, expiry, month-end). The outbox worker posts the result to
// `POST /channels/{channel}/messages`; the notice's own key keeps it from repeating. A notice
// about a wish is its live card: the event's line as content, and the wish card (with its
// pledge and link buttons) that later changes edit in place.
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from '@discordjs/core/http-only';
import { formatMoney, isCurrencyCode, money } from '../../core/money.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import type { Wish } from '../../core/wishlist.ts';
import { cardComponents, progressBar, wishEmbed } from './render.ts';

const TITLE: Readonly<Record<Notice['kind'], string>> = {
  wish_progress: 'Wish progress',
  wish_funded: 'Wish funded 🎉',
  wish_started: 'Work started',
  wish_delivered: 'Wish delivered ✅',
  wish_quoted: 'Wish quoted',
  wish_requoted: 'Wish re-quoted',
  wish_expired: 'Wish expired',
  wish_cancelled: 'Wish cancelled',
  wish_reminder: 'Deadline soon ⏳',
  wish_status: 'Wish updated',
  wish_cards: 'Wish updated',
  wish_comment: 'Wish updated',
  wish_thread: 'Discussion',
  month_end_summary: 'Month-end summary',
};

const COLOR: Readonly<Record<Notice['kind'], number>> = {
  wish_progress: 0x3498db,
  wish_funded: 0x2ecc71,
  wish_started: 0xf1c40f,
  wish_delivered: 0x27ae60,
  wish_quoted: 0x3498db,
  wish_requoted: 0x9b59b6,
  wish_expired: 0x7f8c8d,
  wish_cancelled: 0x7f8c8d,
  wish_reminder: 0xe67e22,
  wish_status: 0x95a5a6,
  wish_cards: 0x95a5a6,
  wish_comment: 0x95a5a6,
  wish_thread: 0x95a5a6,
  month_end_summary: 0x95a5a6,
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * The Discord message for `notice`: its text (every platform's common line) as content, and an
 * embed (title, link, progress bar, pledgers) built from whatever of the wish data is present. Never pings anyone; unknown or partial data only
 * makes the embed smaller.
 */
export function renderNotice(notice: Notice): RESTPostAPIChannelMessageJSONBody {
  const d = notice.data ?? {};
  const url = str(d.url);
  const wishId = str(d.wishId);
  const currency = str(d.currency);
  const fields: NonNullable<APIEmbed['fields']> = [];
  const quote = d.quote && typeof d.quote === 'object' ? (d.quote as Record<string, unknown>) : null;
  const quoteAmount = quote ? int(quote.amount) : null;
  const percent = int(d.percent);
  const paid = int(d.paid);
  const moneyText = (n: number) => (currency && isCurrencyCode(currency) ? formatMoney(money(n, currency)) : String(n));
  if (percent !== null && quoteAmount !== null && notice.kind !== 'month_end_summary') {
    fields.push({ name: 'Progress', value: `\`${progressBar(percent)}\`${paid !== null ? `\n${moneyText(paid)} of ${moneyText(quoteAmount)}` : ''}`, inline: false });
  }
  const pledgers = int(d.pledgers);
  if (pledgers !== null) fields.push({ name: 'Pledgers', value: String(pledgers), inline: true });
  const embed: APIEmbed = {
    title: clip(wishId && str(d.title) ? `${TITLE[notice.kind] ?? 'Update'}: ${str(d.title)}` : (TITLE[notice.kind] ?? 'Update'), 256),
    color: COLOR[notice.kind] ?? 0x95a5a6,
    ...(url && /^https?:\/\//.test(url) ? { url } : {}),
    ...(wishId ? { author: { name: wishId } } : {}),
    ...(fields.length ? { fields } : {}),
  };
  return {
    content: clip(notice.text, 2000),
    embeds: [embed],
    allowed_mentions: { parse: [] },
  };
}

/**
 * A notice about `wish` as its live card: the notice's line (what happened) as content, the
 * wish card as it is now with its pledge buttons (custom ids hold wish and amount) and links.
 */
export function renderWishNotice(notice: Notice, wish: Wish, opts: { offline: boolean; publicUrl: string | null }): RESTPostAPIChannelMessageJSONBody {
  return {
    content: clip(`**${TITLE[notice.kind] ?? 'Update'}** · ${notice.text}`, 2000),
    embeds: [wishEmbed(wish, opts)],
    components: cardComponents(wish, opts.publicUrl),
    allowed_mentions: { parse: [] },
  };
}

/** The edit that brings a posted card up to date (its content, the event it announced, stays). */
export function cardEdit(wish: Wish, opts: { offline: boolean; publicUrl: string | null }) {
  return { embeds: [wishEmbed(wish, opts)], components: cardComponents(wish, opts.publicUrl), allowed_mentions: { parse: [] } };
}
