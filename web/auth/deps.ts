// What web sign-in needs, declared where it is used: its settings (from app/config.ts), the
// inbound log (a sign-in callback is handled once) and which Slack workspaces may sign in.
import type { Ports } from '../../core/ports/index.ts';
import type { Logger } from '../../edge/logger.ts';

/** Maintainer sign-in: the GitHub App's user authorization (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET). */
export interface GithubSignInSettings {
  clientId: string;
  clientSecret: string;
  /** Where browsers authorize and codes are exchanged (GITHUB_WEB_URL), e.g. `https://github.com`. */
  webUrl: string;
  /** REST base for `GET /user` (GITHUB_API_URL). */
  apiUrl: string;
}

/** Company sign-in: Sign in with Slack, OpenID Connect (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET). */
export interface SlackSignInSettings {
  clientId: string;
  clientSecret: string;
  /** Authorization and signing keys (SLACK_WEB_URL), e.g. `https://slack.com`; also the ID token's issuer. */
  webUrl: string;
  /** Web API base for `openid.connect.token` / `openid.connect.userInfo` (SLACK_API_URL, trailing slash). */
  apiUrl: string;
  /** The one workspace of SLACK_BOT_TOKEN, or every workspace that installed the app (SLACK_STATE_SECRET). */
  workspaces: { kind: 'single'; botToken: string } | { kind: 'installed' };
}

export interface SignInSettings {
  /** UPKEEP_SESSION_SECRET (32+ characters); required by app/config.ts once a sign-in is configured. */
  sessionSecret: string | null;
  github: GithubSignInSettings | null;
  slack: SlackSignInSettings | null;
}

/** A Slack workspace as Slack signed it in the ID token. */
export interface SignedWorkspace {
  teamId: string;
  enterpriseId: string | null;
}

/** Whether people of a workspace may sign in: it is the app's workspace, or it installed the app. */
export interface SlackWorkspaces {
  accepts(workspace: SignedWorkspace): Promise<boolean>;
}

export type AuthDeps = Pick<Ports, 'inbound'> & {
  log: Logger;
  /** Base of the callback URLs (PUBLIC_URL). */
  publicUrl: string;
  settings: SignInSettings;
  /** Required when Slack sign-in is configured. */
  workspaces: SlackWorkspaces | null;
};
