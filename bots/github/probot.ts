// The Probot instance of the configured App (webhooks, and installation tokens for API reads).
import { Probot, ProbotOctokit } from 'probot';
import type { Logger } from '../../edge/logger.ts';
import type { GithubSettings } from './deps.ts';

export interface GithubClientOptions {
  /** Octokit retries and throttling (on by default; tests turn them off to fail fast). */
  retries?: boolean;
}

export type Octokit = ProbotOctokit;

export function createProbot(settings: GithubSettings, log: Logger, options: GithubClientOptions = {}): Probot {
  // A function default runs after Probot's own layer, which would otherwise replace `throttle`.
  const Octokit =
    options.retries === false
      ? ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { ...(o.throttle as object), enabled: false } }))
      : ProbotOctokit;
  return new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.apiUrl.replace(/\/+$/, ''),
    Octokit: Octokit as typeof ProbotOctokit,
    // Probot bundles its own pino typings; the logger is a pino logger all the same.
    log: log.child({ adapter: 'github' }) as never,
  });
}

/** Status of an Octokit RequestError, or null for anything else. */
export function httpStatus(e: unknown): number | null {
  return typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'number' ? (e as { status: number }).status : null;
}

/** Write access or more (admin, maintain, write), asked of GitHub; anything else is a reader. */
export async function hasWriteAccess(octokit: Octokit, owner: string, repo: string, username: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    const role = (data as { role_name?: string }).role_name ?? '';
    return ['admin', 'maintain', 'write'].includes(data.permission) || ['admin', 'maintain', 'write'].includes(role);
  } catch (e) {
    if (httpStatus(e) === 404) return false; // not a collaborator
    throw e;
  }
}
