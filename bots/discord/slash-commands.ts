// Slash commands: /wishlist, /wish, /pledge, /pledges, /subscribe, /unsubscribe,
// /subscriptions, /link github, /unlink github and /help. Each parses its options, calls a
// use-case and renders; input refused before any work is answered at once.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { PermissionFlagsBits } from '@discordjs/core/http-only';
import { unwrap } from '../../core/errors.ts';
import { parseAmount } from '../../core/money.ts';
import { LINK_CODE_MINUTES, parseGithubLogin, startIdentityLink } from '../../core/use-cases/link-identity.ts';
import { listSubscriptions } from '../../core/use-cases/list-subscriptions.ts';
import { subscribeChannel } from '../../core/use-cases/subscribe-channel.ts';
import { unlinkIdentity } from '../../core/use-cases/unlink-identity.ts';
import { unsubscribeChannel } from '../../core/use-cases/unsubscribe-channel.ts';
import { getWish } from '../../core/use-cases/wishes/get-wish.ts';
import { listWishes } from '../../core/use-cases/wishes/list-wishes.ts';
import { parseRepo, parseWishId } from '../../core/wishlist.ts';
import { sendError } from '../../edge/http.ts';
import { MANAGE_CHANNELS } from './commands.ts';
import { CommandData, stringOption, userOf, userRef, type Interaction } from './interaction.ts';
import { pledge } from './pledges.ts';
import { helpReply, subscriptionsReply, unlinkedReply, unsubscribedReply } from './controls.ts';
import { listMyPledges } from './my-pledges.ts';
import { inAServerChannel, linkInstructions, note, subscribeNeedsManageChannels, subscribed, unknownCommand, wishCard, wishlistReply } from './render.ts';
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
        // Deferred, so the card's message is known and edited in place whenever the wish changes.
        return await out.respond(i, res, async () => wishCard(await getWish({ wishes: deps.wishes, id }), { offline, publicUrl: deps.publicUrl }), {
          always: true,
          ephemeral: false,
          posted: (message) => deps.wishMessages.remember({ wishId: id, kind: 'discord_card', channel: message.channel_id, messageId: message.id, pledgeId: null }),
        });
      }
      case 'pledge': {
        const id = unwrap(parseWishId(stringOption(options, 'wish')));
        const amount = unwrap(parseAmount(stringOption(options, 'amount'), deps.currency));
        return await pledge(ctx, i, res, id, amount, 'pledge_command');
      }
      case 'subscribe':
        return await subscribe(ctx, i, res, stringOption(options, 'repo'));
      case 'unsubscribe':
        return await unsubscribe(ctx, i, res, stringOption(options, 'repo'));
      case 'subscriptions': {
        const channel = i.channel_id ?? i.channel?.id;
        if (!i.guild_id || !channel) return out.reply(res, inAServerChannel('/subscriptions'));
        return await out.respond(
          i,
          res,
          async () => {
            const list = await listSubscriptions({ subscriptions: deps.subscriptions, platform: 'discord', channel });
            return subscriptionsReply(list.flatMap((s) => (s.target.kind === 'repo' ? [s.target.repo] : [])));
          },
          { always: false, ephemeral: true },
        );
      }
      case 'pledges':
        return await listMyPledges(ctx, i, res);
      case 'link':
        return await link(ctx, i, res, parseGithubLogin(stringOption(options, 'login')));
      case 'unlink':
        return await unlink(ctx, i, res);
      case 'help':
        return out.reply(res, helpReply());
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
  const allowed = channelControl(i, '/subscribe');
  if ('refusal' in allowed) return out.reply(res, allowed.refusal);
  const { channel } = allowed;
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

/** Who may change what a channel follows: members with Manage Channels (or administrators), in a server channel. */
function channelControl(i: Interaction, command: string): { channel: string } | { refusal: ReturnType<typeof note> } {
  const channel = i.channel_id ?? i.channel?.id;
  if (!i.guild_id || !i.member || !channel) return { refusal: inAServerChannel(command) };
  const permissions = BigInt(i.member.permissions ?? '0');
  if ((permissions & (MANAGE_CHANNELS | PermissionFlagsBits.Administrator)) === 0n) return { refusal: subscribeNeedsManageChannels(command) };
  return { channel };
}

async function unsubscribe({ deps, out }: Context, i: Interaction, res: ServerResponse, typed: string): Promise<void> {
  const allowed = channelControl(i, '/unsubscribe');
  if ('refusal' in allowed) return out.reply(res, allowed.refusal);
  const repo = unwrap(parseRepo(typed));
  await out.once(i, res, 'unsubscribe', () =>
    out.respond(
      i,
      res,
      async () => {
        await unsubscribeChannel({ subscriptions: deps.subscriptions, platform: 'discord', channel: allowed.channel, target: { kind: 'repo', repo } });
        return unsubscribedReply(repo);
      },
      { always: false, ephemeral: false },
    ),
  );
}

async function unlink({ deps, out }: Context, i: Interaction, res: ServerResponse): Promise<void> {
  const user = userOf(i)!;
  await out.once(i, res, 'unlink', () =>
    out.respond(i, res, async () => unlinkedReply(await unlinkIdentity({ links: deps.identityLinks, userRef: userRef(user) })), { always: false, ephemeral: true }),
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
