// Posts a recorded notice to a Slack channel (`T0123/C0456`) with chat.postMessage, with the
// single workspace's bot token or the token of the workspace's OAuth installation. SDK retries
// are off: the worker's queue owns retries and back-off, per destination.
import { WebClient } from '@slack/web-api';
import { PermanentDeliveryError, type Deliver } from '../../core/ports/deliverers.ts';
import type { SlackInstallations, SlackSettings } from './deps.ts';
import { renderNotice } from './notices.ts';

export interface SlackDelivererDeps {
  settings: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
  /** Multi-workspace mode: where each workspace's bot token is kept. */
  installations: Pick<SlackInstallations, 'botTokenOf'> | null;
}

/** Slack answers that retrying cannot fix. */
const SLACK_PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'no_permission', 'missing_scope', 'not_authed', 'msg_too_long', 'invalid_blocks']);

/** `T0123/C0456` → team and channel; a bare channel id has no team. */
export function parseSlackDestination(destination: string): { team: string | null; channel: string } {
  const i = destination.indexOf('/');
  return i < 0 ? { team: null, channel: destination } : { team: destination.slice(0, i), channel: destination.slice(i + 1) };
}

export function slackDeliverer({ settings, installations }: SlackDelivererDeps): Deliver {
  const clients = new Map<string, WebClient>();
  const clientFor = async (team: string | null): Promise<WebClient> => {
    // Multi-workspace (OAuth): the workspace's installation holds its bot token.
    const token = settings.botToken ?? (team && installations ? await installations.botTokenOf(team) : null);
    if (!token) throw new PermanentDeliveryError(`no Slack bot token for workspace ${team ?? '(none)'}`);
    let client = clients.get(token);
    if (!client) {
      client = new WebClient(token, { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      clients.set(token, client);
    }
    return client;
  };
  return async (destination, notice) => {
    const { team, channel } = parseSlackDestination(destination);
    const client = await clientFor(team);
    try {
      const { text, blocks } = renderNotice(notice);
      await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
    } catch (e) {
      const code = (e as { data?: { error?: string } }).data?.error;
      if (code && SLACK_PERMANENT.has(code)) throw new PermanentDeliveryError(`Slack refused the message: ${code}`);
      throw e;
    }
  };
}
