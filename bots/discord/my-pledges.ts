// `/pledges` and its Withdraw buttons: a user's own pledges, under every identity they pledge
// as (their Discord id, and the GitHub login they linked).
import type { ServerResponse } from 'node:http';
import { myPledges } from '../../core/use-cases/wishes/my-pledges.ts';
import { withdrawPledge } from '../../core/use-cases/wishes/withdraw-pledge.ts';
import type { WishId } from '../../core/wishlist.ts';
import { myPledgesReply, withdrawnReply } from './controls.ts';
import { userOf, userRef, type Interaction } from './interaction.ts';
import type { Context } from './respond.ts';

/** `/pledges`: ephemeral, since it is the user's own. */
export async function listMyPledges({ deps, out }: Context, i: Interaction, res: ServerResponse): Promise<void> {
  const user = userOf(i)!;
  return out.respond(
    i,
    res,
    async () => myPledgesReply(await myPledges({ wishes: deps.wishes, links: deps.identityLinks, person: { source: 'discord', id: user.id }, userRef: userRef(user) })),
    { always: false, ephemeral: true },
  );
}

/** A Withdraw button: the clicking user's unpaid pledges to the wish, claimed once per interaction. */
export async function withdraw({ deps, out }: Context, i: Interaction, res: ServerResponse, id: WishId): Promise<void> {
  const user = userOf(i)!;
  await out.once(i, res, 'withdraw_button', () =>
    out.respond(
      i,
      res,
      async () => {
        const r = await withdrawPledge({ wishes: deps.wishes, links: deps.identityLinks, clock: deps.clock, id, person: { source: 'discord', id: user.id }, userRef: userRef(user) });
        return withdrawnReply({ wish: r.after.wish, amount: r.amount });
      },
      { always: false, ephemeral: true },
    ),
  );
}
