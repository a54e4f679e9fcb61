// Web sign-in for the composition root: the session support and the sign-in routes, in the
// order they must be registered (sessions before any page that reads them).
import { randomBytes } from 'node:crypto';
import type { RoutePlugin } from '../../edge/http.ts';
import type { AuthDeps } from './deps.ts';
import { authRoutes } from './routes.ts';
import { sessionPlugin } from './session.ts';
import { botTokenWorkspace, installedWorkspaces } from './slack-workspaces.ts';

export type { AuthDeps, SignInSettings } from './deps.ts';
export { sessions, type Sessions, type WebSession } from './session.ts';

/**
 * Sessions and /auth/*. Without UPKEEP_SESSION_SECRET (so without any sign-in) the CSRF tokens of
 * public forms are still checked, under a key made for this process.
 */
export function signInRoutes(deps: Omit<AuthDeps, 'workspaces'> & { installedIn: (teamId: string) => Promise<boolean> }): RoutePlugin[] {
  const { installedIn, ...rest } = deps;
  const slack = rest.settings.slack;
  const workspaces = !slack ? null : slack.workspaces.kind === 'single' ? botTokenWorkspace(slack.apiUrl, slack.workspaces.botToken) : installedWorkspaces(installedIn);
  const secret = rest.settings.sessionSecret ?? randomBytes(32).toString('base64url');
  return [sessionPlugin({ secret, secureCookies: rest.publicUrl.startsWith('https:') }), authRoutes({ ...rest, workspaces })];
}
