// Names GitHub gives repositories and accounts, read into the core's identifiers.
import { unwrap } from '../../core/errors.ts';
import { parseRepo, type RepoId } from '../../core/wishlist.ts';

/** `Owner/Repo` → the API's owner and name, and the core's repository id (lower-case). */
export function splitRepository(fullName: string): { owner: string; repo: string; id: RepoId } {
  const [owner, repo] = fullName.split('/') as [string, string];
  return { owner, repo, id: unwrap(parseRepo(fullName)) };
}

/** Bots' comments and events are ignored (a missing account counts as one). */
export const isBotAccount = (a: { login?: string; type?: string } | null | undefined): boolean => !a || a.type === 'Bot' || (a.login ?? '').endsWith('[bot]');
