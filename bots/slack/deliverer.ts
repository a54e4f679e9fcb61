// Posts a recorded notice to a Slack channel (`T0123/C0456`) with chat.postMessage, with the
// single workspace's bot token or the token of the workspace's OAuth installation. SDK retries
// are off: the worker's queue owns retries and back-off, per destination.
//
// Each message carries the notification's key in its metadata. When an earlier attempt of the
// same delivery began (it may have posted, then died before the row said delivered), the
// channel's history since then is read first and a message carrying the key is taken as the
// delivery instead of posting it again.
import { ErrorCode, WebClient } from '@slack/web-api';
import { PermanentDeliveryError, type Deliver, type DeliveryAttempt, type MessageRef } from '../../core/ports/deliverers.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import { rendersCurrentState } from '../../core/wish-notices.ts';
import type { SlackInstallations, SlackSettings } from './deps.ts';
import { renderNotice } from './notices.ts';

export interface SlackDelivererDeps {
  settings: Pick<SlackSettings, 'botToken' | 'apiUrl'>;
  /** Multi-workspace mode: where each workspace's bot token is kept. */
  installations: Pick<SlackInstallations, 'botTokenOf'> | null;
}

/** Slack answers that retrying cannot fix. */
const SLACK_PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'no_permission', 'missing_scope', 'not_authed', 'msg_too_long', 'invalid_blocks']);

/** The metadata event type of Upkeep's notices; its payload holds the notification's key. */
export const NOTICE_METADATA_EVENT = 'upkeep_notification';
/** History is read from this long before the earlier attempt began (Slack's clock and the database's differ). */
const LOOKBACK_MS = 5 * 60_000;
/** Pages of history read at most (a busy channel: 5 × 200 messages since the attempt began). */
const HISTORY_PAGES = 5;
const HISTORY_PAGE = 200;

/** `T0123/C0456` → team and channel; a bare channel id has no team. */
export function parseSlackDestination(destination: string): { team: string | null; channel: string } {
  const i = destination.indexOf('/');
  return i < 0 ? { team: null, channel: destination } : { team: destination.slice(0, i), channel: destination.slice(i + 1) };
}

/** A user id: the notice goes to that person's conversation with the app. */
const isUser = (channel: string): boolean => /^[UW][A-Z0-9]+$/.test(channel);

/** Slack's own refusal (`ok: false`), as opposed to a network or server failure. */
const slackError = (e: unknown): string | null => ((e as { code?: string }).code === ErrorCode.PlatformError ? ((e as { data?: { error?: string } }).data?.error ?? 'unknown') : null);

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * The message carrying `key` posted in `channel` since `since` (minus the look-back), or null.
 * `unknown` when Slack refuses to show the history (an installation without the history
 * scopes, a public channel the app posts to without being in it): the delivery then posts
 * without checking, as before.
 */
async function findPosted(client: WebClient, channel: string, key: string, since: Date): Promise<MessageRef | null | 'unknown'> {
  try {
    // A person's conversation with the app has its own id (D…), which the post may not have told us.
    const conversation = isUser(channel) ? ((await client.conversations.open({ users: channel })).channel?.id ?? channel) : channel;
    const oldest = ((since.getTime() - LOOKBACK_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const history = await client.conversations.history({ channel: conversation, oldest, limit: HISTORY_PAGE, include_all_metadata: true, ...(cursor ? { cursor } : {}) });
      const found = ((history.messages ?? []) as HistoryMessage[]).find((m) => m.metadata?.event_type === NOTICE_METADATA_EVENT && m.metadata.event_payload?.key === key);
      if (found?.ts) return { channel: conversation, id: found.ts };
      cursor = history.response_metadata?.next_cursor || undefined;
      if (!history.has_more || !cursor) return null;
    }
    return 'unknown';
  } catch (e) {
    if (slackError(e) !== null) return 'unknown';
    throw e;
  }
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

  async function post(client: WebClient, channel: string, notice: Notice, attempt: DeliveryAttempt): Promise<MessageRef> {
    const { text, blocks } = renderNotice(notice);
    if (attempt.earlierSince) {
      const posted = await findPosted(client, channel, attempt.key, attempt.earlierSince);
      if (posted && posted !== 'unknown') {
        // A notice that shows its subject as it is now is brought up to date; others stand as posted.
        if (rendersCurrentState(notice)) await client.chat.update({ channel: posted.channel, ts: posted.id, text, blocks });
        return posted;
      }
    }
    const result = await client.chat.postMessage({ channel, text, blocks, unfurl_links: false, metadata: { event_type: NOTICE_METADATA_EVENT, event_payload: { key: attempt.key } } });
    return { channel: result.channel ?? channel, id: String(result.ts) };
  }

  return async (destination, notice, attempt) => {
    const { team, channel } = parseSlackDestination(destination);
    const client = await clientFor(team);
    try {
      return await post(client, channel, notice, attempt);
    } catch (e) {
      const code = slackError(e);
      if (code && SLACK_PERMANENT.has(code)) throw new PermanentDeliveryError(`Slack refused the message: ${code}`);
      throw e;
    }
  };
}
