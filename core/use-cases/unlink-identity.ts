import { DomainError } from '../errors.ts';
import type { IdentityLinkStore } from '../ports/identity-links.ts';

/**
 * Forgets a chat user's GitHub login (Discord `/unlink github`): their next pledges are
 * recorded under their chat name again. Pledges already made stay where they were recorded
 * (under the GitHub login), since pledgers and payments refer to them. A pending code is
 * dropped too, so it can no longer confirm anything. Nothing linked: `not_found`.
 */
export async function unlinkIdentity({ links, userRef }: { links: Pick<IdentityLinkStore, 'remove'>; userRef: string }): Promise<{ githubLogin: string | null; pendingLogin: string | null }> {
  const removed = await links.remove(userRef);
  if (!removed || (!removed.githubLogin && !removed.pendingLogin)) {
    throw new DomainError('not_found', 'Your account is not linked to a GitHub login, so there is nothing to unlink.', {});
  }
  return { githubLogin: removed.githubLogin, pendingLogin: removed.pendingLogin };
}
