/**
 * Which identity a pledge is recorded under. A person who proved a GitHub login (Discord
 * `/link github`, confirmed by a GitHub comment) pledges as that login from every front-end,
 * so their pledges add up under one name; anyone else pledges as the front-end knows them.
 */
import type { Pledger } from './wishlist.ts';

/** A person as a front-end knows them, before any identity link is applied. */
export interface PledgingPerson {
  readonly source: Pledger['source'];
  /** The front-end's stable id: a Discord user id, Slack's `slack:<team>:<user>`, a GitHub login. */
  readonly id: string;
  /** Names to show, best first (Discord: global name, then username); blank ones are skipped. */
  readonly names: readonly (string | null | undefined)[];
}

/** The pledger for `person`: their confirmed GitHub login when they have one, else themselves (GitHub logins are ids in lower case). */
export function pledgerIdentity(person: PledgingPerson, link: { readonly githubLogin: string | null } | null): Pledger {
  const name = person.names.map((n) => n?.trim() ?? '').find((n) => n !== '');
  if (person.source === 'github') return { source: 'github', id: person.id.toLowerCase(), display: name ?? person.id };
  const login = link?.githubLogin?.trim();
  if (login) return { source: 'github', id: login.toLowerCase(), display: login };
  return { source: person.source, id: person.id, display: name ?? person.id };
}
