// Posts a recorded notice to a Discord channel (its id) through the REST API with the bot
// token, and keeps wish cards live: a notice about a wish is posted as the wish's card and
// remembered (wish → channel and message), and the `wish_cards` notice that every later change
// of the wish records edits each remembered card in place (PATCH, never a new message). SDK
// retries are off: the worker's queue owns retries and back-off, per destination.
//
// Every message is created with a nonce derived from the notification's key and
// `enforce_nonce`: when an attempt died after Discord created the message, the retry's create
// returns that message instead of a second one (Discord keeps nonces for a few minutes; the
// queue retries a killed worker's job well within that).
import { createHash } from 'node:crypto';
import { DiscordAPIError } from '@discordjs/rest';
import { PermanentDeliveryError, type Deliver } from '../../core/ports/deliverers.ts';
import type { Ports } from '../../core/ports/index.ts';
import type { Notice } from '../../core/ports/notifications.ts';
import { parseWishId, type WishId } from '../../core/wishlist.ts';
import { createDiscordApi } from './commands.ts';
import type { DiscordSettings } from './deps.ts';
import { cardEdit, renderNotice, renderWishNotice } from './notices.ts';
import { deliverToThread } from './gateway/thread-deliverer.ts';

export type DiscordDelivererDeps = Pick<Ports, 'wishes' | 'wishMessages' | 'gateway' | 'threads'> & {
  settings: Pick<DiscordSettings, 'apiUrl'> & { botToken: string };
  /** Base of the share-page links on cards (PUBLIC_URL). */
  publicUrl: string | null;
};

/** Discord's nonce: at most 25 characters, the same for every attempt of one notification. */
export const messageNonce = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 25);

/** Cards edited per change: the newest ones (older cards scroll out of sight anyway). */
const MAX_CARDS = 25;

/** 4xx (unknown channel or message, missing access) will not change; 429 and 5xx are retried. */
const isFinal = (e: unknown): e is DiscordAPIError => e instanceof DiscordAPIError && e.status >= 400 && e.status < 500 && e.status !== 429;

const wishOf = (notice: Notice): WishId | null => {
  const id = notice.data?.wishId;
  if (typeof id !== 'string') return null;
  const parsed = parseWishId(id);
  return parsed.ok ? parsed.value : null;
};

export function discordDeliverer(deps: DiscordDelivererDeps): Deliver {
  const { settings } = deps;
  const api = createDiscordApi({ apiUrl: settings.apiUrl, botToken: settings.botToken });
  const look = () => ({ offline: deps.gateway.mode !== 'stripe', publicUrl: deps.publicUrl });

  /** Edits every remembered card of the wish to show it as it is now; a card that is gone is forgotten. */
  async function refreshCards(wishId: WishId): Promise<void> {
    const wish = await deps.wishes.get(wishId);
    if (!wish) return;
    const body = cardEdit(wish, look());
    for (const card of await deps.wishMessages.list(wishId, 'discord_card', MAX_CARDS)) {
      try {
        await api.channels.editMessage(card.channel, card.messageId, body);
      } catch (e) {
        if (!isFinal(e)) throw e;
        await deps.wishMessages.forget('discord_card', card.channel, card.messageId);
      }
    }
  }

  return async (destination, notice, attempt) => {
    const once = { nonce: messageNonce(attempt.key), enforce_nonce: true };
    try {
      if (notice.kind === 'wish_thread') return await deliverToThread(api, deps, destination, notice, once.nonce); // an issue comment, into the wish's thread
      if (notice.kind === 'wish_cards') {
        const id = parseWishId(destination);
        if (!id.ok) throw new PermanentDeliveryError(`not a wish: ${destination}`);
        return await refreshCards(id.value);
      }
      const wishId = wishOf(notice);
      const wish = wishId ? await deps.wishes.get(wishId) : null;
      if (!wish) {
        const message = await api.channels.createMessage(destination, { ...renderNotice(notice), ...once });
        return { channel: destination, id: message.id };
      }
      const message = await api.channels.createMessage(destination, { ...renderWishNotice(notice, wish, look()), ...once });
      await deps.wishMessages.remember({ wishId: wish.id, kind: 'discord_card', channel: destination, messageId: message.id, pledgeId: null });
      return { channel: destination, id: message.id };
    } catch (e) {
      if (isFinal(e)) throw new PermanentDeliveryError(`Discord refused the message: ${e.status} ${e.message}`);
      throw e;
    }
  };
}
