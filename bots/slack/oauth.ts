// How the app is authorised in a workspace: one bot token (single workspace), or Slack's OAuth
// install flow storing each workspace's installation (multi-workspace).
import type { App, Authorize, HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from '../../edge/logger.ts';
import type { SlackDeps } from './deps.ts';

/**
 * Bot scopes the app asks for (also in slack-app-manifest.yml). The history scopes and
 * `im:write` let a retried notice find the message an earlier attempt posted (bots/slack/deliverer.ts).
 */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:read', 'users:read', 'channels:history', 'groups:history', 'im:history', 'im:write'];

export const INSTALL_PATH = '/slack/install';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

type ClientOptions = NonNullable<HTTPReceiverOptions['installerOptions']>['clientOptions'];

/** The receiver's OAuth options in multi-workspace mode; none for a single workspace. */
export function installOptions(deps: Pick<SlackDeps, 'settings' | 'installations' | 'publicUrl'>, clientOptions: ClientOptions): Partial<HTTPReceiverOptions> {
  const { oauth } = deps.settings;
  if (!oauth) return {};
  if (!deps.installations) throw new Error('Slack OAuth needs an installation store');
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: BOT_SCOPES,
    installationStore: deps.installations,
    redirectUri: `${deps.publicUrl}${OAUTH_REDIRECT_PATH}`,
    installerOptions: { installPath: INSTALL_PATH, redirectUriPath: OAUTH_REDIRECT_PATH, directInstall: true, clientOptions },
  };
}

/**
 * Single workspace: every request is served with the one bot token. Its identity (auth.test) is
 * asked once, in the background: only the self-message filter needs it, and a slow Slack API
 * must never delay an ack.
 */
export function singleWorkspaceAuthorize(botToken: string, client: () => App['client'], log: Logger): Authorize<boolean> {
  let identity: { botId: string; botUserId: string } | null = null;
  let asking = false;
  return async () => {
    if (!identity && !asking) {
      asking = true;
      client()
        .auth.test({ token: botToken })
        .then((r) => {
          identity = { botId: String(r.bot_id ?? ''), botUserId: String(r.user_id ?? '') };
        })
        .catch((e: unknown) => log.warn({ err: e }, 'auth.test failed; will ask again'))
        .finally(() => {
          asking = false;
        });
    }
    return { botToken, ...(identity ?? {}) };
  };
}
