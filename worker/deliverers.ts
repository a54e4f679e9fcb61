// How a recorded notification reaches its channel, per platform, through the platform's SDK.
// SDK retries are off: the queue owns retries and back-off, per destination.
import { DiscordAPIError } from '@discordjs/rest';
import { WebClient } from '@slack/web-api';
import type { Services } from '../app/services.ts';
import { createDiscordApi } from '../bots/discord/commands.ts';
import { renderNotice as renderDiscordNotice } from '../bots/discord/notices.ts';
import { renderNotice as renderSlackNotice } from '../bots/slack/notices.ts';
import type { Notice } from '../core/ports/notifications.ts';
import { PermanentDeliveryError, type Deliverers } from './notifications.ts';

/** Slack answers that retrying cannot fix. */
const SLACK_PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'no_permission', 'missing_scope', 'not_authed', 'msg_too_long', 'invalid_blocks']);

/** `T0123/C0456` → team and channel; a bare channel id has no team. */
export function parseSlackDestination(destination: string): { team: string | null; channel: string } {
  const i = destination.indexOf('/');
  return i < 0 ? { team: null, channel: destination } : { team: destination.slice(0, i), channel: destination.slice(i + 1) };
}

export function createDeliverers(services: Services): Deliverers {
  const deliverers: Deliverers = {};
  const { slack, discord } = services.config;
  if (slack) {
    const clients = new Map<string, WebClient>();
    const clientFor = async (team: string | null): Promise<WebClient> => {
      let token = slack.botToken;
      if (!token && team) {
        // Multi-workspace (OAuth): the workspace's installation holds its bot token.
        const row = await services.db.prisma.slackInstallation.findFirst({ where: { OR: [{ id: team }, { teamId: team }] } });
        token = ((row?.installation as { bot?: { token?: string } } | null)?.bot?.token as string | undefined) ?? null;
      }
      if (!token) throw new PermanentDeliveryError(`no Slack bot token for workspace ${team ?? '(none)'}`);
      let client = clients.get(token);
      if (!client) {
        client = new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
        clients.set(token, client);
      }
      return client;
    };
    deliverers.slack = async (destination: string, notice: Notice) => {
      const { team, channel } = parseSlackDestination(destination);
      const client = await clientFor(team);
      try {
        const { text, blocks } = renderSlackNotice(notice);
        await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
      } catch (e) {
        const code = (e as { data?: { error?: string } }).data?.error;
        if (code && SLACK_PERMANENT.has(code)) throw new PermanentDeliveryError(`Slack refused the message: ${code}`);
        throw e;
      }
    };
  }
  if (discord?.botToken) {
    const api = createDiscordApi({ apiUrl: discord.apiUrl, botToken: discord.botToken });
    deliverers.discord = async (destination: string, notice: Notice) => {
      try {
        await api.channels.createMessage(destination, renderDiscordNotice(notice));
      } catch (e) {
        // 4xx (unknown channel, missing access) will not change; 429 and 5xx are retried.
        if (e instanceof DiscordAPIError && e.status >= 400 && e.status < 500 && e.status !== 429) {
          throw new PermanentDeliveryError(`Discord refused the message: ${e.status} ${e.message}`);
        }
        throw e;
      }
    };
  }
  return deliverers;
}
