// Which Slack workspaces may sign in on the web: the workspace of SLACK_BOT_TOKEN (asked once with
// auth.test), or every workspace with an installation of the app (multi-workspace mode).
import type { SignedWorkspace, SlackWorkspaces } from './deps.ts';

/** Single workspace: the team the bot token belongs to. */
export function botTokenWorkspace(apiUrl: string, botToken: string): SlackWorkspaces {
  let team: Promise<string> | null = null;
  const ask = async (): Promise<string> => {
    const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
    const res = await fetch(`${base}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/x-www-form-urlencoded' } });
    const body = (await res.json().catch(() => null)) as { ok?: boolean; team_id?: unknown; error?: unknown } | null;
    if (!body?.ok || typeof body.team_id !== 'string') throw new Error(`Slack auth.test failed: ${String(body?.error ?? res.status)}`);
    return body.team_id;
  };
  return {
    async accepts(workspace: SignedWorkspace) {
      // A failed answer is asked again next time; a good one is kept.
      team ??= ask().catch((e: unknown) => {
        team = null;
        throw e;
      });
      return (await team) === workspace.teamId;
    },
  };
}

/** Multi-workspace: any workspace (or its enterprise) that installed the app. */
export function installedWorkspaces(isInstalled: (teamId: string) => Promise<boolean>): SlackWorkspaces {
  return {
    accepts: async ({ teamId, enterpriseId }) => (await isInstalled(teamId)) || (enterpriseId !== null && (await isInstalled(enterpriseId))),
  };
}
