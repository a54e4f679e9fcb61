// Slash commands: /wishlist, /wish, /pledge, /subscribe and /link github. Each parses its
// options, calls a use-case and renders; input refused before any work is answered at once.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { PermissionFlagsBits } from '@discordjs/core/http-only';
import { unwrap } from '../../core/errors.ts';
import { parseAmount } from '../../core/money.ts';
import { LINK_CODE_MINUTES, parseGithubLogin, startIdentityLink } from '../../core/use-cases/link-identity.ts';
import { subscribeChannel } from '../../core/use-cases/subscribe-channel.ts';
import { getWish } from '../../core/use-cases/wishes/get-wish.ts';
import { listWishes } from '../../core/use-cases/wishes/list-wishes.ts';
import { parseRepo, parseWishId } from '../../core/wishlist.ts';
import { sendError } from '../../edge/http.ts';
import { MANAGE_CHANNELS } from './commands.ts';
import { CommandData, stringOption, userOf, userRef, type Interaction } from './interaction.ts';
import { pledge } from './pledges.ts';
import { linkInstructions, subscribeInAChannel, subscribeNeedsManageChannels, subscribed, unknownCommand, wishCard, wishlistReply } from './render.ts';
import type { Context } from './respond.ts';

export async function handleCommand(ctx: Context, i: Interaction, res: ServerResponse): Promise<void> {
  const data = CommandData.safeParse(i.data);
  if (!data.success) return sendError(res, 400, 'invalid_interaction', 'The command data does not have the shape Discord sends.');
  const { name, options } = data.data;
  if (!userOf(i)) return sendError(res, 400, 'invalid_interaction', 'The interaction names no user.');
  const { deps, out } = ctx;
  try {
    switch (name) {
      case 'wishlist': {
        const repo = unwrap(parseRepo(stringOption(options, 'repo')));
        return await out.respond(i, res, async () => wishlistReply(repo, await listWishes({ wishes: deps.wishes, repo })), { always: false, ephemeral: false });
      }
      case 'wish': {
        const id = unwrap(parseWishId(stringOption(options, 'id')));
        const offline = deps.gateway.mode !== 'stripe';
        return await out.respond(i, res, async () => wishCard(await getWish({ wishes: deps.wishes, id }), { offline }), { always: false, ephemeral: false });
      }
      case 'pledge': {
        const id = unwrap(parseWishId(stringOption(options, 'wish')));
        const amount = unwrap(parseAmount(stringOption(options, 'amount'), deps.currency));
        return await pledge(ctx, i, res, id, amount, 'pledge_command');
      }
      case 'subscribe':
        return await subscribe(ctx, i, res, stringOption(options, 'repo'));
      case 'link':
        return await link(ctx, i, res, parseGithubLogin(stringOption(options, 'login')));
      default:
        return out.reply(res, unknownCommand(name));
    }
  } catch (e) {
    // Input refused before any work: answered at once, ephemerally.
    if (res.headersSent) throw e;
    return out.reply(res, out.failure(i, e));
  }
}

async function subscribe({ deps, out }: Context, i: Interaction, res: ServerResponse, typed: string): Promise<void> {
  const channel = i.channel_id ?? i.channel?.id;
  if (!i.guild_id || !i.member || !channel) return out.reply(res, subscribeInAChannel());
  const permissions = BigInt(i.member.permissions ?? '0');
  if ((permissions & (MANAGE_CHANNELS | PermissionFlagsBits.Administrator)) === 0n) return out.reply(res, subscribeNeedsManageChannels());
  const repo = unwrap(parseRepo(typed));
  const user = userOf(i)!;
  await out.once(i, res, 'subscribe', () =>
    out.respond(
      i,
      res,
      async () => {
        const { created } = await subscribeChannel({ subscriptions: deps.subscriptions, platform: 'discord', channel, target: { kind: 'repo', repo }, createdBy: userRef(user) });
        return subscribed(repo, created);
      },
      { always: false, ephemeral: false },
    ),
  );
}

async function link({ deps, out }: Context, i: Interaction, res: ServerResponse, login: string): Promise<void> {
  const user = userOf(i)!;
  await out.once(i, res, 'link', () =>
    out.respond(
      i,
      res,
      async () => {
        const started = await startIdentityLink({
          links: deps.identityLinks,
          clock: deps.clock,
          randomBytes: (n) => new Uint8Array(randomBytes(n)),
          hash: deps.hashToken,
          userRef: userRef(user),
          githubLogin: login,
        });
        return linkInstructions({ login: started.login, code: started.code, minutes: LINK_CODE_MINUTES });
      },
      { always: false, ephemeral: true },
    ),
  );
}
