// Block Kit for billing: `/upkeep billing` (the Checkout button and the card on file), and the
// lines `budget`, `status` and App Home add when no card is saved or a month is unfunded. Pure.
import type { types } from '@slack/bolt';
import { hintFor } from '../../core/commands.ts';
import { formatMoney } from '../../core/money.ts';
import type { CardDetails } from '../../core/ports/payments.ts';
import type { BillingView, UnfundedMonth } from '../../core/use-cases/payments/get-billing.ts';
import { renderHint } from './errors.ts';
import { context, esc, reply, section, type SlackReply } from './render.ts';

type KnownBlock = types.KnownBlock;

/** The action id of the Checkout button (a link button: Slack opens the URL and acks the click). */
export const BILLING_CHECKOUT_ACTION = 'upkeep_billing_checkout';

const BRAND: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club', unionpay: 'UnionPay', cartes_bancaires: 'Cartes Bancaires' };

/** `Visa ending 4242, expires 12/2030`. */
export function cardText(card: CardDetails): string {
  const brand = BRAND[card.brand.toLowerCase()] ?? card.brand.charAt(0).toUpperCase() + card.brand.slice(1);
  return `${brand} ending ${card.last4}, expires ${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** One unfunded month: amount, why, and whether saving a card now retries it. */
export function unfundedLine(m: UnfundedMonth): string {
  const retry = m.retryUntil ? ` — save a card by ${day(m.retryUntil)} and it is charged again and distributed` : ' — stays unfunded';
  return `• *${m.period}* ${formatMoney(m.amount)} not charged: ${esc(m.reason)}${retry}`;
}

const BILLING_HINT = renderHint(hintFor('billing'));

/** Lines for `status` and App Home: the card on file, or that none is saved and what to run; the unfunded months. */
export function billingBlocks(b: BillingView | null, { admin }: { admin: boolean }): KnownBlock[] {
  if (!b) return [];
  if (b.mode === 'offline') return [context(':information_source: Payments are *offline*: budgets are recorded as owed at each month-end and settled by the operator; no card is charged.')];
  const blocks: KnownBlock[] = [];
  if (b.card) blocks.push(section(`*Card on file:* ${esc(cardText(b.card))}`));
  else blocks.push(section(`:warning: *No card saved:* the month-end charge of your budget will fail and your allocation will not be funded. ${admin ? BILLING_HINT : 'Ask an admin to run `/upkeep billing`.'}`));
  if (b.unfunded.length > 0) {
    blocks.push(section(`:x: *Unfunded months*\n${b.unfunded.map(unfundedLine).join('\n')}`));
    if (b.card === null || b.unfunded.some((m) => m.retryUntil)) blocks.push(context(admin ? BILLING_HINT : 'An admin saves a card with `/upkeep billing`.'));
  }
  return blocks;
}

/** The sentence `budget` adds with Stripe on and no card saved. */
export function budgetNeedsCard(b: BillingView | null): KnownBlock[] {
  return b?.needsCard ? [context(`:warning: No card is saved yet, so this budget cannot be charged at month-end. ${BILLING_HINT}`)] : [];
}

/** `/upkeep billing`: the Checkout link as a button, the card on file, unfunded months; offline, who settles. */
export function renderBilling(r: { url: string | null; offline: boolean; companyName: string; billing: BillingView }): SlackReply {
  if (r.offline) {
    return reply('Payments are offline: budgets are settled by the operator; no card is needed.', [
      section(`:information_source: Payments are *offline* on this Upkeep: no card is saved or charged. Each month-end records *${esc(r.companyName)}*’s budget as owed, and the operator settles it with you.`),
    ]);
  }
  const card = r.billing.card;
  const blocks: KnownBlock[] = [
    section(card ? `*Card on file:* ${esc(cardText(card))}. Your monthly budget is charged to it at each month-end.` : `*No card saved yet.* Save the card your monthly budget is charged to at each month-end.`),
  ];
  if (r.url) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: BILLING_CHECKOUT_ACTION, text: { type: 'plain_text', text: card ? 'Replace the card' : 'Save a card' }, url: r.url, style: 'primary' }],
    });
    blocks.push(context('Opens Stripe Checkout (the card is saved, nothing is charged now). The link works for 24 hours; run `/upkeep billing` again for a new one.'));
  }
  if (r.billing.unfunded.length > 0) blocks.push(section(`*Unfunded months*\n${r.billing.unfunded.map(unfundedLine).join('\n')}`));
  return reply(`${card ? `Card on file: ${cardText(card)}.` : 'No card saved yet.'}${r.url ? ` Save a card: ${r.url}` : ''}`, blocks);
}
