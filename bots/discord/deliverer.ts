// Posts a recorded notice to a Discord channel (its id) through the REST API with the bot
// token. SDK retries are off: the worker's queue owns retries and back-off, per destination.
import { DiscordAPIError } from '@discordjs/rest';
import { PermanentDeliveryError, type Deliver } from '../../core/ports/deliverers.ts';
import { createDiscordApi } from './commands.ts';
import type { DiscordSettings } from './deps.ts';
import { renderNotice } from './notices.ts';

export interface DiscordDelivererDeps {
  settings: Pick<DiscordSettings, 'apiUrl'> & { botToken: string };
}

export function discordDeliverer({ settings }: DiscordDelivererDeps): Deliver {
  const api = createDiscordApi({ apiUrl: settings.apiUrl, botToken: settings.botToken });
  return async (destination, notice) => {
    try {
      await api.channels.createMessage(destination, renderNotice(notice));
    } catch (e) {
      // 4xx (unknown channel, missing access) will not change; 429 and 5xx are retried.
      if (e instanceof DiscordAPIError && e.status >= 400 && e.status < 500 && e.status !== 429) {
        throw new PermanentDeliveryError(`Discord refused the message: ${e.status} ${e.message}`);
      }
      throw e;
    }
  };
}
