import type { IdentityLinkStore } from '../../ports/identity-links.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { acceptsPledges, pledgerKey, type Pledge, type Pledger, type Wish } from '../../wishlist.ts';

/** How one pledge stands, in the words every front-end shows. */
export type MyPledgeState = 'paid' | 'awaiting payment' | 'withdrawn' | 'refunded';

/** One person's pledges to one wish. */
export interface MyPledge {
  readonly wish: Wish;
  /** Their pledges to it, oldest first. */
  readonly pledges: readonly (Pledge & { readonly state: MyPledgeState })[];
  /** Paid plus awaiting payment, minor units. */
  readonly standing: number;
  /** Awaiting payment (committed), minor units: what a withdrawal takes back. */
  readonly unpaid: number;
  /** Whether `withdrawPledge` would succeed now: unpaid pledges on a wish not yet funded. */
  readonly canWithdraw: boolean;
}

/** A person as a front-end knows them: the pledger source and id it records. */
export type PledgingUser = Pick<Pledger, 'source' | 'id'>;

/** The state of a pledge: a released one is "withdrawn" while its wish goes on, "refunded" once the wish was cancelled or expired. */
export function pledgeState(wish: Pick<Wish, 'status'>, pledge: Pick<Pledge, 'status'>): MyPledgeState {
  if (pledge.status === 'paid') return 'paid';
  if (pledge.status === 'committed') return 'awaiting payment';
  return wish.status === 'cancelled' || wish.status === 'expired' ? 'refunded' : 'withdrawn';
}

/**
 * Every identity a person's pledges may be recorded under: themselves, and the GitHub login
 * they linked (core/pledger.ts records a linked person's pledges under that login).
 */
export async function pledgingIdentities({ links, person, userRef }: { links: Pick<IdentityLinkStore, 'find'> | null; person: PledgingUser; userRef: string }): Promise<PledgingUser[]> {
  const ids: PledgingUser[] = [person];
  const login = links ? (await links.find(userRef))?.githubLogin?.trim().toLowerCase() : null;
  if (login) ids.push({ source: 'github', id: login });
  return ids;
}

/** One person's view of their pledges to one wish. */
export function myPledgeOf(wish: Wish, identities: readonly PledgingUser[]): MyPledge {
  const keys = new Set(identities.map((p) => pledgerKey({ ...p, display: '' })));
  const pledges = wish.pledges.filter((p) => keys.has(pledgerKey(p.pledger))).map((p) => ({ ...p, state: pledgeState(wish, p) }));
  const standing = pledges.reduce((s, p) => (p.status === 'refunded' ? s : s + p.amount), 0);
  const unpaid = pledges.reduce((s, p) => (p.status === 'committed' ? s + p.amount : s), 0);
  return { wish, pledges, standing, unpaid, canWithdraw: unpaid > 0 && acceptsPledges(wish) };
}

/**
 * "My pledges" (Slack `pledges`, Discord `/pledges`): the wishes a person pledged to, with
 * each pledge's amount and state, the ones still running first.
 */
export async function myPledges({
  wishes,
  links = null,
  person,
  userRef,
  limit = 25,
}: {
  wishes: Pick<WishStore, 'pledgedBy'>;
  links?: Pick<IdentityLinkStore, 'find'> | null;
  person: PledgingUser;
  /** How identity links name the person (`discord:<id>`, `slack:<user>`). */
  userRef: string;
  limit?: number;
}): Promise<MyPledge[]> {
  const identities = await pledgingIdentities({ links, person, userRef });
  const found = await wishes.pledgedBy(identities, limit);
  const rank = (m: MyPledge) => (m.canWithdraw ? 0 : acceptsPledges(m.wish) ? 1 : m.standing > 0 ? 2 : 3);
  return found.map((w) => myPledgeOf(w, identities)).sort((a, b) => rank(a) - rank(b));
}
