// Block Kit replies to the company commands that change something or hand out a link (setup,
// budget, dependencies, ownership, visibility, token, export, pledge, subscribe, admin grant).
// Pure: commands.ts calls the use-case and hands its result here.
import { formatMoney, money, type Money } from '../../core/money.ts';
import type { Visibility } from '../../core/ports/companies.ts';
import { STATUS_NAME, type Wish } from '../../core/wishlist.ts';
import type { types } from '@slack/bolt';
import { context, esc, listBlocks, reply, section, type SlackReply } from './render.ts';
import { plural } from '../../core/plural.ts';

type KnownBlock = types.KnownBlock;

export function renderSetupDone(companyName: string): SlackReply {
  return reply(`${companyName} is set up; you are its admin.`, [
    section(`:tada: *${esc(companyName)}* is set up in this workspace, and you are its admin.`),
    section('Next: `/upkeep budget 2000` · `/upkeep deps import` (or `deps add npm:react`) · `/upkeep allocate`'),
  ]);
}

/** `extra`: what billing adds (no card saved yet, with Stripe on). */
export function renderBudgetSet(r: { budget: Money; previous: Money | null }, extra: KnownBlock[] = []): SlackReply {
  return reply(`Monthly budget set to ${formatMoney(r.budget)}.${extra.length > 0 ? ' No card is saved yet: run /upkeep billing.' : ''}`, [
    section(`:white_check_mark: Monthly budget set to *${formatMoney(r.budget)}*${r.previous ? ` (was ${formatMoney(r.previous)})` : ''}. It applies from the next month-end close.`),
    ...extra,
  ]);
}

export function renderDependenciesAdded(r: { added: readonly string[]; alreadyDeclared: readonly string[]; total: number }): SlackReply {
  return reply(`Added ${plural(r.added.length, 'dependency', 'dependencies')}.`, [
    section(
      `:white_check_mark: Added ${r.added.length ? r.added.map(esc).join(', ') : 'nothing new'}${r.alreadyDeclared.length ? `; already declared: ${r.alreadyDeclared.map(esc).join(', ')}` : ''}. You now declare ${r.total}.`,
    ),
  ]);
}

export function renderDependenciesRemoved(r: { removed: readonly string[]; notDeclared: readonly string[] }): SlackReply {
  return reply(`Removed ${plural(r.removed.length, 'dependency', 'dependencies')}.`, [
    section(`:white_check_mark: Removed ${r.removed.length ? r.removed.map(esc).join(', ') : 'nothing'}${r.notDeclared.length ? `; not declared: ${r.notDeclared.map(esc).join(', ')}` : ''}.`),
  ]);
}

export function renderOwned(r: { removed: boolean; changed: readonly string[]; owned: readonly string[] }): SlackReply {
  return reply(`Own packages: ${r.owned.join(', ') || 'none'}.`, [
    section(
      `:white_check_mark: ${r.removed ? 'No longer your own' : 'Declared as your own'}: ${r.changed.length ? r.changed.map(esc).join(', ') : 'nothing changed'}. Your own packages: ${r.owned.length ? r.owned.map(esc).join(', ') : 'none'}.`,
    ),
  ]);
}

export function renderNothingToExport(): SlackReply {
  return reply('No closed month yet, so nothing to export.', [section('No closed month yet, so nothing to export; receipts exist once a month-end close has run.')]);
}

/** The CSV link of one month, or of `months` closed months. */
export function renderExport(url: string, period: string | null, months: number): SlackReply {
  return reply(`CSV export: ${url}`, [
    section(`:page_facing_up: <${url}|Download the CSV> — ${period ?? plural(months, 'closed month')}, one row per package and maintainer share.`),
    context('The link works for 15 minutes and only for your company; run `/upkeep export` again for a new one.'),
  ]);
}

export function renderVisibility(visibility: Visibility): SlackReply {
  return reply(`Visibility: ${visibility}.`, [
    section(
      visibility === 'identifiable'
        ? ':white_check_mark: Maintainers can now see your company name among their funders. The public never sees which company gave what.'
        : ':white_check_mark: Your company is now anonymous to maintainers; they see aggregates only.',
    ),
  ]);
}

/** The company API token, shown once, with where to use it. */
export function renderToken(token: string, publicUrl: string): SlackReply {
  return reply(`Your company API token (shown once): ${token}`, [
    section(`:key: Your company API token — *shown only this once*, copy it now:\n\`${token}\``),
    context(`Use it as \`Authorization: Bearer <token>\` on ${esc(publicUrl)}/api/v1/company/receipts?period=YYYY-MM. Any earlier token is revoked; run \`/upkeep token\` again to replace a lost one.`),
  ]);
}

export function renderPledged(r: { wish: Pick<Wish, 'id' | 'title'>; amount: Money; checkoutUrl: string | null; offline: boolean }): SlackReply {
  const amount = formatMoney(r.amount);
  return reply(`Pledged ${amount} to ${r.wish.id}.`, [
    section(`:handshake: You pledged *${amount}* to *${esc(r.wish.id)}* “${esc(r.wish.title)}”.`),
    r.checkoutUrl
      ? section(`<${r.checkoutUrl}|Pay your pledge> to confirm it; it counts toward the quote once paid.`)
      : section(r.offline ? ':information_source: Payments are *offline* here: your commitment is recorded, and an operator settles it with you.' : 'Your pledge is recorded.'),
  ]);
}

/** `what`: `wishes of owner/repo` or a package id. */
export function renderSubscribed(r: { what: string; created: boolean; withCompany: boolean }): SlackReply {
  return reply(`This channel follows ${r.what}.`, [
    section(
      `:bell: ${r.created ? 'This channel now follows' : 'This channel already follows'} *${esc(r.what)}*: wish progress (25/50/75/100 %), funded, started and delivered${r.withCompany ? ', and your company’s month-end summaries' : ''}.`,
    ),
    context('Invite the app to a private channel (`/invite @Upkeep`) so it can post there.'),
  ]);
}

export function renderAdminGranted(userId: string, companyName: string, alreadyAdmin: boolean): SlackReply {
  return reply(`<@${userId}> is an admin.`, [section(alreadyAdmin ? `<@${userId}> was already an admin.` : `:white_check_mark: <@${userId}> is now an admin of ${esc(companyName)}.`)]);
}

/** `unsubscribe`: the channel no longer follows `what`. */
export function renderUnsubscribed(what: string): SlackReply {
  return reply(`This channel no longer follows ${what}.`, [
    section(`:no_bell: This channel no longer follows *${esc(what)}*; nothing more about it is posted here.`),
    context('`/upkeep subscriptions` lists what it still follows.'),
  ]);
}

/** `subscriptions`: what this channel follows. */
export function renderSubscriptions(list: readonly { what: string; withCompany: boolean }[]): SlackReply {
  if (list.length === 0) {
    return reply('This channel follows nothing yet.', [section('This channel follows nothing yet. Follow a repository’s wishes or a package with `/upkeep subscribe vitejs/vite`.')]);
  }
  const lines = list.map((s) => `• *${esc(s.what)}*${s.withCompany ? ' · with your company’s month-end summaries' : ''}`);
  return reply(`This channel follows ${list.map((s) => s.what).join(', ')}.`, [
    section(`*This channel follows ${plural(list.length, 'thing')}*`),
    ...listBlocks(lines, 20),
    context('Stop one with `/upkeep unsubscribe <pkg|owner/repo>`.'),
  ]);
}

/** The action id of the "Withdraw" button on `/upkeep pledges`; its value is the wish id. */
export const WITHDRAW_PLEDGE_ACTION = 'upkeep_withdraw_pledge';

/** One pledge list entry as the renderer needs it (core/use-cases/wishes/my-pledges.ts `MyPledge`). */
export interface PledgeListEntry {
  readonly wish: Pick<Wish, 'id' | 'title' | 'status' | 'currency'>;
  readonly pledges: readonly { readonly amount: number; readonly state: string }[];
  readonly canWithdraw: boolean;
  readonly unpaid: number;
}

const wishLink = (id: string): string => `<https://github.com/${esc(id.replace('#', '/issues/'))}|${esc(id)}>`;

/** `pledges`: the user's own pledges, with wish, amount and status, and a Withdraw button on the unpaid ones. */
export function renderMyPledges(entries: readonly PledgeListEntry[]): SlackReply {
  if (entries.length === 0) {
    return reply('You have no pledges yet.', [section('You have no pledges yet. See a repository’s wishes with `/upkeep wishes owner/repo`, then pledge with `/upkeep pledge owner/repo#n <amount>`.')]);
  }
  const blocks: KnownBlock[] = [section(`*Your pledges* (${plural(entries.length, 'wish', 'wishes')})`)];
  for (const e of entries.slice(0, 20)) {
    const amounts = e.pledges.map((p) => `${formatMoney(money(p.amount, e.wish.currency))} ${p.state}`).join(', ');
    const text = `${wishLink(e.wish.id)} “${esc(e.wish.title)}” — ${STATUS_NAME[e.wish.status]}\n${amounts}`;
    blocks.push(
      e.canWithdraw
        ? {
            type: 'section',
            text: { type: 'mrkdwn', text },
            accessory: {
              type: 'button',
              action_id: WITHDRAW_PLEDGE_ACTION,
              value: e.wish.id,
              text: { type: 'plain_text', text: `Withdraw ${formatMoney(money(e.unpaid, e.wish.currency))}` },
              confirm: {
                title: { type: 'plain_text', text: 'Withdraw your pledge?' },
                text: { type: 'plain_text', text: `Your unpaid pledge to ${e.wish.id} will no longer count.` },
                confirm: { type: 'plain_text', text: 'Withdraw' },
                deny: { type: 'plain_text', text: 'Keep it' },
              },
            },
          }
        : section(text),
    );
  }
  if (entries.length > 20) blocks.push(context(`…and ${entries.length - 20} more.`));
  blocks.push(context('An unpaid pledge can be withdrawn until the wish is funded: the button, or `/upkeep pledge withdraw owner/repo#n`.'));
  return reply(`Your pledges: ${entries.map((e) => `${e.wish.id} ${e.pledges.map((p) => `${formatMoney(money(p.amount, e.wish.currency))} ${p.state}`).join(', ')}`).join('; ')}.`, blocks);
}

/** `pledge withdraw`: what was taken back. */
export function renderPledgeWithdrawn(r: { wish: Pick<Wish, 'id' | 'title' | 'currency'>; amount: number }): SlackReply {
  const amount = formatMoney(money(r.amount, r.wish.currency));
  return reply(`Withdrew your unpaid pledge of ${amount} to ${r.wish.id}.`, [
    section(`:leftwards_arrow_with_hook: Your unpaid pledge of *${amount}* to ${wishLink(r.wish.id)} “${esc(r.wish.title)}” is withdrawn; it no longer counts toward the quote.`),
    context('If a payment for it still goes through, it is refunded at once.'),
  ]);
}
