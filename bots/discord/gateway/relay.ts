// A Gateway dispatch about a message (MESSAGE_CREATE, MESSAGE_UPDATE, MESSAGE_DELETE) in one of
// Upkeep's wish threads, handed to the relay use-case once: messages elsewhere, and bots'
// (Upkeep's own included), are dropped before anything is written; the rest go through the
// inbound log (`receiveOnce`, record-after: the relay's outbox notice has its own key), so the
// same dispatch replayed, by the same session or a new one, changes nothing.
import type { GatewayMessageCreateDispatchData, GatewayMessageDeleteDispatchData, GatewayMessageUpdateDispatchData } from '@discordjs/core';
import { receiveOnce } from '../../../core/inbound.ts';
import type { Ports } from '../../../core/ports/index.ts';
import { relayDiscordMessage, type RelayOutcome, type ThreadMessage } from '../../../core/use-cases/wishes/relay-discord-message.ts';

export type ThreadRelayDeps = Pick<Ports, 'threads' | 'identityLinks' | 'outbox' | 'inbound'>;

/** The message of a dispatch, or null when it is not one to relay (a bot's, a partial update without text). */
export function threadMessageOf(
  event: ThreadMessage['event'],
  d: GatewayMessageCreateDispatchData | GatewayMessageUpdateDispatchData | GatewayMessageDeleteDispatchData,
): ThreadMessage | null {
  const base = { id: d.id, channelId: d.channel_id, guildId: d.guild_id ?? null };
  if (event === 'deleted') return { event, ...base };
  const m = d as GatewayMessageCreateDispatchData;
  if (!m.author || typeof m.content !== 'string') return null;
  if (m.author.bot || m.webhook_id) return null;
  const name = m.member?.nick ?? m.author.global_name ?? m.author.username;
  return { event, ...base, author: { id: m.author.id, name, bot: Boolean(m.author.bot) }, content: m.content, editedAt: m.edited_timestamp ?? null };
}

/** Relays one dispatch at most once; `duplicate` when it was handled before. */
export async function relayDispatch(deps: ThreadRelayDeps, selfId: string | null, message: ThreadMessage): Promise<RelayOutcome | 'duplicate'> {
  if (message.author?.id === selfId) return 'own_or_bot';
  // Only Upkeep's threads matter; other channels' messages leave no trace.
  if (!(await deps.threads.byThread(message.channelId))) return 'not_a_thread';
  const externalId = message.event === 'edited' ? `edited:${message.id}:${message.editedAt ?? ''}` : `${message.event}:${message.id}`;
  const received = await receiveOnce(deps.inbound, { source: 'discord-gateway', externalId, kind: `MESSAGE_${message.event.toUpperCase()}` }, 'record-after', () =>
    relayDiscordMessage({ ...deps, selfId, message }),
  );
  return received.duplicate ? 'duplicate' : received.value;
}
