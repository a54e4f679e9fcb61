// A message posted in a wish's Discord thread (received through the Gateway), relayed to the
// wish's GitHub issue through the outbox, attributed to its author (their linked GitHub login
// when there is one). Upkeep's own messages and bots are not relayed; one notice per message
// event, keyed by the Discord message id, so a replayed dispatch changes nothing.
import { noticeKeys } from '../../keys.ts';
import type { Ports } from '../../ports/index.ts';
import type { WishThreadStore } from '../../ports/threads.ts';
import { attributionOf, GITHUB_EXCERPT, relayLine, shorten, visibleText } from './relay-rules.ts';

/** A thread message as the Gateway delivered it (MESSAGE_CREATE, MESSAGE_UPDATE or MESSAGE_DELETE). */
export interface ThreadMessage {
  readonly event: 'created' | 'edited' | 'deleted';
  readonly id: string;
  /** The channel it was posted in (a thread, when it is one of Upkeep's). */
  readonly channelId: string;
  readonly guildId: string | null;
  /** Absent on a deletion (Discord sends only the ids). */
  readonly author?: { readonly id: string; readonly name: string; readonly bot: boolean };
  readonly content?: string;
  /** When it was edited (MESSAGE_UPDATE), which tells edits apart. */
  readonly editedAt?: string | null;
}

export type RelayDiscordMessageOptions = Pick<Ports, 'identityLinks' | 'outbox'> & {
  threads: WishThreadStore;
  /** Upkeep's own bot user (its messages are never relayed, bot or not). */
  selfId: string | null;
  message: ThreadMessage;
};

export type RelayOutcome = 'relayed' | 'not_a_thread' | 'own_or_bot' | 'empty';

export async function relayDiscordMessage({ threads, identityLinks, outbox, selfId, message: m }: RelayDiscordMessageOptions): Promise<RelayOutcome> {
  if (m.author && (m.author.bot || m.author.id === selfId)) return 'own_or_bot';
  const thread = await threads.byThread(m.channelId);
  if (!thread) return 'not_a_thread';
  if (await threads.isRelayMessage(m.id)) return 'own_or_bot';
  const url = m.guildId ? `https://discord.com/channels/${m.guildId}/${m.channelId}/${m.id}` : null;
  const key = noticeKeys.threadMessage(m.id, m.event === 'edited' ? `edited:${m.editedAt ?? ''}` : m.event);
  if (m.event === 'deleted') {
    await outbox.enqueue([
      { key, target: `direct:github:${thread.wishId}`, kind: 'wish_thread', text: `A Discord message on ${thread.wishId} was deleted.`, data: { wishId: thread.wishId, direction: 'to_github', messageId: m.id, event: 'deleted' } },
    ]);
    return 'relayed';
  }
  const text = visibleText(m.content ?? '');
  if (!text || !m.author) return 'empty';
  const author = attributionOf(await identityLinks.find(`discord:${m.author.id}`), visibleText(m.author.name));
  await outbox.enqueue([
    {
      key,
      target: `direct:github:${thread.wishId}`,
      kind: 'wish_thread',
      text: relayLine(author, 'Discord', text),
      data: { wishId: thread.wishId, direction: 'to_github', messageId: m.id, event: m.event, author, body: shorten(text, GITHUB_EXCERPT), url },
    },
  ]);
  return 'relayed';
}
