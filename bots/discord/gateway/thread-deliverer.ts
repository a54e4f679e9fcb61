// Delivers `wish_thread` notices to Discord (CONTRACT §6): an issue comment relayed into the
// wish's thread of the channel that follows its repository. The thread is started on the first
// relayed comment and remembered; the message posted for a comment is remembered too, so an edit
// updates it and a deletion removes it. A delivery retried after posting finds the remembered
// message and posts nothing twice.
import type { API } from '@discordjs/core/http-only';
import { ChannelType, ThreadAutoArchiveDuration } from '@discordjs/core/http-only';
import type { Ports } from '../../../core/ports/index.ts';
import type { Notice } from '../../../core/ports/notifications.ts';
import { shorten } from '../../../core/use-cases/wishes/relay-rules.ts';
import { parseWishId, type WishId } from '../../../core/wishlist.ts';

export type ThreadDelivererDeps = Pick<Ports, 'threads'>;

/** Discord's limit for a thread name. */
const THREAD_NAME = 100;

/** Escapes Discord Markdown in a name shown in bold. */
const plain = (s: string): string => s.replace(/[*_`~|>\\]/g, (c) => `\\${c}`);

/** The message that shows an issue comment in its thread. */
export function threadMessage(data: Readonly<Record<string, unknown>>): { content: string; allowed_mentions: { parse: [] } } {
  const url = typeof data.url === 'string' ? `\n-# [View the comment on GitHub](<${data.url}>)` : '';
  const edited = data.event === 'edited' ? ' (edited)' : '';
  const content = `**${plain(String(data.author))}** commented on GitHub${edited}:\n${String(data.body)}${url}`;
  // Nobody is pinged by text relayed from GitHub (@everyone, roles, users).
  return { content: shorten(content, 2_000), allowed_mentions: { parse: [] } };
}

/** Thread starts in progress in this process, by `wish|channel` (two comments at once start one thread). */
const starting = new Map<string, Promise<string>>();

/** The thread of the wish in `channel`, started (and remembered) when there is none yet. */
async function threadFor(api: API, deps: ThreadDelivererDeps, wishId: WishId, channel: string, title: string): Promise<string> {
  const known = await deps.threads.threadOf(wishId, channel);
  if (known) return known;
  const key = `${wishId}|${channel}`;
  const pending = starting.get(key);
  if (pending) return pending;
  const start = startThread(api, deps, wishId, channel, title).finally(() => starting.delete(key));
  starting.set(key, start);
  return start;
}

async function startThread(api: API, deps: ThreadDelivererDeps, wishId: WishId, channel: string, title: string): Promise<string> {
  const thread = await api.channels.createThread(channel, {
    name: shorten(`${wishId} ${title}`.trim(), THREAD_NAME),
    type: ChannelType.PublicThread,
    auto_archive_duration: ThreadAutoArchiveDuration.OneWeek,
  });
  return deps.threads.remember({ wishId, channel, threadId: thread.id });
}

/** `nonce`: the delivery's stable nonce, so a retry after Discord created the message gets that message back. */
export async function deliverToThread(api: API, deps: ThreadDelivererDeps, channel: string, notice: Notice, nonce?: string): Promise<void> {
  const d = notice.data;
  const parsed = parseWishId(String(d.wishId));
  if (!parsed.ok || typeof d.commentId !== 'number') throw new Error(`not a thread relay: ${notice.key}`);
  const wishId = parsed.value;
  const relayed = await deps.threads.relayedMessage(d.commentId, channel);
  if (d.event === 'deleted') {
    if (!relayed) return;
    const threadId = await deps.threads.threadOf(wishId, channel);
    if (threadId) await api.channels.deleteMessage(threadId, relayed).catch((e: unknown) => (isUnknown(e) ? undefined : Promise.reject(e)));
    await deps.threads.forgetRelay(d.commentId, channel);
    return;
  }
  const threadId = await threadFor(api, deps, wishId, channel, String(d.title ?? ''));
  if (relayed) {
    if (d.event === 'edited') await api.channels.editMessage(threadId, relayed, threadMessage(d));
    return;
  }
  const message = await api.channels.createMessage(threadId, { ...threadMessage(d), ...(nonce ? { nonce, enforce_nonce: true } : {}) });
  await deps.threads.rememberRelay({ commentId: d.commentId, channel, threadId, messageId: message.id });
}

/** A message already gone (deleted by a moderator) needs no deletion. */
const isUnknown = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { status?: number }).status === 404;
