// Discord message payloads: the wish card (embed + pledge buttons), wishlists, pledge
// confirmations, notes and refusals. Pure functions of domain values; no I/O. Every text is
// written in Discord's own terms: its slash commands, never another platform's syntax.
import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
} from '@discordjs/core/http-only';
import { isDomainError } from '../../core/errors.ts';
import { formatMoney, maxAmountMinor, minorUnitDigits, money } from '../../core/money.ts';
import { wishUrl } from '../../core/wish-notices.ts';
import { acceptsPledges, paidTotal, wishIdParts, wishProgress, type Wish, type WishStatus } from '../../core/wishlist.ts';
import { encodeAction } from './custom-ids.ts';
import { renderHint } from './hints.ts';

/** What a handler answers: a message (ephemeral or not). */
export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  ephemeral: boolean;
}

/** The message body Discord expects (no mentions pinged by anything we echo back). */
export function messageBody(reply: Reply): Record<string, unknown> {
  return {
    content: reply.content ?? '',
    embeds: reply.embeds ?? [],
    components: reply.components ?? [],
    allowed_mentions: { parse: [] },
    ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

export const STATUS_LABEL: Readonly<Record<WishStatus, string>> = {
  open: 'Open — waiting for a quote',
  quoted: 'Quoted — collecting pledges',
  funded: 'Funded — waiting for the maintainers to start',
  in_progress: 'In progress',
  delivered: 'Delivered',
  cancelled: 'Cancelled — pledges refunded',
  expired: 'Expired — pledges refunded',
};

const STATUS_COLOR: Readonly<Record<WishStatus, number>> = {
  open: 0x95a5a6,
  quoted: 0x3498db,
  funded: 0x2ecc71,
  in_progress: 0xf1c40f,
  delivered: 0x27ae60,
  cancelled: 0x7f8c8d,
  expired: 0x7f8c8d,
};

export const OFFLINE_NOTE = 'Offline payments: pledges are recorded as commitments and settled by an operator; no card is charged here.';

/** `€20` for whole amounts, `€20.50` otherwise. */
export function shortMoney(amount: number, currency: string): string {
  const text = formatMoney(money(amount, currency));
  const digits = minorUnitDigits(currency);
  return digits > 0 && amount % 10 ** digits === 0 ? text.replace(/[.,]0+(?=\D*$)/, '') : text;
}

/** `██████░░░░ 60%`: ten cells, capped at full. */
export function progressBar(percent: number): string {
  const filled = Math.max(0, Math.min(10, Math.floor(percent / 10)));
  return `${'█'.repeat(filled)}${'░'.repeat(10 - filled)} ${percent}%`;
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const unix = (d: Date): number => Math.floor(d.getTime() / 1000);

/** Preset pledge amounts in major units: the card's buttons. */
export const PRESET_PLEDGES_MAJOR = [5, 20, 50] as const;

/** Where a wish's share page is, under PUBLIC_URL. */
export const sharePageUrl = (publicUrl: string, wish: Pick<Wish, 'id'>): string => {
  const { owner, repo, number } = wishIdParts(wish.id);
  return `${publicUrl.replace(/\/+$/, '')}/wishes/${owner}/${repo}/${number}`;
};

/**
 * An issue body or spec as a card shows it: HTML comments, images and tags removed, whitespace
 * collapsed, shortened to `max` characters. Markdown links and emphasis stay (Discord renders them).
 */
export function cardText(markdown: string, max: number): string {
  const text = markdown
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/!\[[^\]]*\]\[[^\]]*\]/g, ' ')
    .replace(/<img\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
  return clip(text, max);
}

/** Link buttons of a card: the issue on GitHub and, with PUBLIC_URL, the share page. */
export function linkButtons(wish: Wish, publicUrl: string | null): APIActionRowComponent<APIComponentInMessageActionRow> {
  const buttons: APIButtonComponent[] = [{ type: ComponentType.Button, style: ButtonStyle.Link, label: 'Issue on GitHub', url: wishUrl(wish) }];
  if (publicUrl && /^https?:\/\//.test(publicUrl)) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: 'Share page', url: sharePageUrl(publicUrl, wish) });
  return { type: ComponentType.ActionRow, components: buttons };
}

/**
 * Buttons of a wish card: presets, "Fund the rest" (what is still to go of the quote, counting
 * only paid pledges, so an abandoned checkout does not hide it) and "Other amount" (a modal);
 * none once pledges are closed.
 */
export function pledgeButtons(wish: Wish): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  if (!acceptsPledges(wish)) return [];
  const unit = 10 ** minorUnitDigits(wish.currency);
  const amounts: number[] = PRESET_PLEDGES_MAJOR.map((m) => m * unit);
  const buttons: APIButtonComponent[] = [];
  for (const amount of amounts) {
    const customId = encodeAction({ kind: 'pledge', wishId: wish.id, amount });
    if (customId) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Primary, label: `Pledge ${shortMoney(amount, wish.currency)}`, custom_id: customId });
  }
  if (wish.quote) {
    const rest = wish.quote.amount - paidTotal(wish);
    if (rest > 0 && rest <= maxAmountMinor(wish.currency) && !amounts.includes(rest)) {
      const customId = encodeAction({ kind: 'pledge', wishId: wish.id, amount: rest });
      if (customId) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Success, label: `Fund the rest: ${shortMoney(rest, wish.currency)}`, custom_id: customId });
    }
  }
  const other = encodeAction({ kind: 'pledge_other', wishId: wish.id });
  if (other) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Other amount…', custom_id: other });
  return buttons.length ? [{ type: ComponentType.ActionRow, components: buttons }] : [];
}

/** The wish card: state, quote, progress bar with the amount to go, the spec (shortened), pledgers, deadline. */
export function wishEmbed(wish: Wish, { offline }: { offline: boolean }): APIEmbed {
  const p = wishProgress(wish);
  const amount = (n: number) => formatMoney(money(n, wish.currency));
  const fields: NonNullable<APIEmbed['fields']> = [{ name: 'State', value: STATUS_LABEL[wish.status], inline: false }];
  fields.push({
    name: 'Quote',
    value: wish.quote ? `${amount(wish.quote.amount)} · delivered ${wish.quote.delayDays} days after work starts` : 'Not quoted yet: the maintainers quote it on GitHub.',
    inline: false,
  });
  if (wish.quote) {
    const pending = p.pledged - p.paid;
    fields.push({
      name: 'Progress',
      value: `\`${progressBar(p.percent)}\`\n${amount(p.paid)} paid of ${amount(wish.quote.amount)}${acceptsPledges(wish) ? ` · **${amount(Math.max(0, wish.quote.amount - p.paid))} to go**` : ''}${pending > 0 ? `\n${amount(pending)} more pledged, awaiting payment` : ''}`,
      inline: false,
    });
  } else if (p.pledged > 0) {
    fields.push({ name: 'Pledged', value: `${amount(p.pledged)} (${amount(p.paid)} paid)`, inline: false });
  }
  if (wish.spec) {
    const spec = cardText(wish.spec.text, 500);
    if (spec) fields.push({ name: `Spec (by ${clip(wish.spec.author, 60)})`, value: spec, inline: false });
  }
  fields.push({ name: 'Pledgers', value: String(p.pledgers), inline: true });
  fields.push({ name: 'Deadline', value: wish.deadline && acceptsPledges(wish) ? `<t:${unix(wish.deadline)}:D> (<t:${unix(wish.deadline)}:R>)` : '—', inline: true });
  return {
    author: { name: wish.id },
    title: clip(wish.title, 256),
    url: wishUrl(wish),
    description: cardText(wish.description, 300) || undefined,
    color: STATUS_COLOR[wish.status],
    fields,
    ...(offline && acceptsPledges(wish) ? { footer: { text: OFFLINE_NOTE } } : {}),
  };
}

/** The card's rows: pledge buttons while it accepts pledges, then the links. */
export function cardComponents(wish: Wish, publicUrl: string | null): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  return [...pledgeButtons(wish), linkButtons(wish, publicUrl)];
}

/** `/wish`: the card, with pledge buttons while it accepts pledges, and links to the issue and the share page. */
export function wishCard(wish: Wish, opts: { offline: boolean; publicUrl?: string | null }): Reply {
  const pledging = pledgeButtons(wish);
  const noButtons = acceptsPledges(wish) && pledging.length === 0;
  return {
    content: noButtons ? `Pledge with \`/pledge wish:${wish.id} amount:20\`.` : '',
    embeds: [wishEmbed(wish, opts)],
    components: [...pledging, linkButtons(wish, opts.publicUrl ?? null)],
    ephemeral: false,
  };
}

/** `/wishlist`: one line per wish (Discord allows 4096 characters in a description). */
export function wishlistReply(repo: string, wishes: readonly Wish[]): Reply {
  if (wishes.length === 0) {
    return { content: `${repo} has no wishes yet. Anyone can open one from one of its GitHub issues.`, ephemeral: true };
  }
  const lines: string[] = [];
  let shown = 0;
  for (const w of wishes) {
    const p = wishProgress(w);
    const money_ = (n: number) => formatMoney(money(n, w.currency));
    const progress = w.quote ? `${p.percent}% of ${money_(w.quote.amount)}` : p.pledged > 0 ? `${money_(p.pledged)} pledged, no quote yet` : 'no quote yet';
    const line = `**[#${w.id.slice(w.id.lastIndexOf('#') + 1)}](${wishUrl(w)})** ${clip(w.title, 80)} — ${w.status.replace('_', ' ')} · ${progress} · ${p.pledgers} pledger${p.pledgers === 1 ? '' : 's'}`;
    if (lines.join('\n').length + line.length > 3800) break;
    lines.push(line);
    shown++;
  }
  const more = wishes.length - shown;
  return {
    embeds: [
      {
        title: `Wishlist of ${repo}`,
        url: `https://github.com/${repo}/issues`,
        description: lines.join('\n') + (more > 0 ? `\n…and ${more} more.` : ''),
        footer: { text: "See a wish's card and pledge with /wish id:owner/repo#n." },
        color: 0x3498db,
      },
    ],
    ephemeral: false,
  };
}

/** After a pledge: where to pay (Stripe Checkout), or the offline-mode explanation. */
export function pledgeConfirmation({ wish, amount, checkoutUrl, offline }: { wish: Wish; amount: number; checkoutUrl: string | null; offline: boolean }): Reply {
  const text = formatMoney(money(amount, wish.currency));
  const name = `**${wish.id}** “${clip(wish.title, 80)}”`;
  if (offline || !checkoutUrl) {
    return {
      content: `Your pledge of ${text} to ${name} is recorded.\n**Offline mode:** no payment provider is configured, so nothing was charged; your pledge is a commitment that an operator settles with you.`,
      ephemeral: true,
    };
  }
  return {
    content: `Your pledge of ${text} to ${name} is recorded. Complete the payment to make it count: ${checkoutUrl}`,
    components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: `Pay ${text}`, url: checkoutUrl }] }],
    ephemeral: true,
  };
}

/** The "Other amount" modal. */
export function amountModal(wishId: string, customId: string, currency: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: customId,
    title: clip(`Pledge to ${wishId}`, 45),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: 'amount',
            label: `Amount (${currency})`,
            style: TextInputStyle.Short,
            placeholder: `e.g. 15 or 15.50 ${currency}`,
            required: true,
            min_length: 1,
            max_length: 40,
          },
        ],
      },
    ],
  };
}

/** A refusal, always ephemeral: the domain's message (it says how to fix the input) and its hint in Discord's terms, or a generic apology. */
export function errorReply(e: unknown): Reply {
  if (isDomainError(e)) return { content: `⚠️ ${e.userMessage}${e.hint ? `\n${renderHint(e.hint, e.details)}` : ''}`, ephemeral: true };
  return { content: '⚠️ Something went wrong on our side; it has been logged. Please try again in a moment.', ephemeral: true };
}

/** A plain ephemeral note. */
export const note = (content: string): Reply => ({ content, ephemeral: true });

/** A replayed interaction (same id): nothing is done again. */
export const alreadyHandled = (): Reply => note('This interaction was already handled; nothing was done a second time.');

/** A command this version does not know: the application's registered commands are older or newer than the code. */
export const unknownCommand = (name: string): Reply =>
  note(`This version of Upkeep has no command “${name}” (its commands on Discord are being updated). \`/help\` lists the ones it has.`);

/** A button or form whose custom_id is not one Upkeep wrote (forged or altered). */
export const invalidComponent = (what: 'button' | 'form'): Reply =>
  note(`⚠️ This ${what} is not valid (it was not made by Upkeep, or was altered). Use \`/wish id:<owner/repo#n>\` for a fresh wish card, or \`/pledges\` for your pledges.`);

/** "Other amount" on a wish that stopped accepting pledges since its card was posted. */
export const pledgesClosed = (wish: Pick<Wish, 'id' | 'status'>): Reply => note(`⚠️ ${wish.id} no longer accepts pledges (it is ${wish.status.replace('_', ' ')}).`);

/** A channel command (`/subscribe`, `/unsubscribe`, `/subscriptions`) outside a server channel. */
export const inAServerChannel = (command = '/subscribe'): Reply => note(`Use \`${command}\` in the server channel it is about.`);

/** `/subscribe` outside a server channel. */
export const subscribeInAChannel = (): Reply => inAServerChannel('/subscribe');

/** `/subscribe` or `/unsubscribe` by a member without Manage Channels. */
export const subscribeNeedsManageChannels = (command = '/subscribe'): Reply =>
  note(`Only members with the **Manage Channels** permission can change what a channel follows. Ask a moderator to use \`${command}\`.`);

/** `/subscribe` done: public when the channel starts following, ephemeral when it already did. */
export function subscribed(repo: string, created: boolean): Reply {
  if (!created) return note(`This channel already follows the wishes of **${repo}**.`);
  return {
    content: `This channel now follows the wishes of **${repo}**: progress at 25/50/75/100 %, funded, started and delivered, re-quotes, cancellations and expiry.`,
    ephemeral: false,
  };
}

/**
 * `/link github`: the one place a Discord reply shows a GitHub comment, because the link is
 * proven by posting it on GitHub from that login; it stands alone in a code block to copy.
 */
export function linkInstructions({ login, code, minutes }: { login: string; code: string; minutes: number }): Reply {
  return note(
    [
      `To link your Discord account to GitHub **@${login}**, post this comment on any issue or pull request of a repository where the Upkeep GitHub App is installed, signed in to GitHub as **@${login}**, within ${minutes} minutes:`,
      '```',
      `/link ${code}`,
      '```',
      `The code only works from @${login}, so nobody else can use it to claim your account or theirs. Once linked, your pledges show as @${login}.`,
    ].join('\n'),
  );
}
