import type { Clock } from '../../ports/clock.ts';
import type { IdentityLinkStore } from '../../ports/identity-links.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { withdrawPledges, type Pledge, type WishId } from '../../wishlist.ts';
import { myPledgeOf, pledgingIdentities, type MyPledge, type PledgingUser } from './my-pledges.ts';

/**
 * A pledger takes back their unpaid pledges to a wish before it is funded (Slack
 * `pledge withdraw <owner/repo#n>`, the Discord button on `/pledges`). The pledges are
 * released under the wish's row lock, so a payment racing the withdrawal either lands first
 * (the pledge is paid and stays) or is refunded at once when it arrives. Refused, with the
 * reason, when the pledge is paid, the wish is funded, or there is nothing to withdraw.
 * No ledger entry: an unpaid pledge never moved money.
 */
export async function withdrawPledge({
  wishes,
  links = null,
  clock,
  id,
  person,
  userRef,
}: {
  wishes: Pick<WishStore, 'update'>;
  links?: Pick<IdentityLinkStore, 'find'> | null;
  clock: Clock;
  id: WishId;
  person: PledgingUser;
  userRef: string;
}): Promise<{ withdrawn: Pledge[]; amount: number; after: MyPledge }> {
  const identities = await pledgingIdentities({ links, person, userRef });
  let withdrawn: Pledge[] = [];
  const change = await wishes.update(id, (w) => {
    const r = withdrawPledges(w, { pledgers: identities, at: clock.now() });
    if (r.ok) withdrawn = r.value.withdrawn;
    return r;
  });
  return { withdrawn, amount: withdrawn.reduce((s, p) => s + p.amount, 0), after: myPledgeOf(change.wish, identities) };
}
