// A pledge from Discord (slash command, preset button or the amount modal): claimed once per
// interaction, recorded under the pledger's identity, answered with where to pay.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Money } from '../../core/money.ts';
import { pledgerIdentity } from '../../core/pledger.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import type { WishId } from '../../core/wishlist.ts';
import { userOf, userRef, type Interaction } from './interaction.ts';
import { pledgeConfirmation } from './render.ts';
import type { Context } from './respond.ts';

/** A pledge id derived from the interaction, so the same interaction can never make two pledges (UUID-shaped). */
export function pledgeIdFor(interactionId: string): string {
  const h = createHash('sha256').update(`discord-pledge:${interactionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Pledges `amount` to the wish; deferred at once and answered ephemerally (it calls the payment gateway). */
export async function pledge({ deps, out }: Context, i: Interaction, res: ServerResponse, id: WishId, amount: Money, kind: string): Promise<void> {
  const user = userOf(i)!;
  await out.once(i, res, kind, () =>
    out.respond(
      i,
      res,
      async () => {
        const link = await deps.identityLinks.find(userRef(user));
        const pledger = pledgerIdentity({ source: 'discord', id: user.id, names: [user.global_name, user.username] }, link);
        const pledgeId = pledgeIdFor(i.id);
        const result = await placePledge({
          wishes: deps.wishes,
          gateway: deps.gateway,
          outbox: deps.outbox,
          clock: deps.clock,
          id,
          pledger,
          amount,
          rateLimiter: deps.rateLimiter,
          newId: () => pledgeId,
        });
        return pledgeConfirmation({ wish: result.wish, amount: amount.amount, checkoutUrl: result.checkoutUrl, offline: result.offline });
      },
      { always: true, ephemeral: true },
    ),
  );
}
