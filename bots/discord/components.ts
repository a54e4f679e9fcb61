// Wish card buttons and the amount modal. Their state is in the custom_id (validated: it
// comes from the client), so a card keeps working after a restart.
import type { ServerResponse } from 'node:http';
import { InteractionResponseType } from '@discordjs/core/http-only';
import { DomainError } from '../../core/errors.ts';
import { parseAmount } from '../../core/money.ts';
import { acceptsPledges } from '../../core/wishlist.ts';
import { sendError, sendJson } from '../../edge/http.ts';
import { decodeAction, encodeAction } from './custom-ids.ts';
import { ComponentData, ModalData, modalValue, userOf, type Interaction } from './interaction.ts';
import { withdraw } from './my-pledges.ts';
import { pledge } from './pledges.ts';
import { amountModal, errorReply, invalidComponent, pledgesClosed } from './render.ts';
import { sleep, type Context } from './respond.ts';

/** A button: a preset pledge, or "Other amount" (opens the modal once the wish is known to take pledges). */
export async function handleComponent(ctx: Context, i: Interaction, res: ServerResponse): Promise<void> {
  const { deps, out } = ctx;
  const data = ComponentData.safeParse(i.data);
  if (!data.success || !userOf(i)) return sendError(res, 400, 'invalid_interaction', 'The component data does not have the shape Discord sends.');
  const action = decodeAction(data.data.custom_id, deps.currency);
  if (!action || action.kind === 'pledge_modal') return out.reply(res, invalidComponent('button'));
  if (action.kind === 'pledge') return pledge(ctx, i, res, action.wishId, { amount: action.amount, currency: deps.currency }, 'pledge_button');
  if (action.kind === 'withdraw') return withdraw(ctx, i, res, action.wishId);
  // "Other amount": check the wish quickly (a modal must be the immediate answer), then ask for the amount.
  const wish = await Promise.race([deps.wishes.get(action.wishId).catch(() => undefined), sleep(Math.max(out.inlineMs, 1000)).then(() => undefined)]);
  if (wish === null) return out.reply(res, errorReply(new DomainError('wish_not_found', `There is no wish for ${action.wishId}.`, {})));
  if (wish && !acceptsPledges(wish)) return out.reply(res, pledgesClosed(wish));
  const customId = encodeAction({ kind: 'pledge_modal', wishId: action.wishId })!;
  sendJson(res, 200, { type: InteractionResponseType.Modal, data: amountModal(action.wishId, customId, deps.currency) });
}

/** The amount modal's submission: pledges the typed amount. */
export async function handleModal(ctx: Context, i: Interaction, res: ServerResponse): Promise<void> {
  const { deps, out } = ctx;
  const data = ModalData.safeParse(i.data);
  if (!data.success || !userOf(i)) return sendError(res, 400, 'invalid_interaction', 'The modal data does not have the shape Discord sends.');
  const action = decodeAction(data.data.custom_id, deps.currency);
  if (!action || action.kind !== 'pledge_modal') return out.reply(res, invalidComponent('form'));
  const amount = parseAmount(modalValue(data.data.components, 'amount') ?? '', deps.currency);
  if (!amount.ok) return out.reply(res, errorReply(amount.error));
  return pledge(ctx, i, res, action.wishId, amount.value, 'pledge_modal');
}
