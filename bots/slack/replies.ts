// Block Kit replies to the company commands that change something or hand out a link (setup,
// budget, dependencies, ownership, visibility, token, export, pledge, subscribe, admin grant).
// Pure: commands.ts calls the use-case and hands its result here.
import { formatMoney, type Money } from '../../core/money.ts';
import type { Visibility } from '../../core/ports/companies.ts';
import type { Wish } from '../../core/wishlist.ts';
import type { types } from '@slack/bolt';
import { context, esc, plural, reply, section, type SlackReply } from './render.ts';

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
    section(`:page_facing_up: <${url}|Download the CSV> — ${period ?? `${months} closed months`}, one row per package and maintainer share.`),
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
