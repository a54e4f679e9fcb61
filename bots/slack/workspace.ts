// Who a Slack request speaks for: the verified team (and enterprise) is the company's workspace,
// the user is `slack:U…`. Channels that follow wishes are `T…/C…`.
import type { Actor } from '../../core/ports/companies.ts';

/** `slack:T0123`, or `slack:E0123:T0456` inside an Enterprise Grid: the company's workspace key. */
export function workspaceOf(teamId: string | null | undefined, enterpriseId: string | null | undefined): string | null {
  if (!teamId) return null;
  return enterpriseId ? `slack:${enterpriseId}:${teamId}` : `slack:${teamId}`;
}

/** Where notifications go: `T0123/C0456`. */
export const channelRef = (teamId: string, channelId: string): string => `${teamId}/${channelId}`;

/** The acting user of a request from `teamId`, or null when the request names no workspace. */
export function actorOf(userId: string, teamId: string | null | undefined, enterpriseId: string | null | undefined): Actor | null {
  const workspace = workspaceOf(teamId, enterpriseId);
  return workspace ? { userRef: `slack:${userId}`, workspace } : null;
}
