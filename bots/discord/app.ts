// The Discord app over HTTP interactions: POST /discord/interactions. Every request is
// Ed25519-verified; PING → PONG; commands, buttons and modals answer within Discord's 3
// seconds, deferring (then editing the reply through the REST API) when the work is slow.
// Thin adapter: parse → core use-case → render.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { API } from '@discordjs/core/http-only';
import { InteractionResponseType, InteractionType, MessageFlags, PermissionFlagsBits } from '@discordjs/core/http-only';
import { z } from 'zod';
import { DomainError, isDomainError, unwrap } from '../../core/errors.ts';
import { parseAmount, type Money } from '../../core/money.ts';
import { parseGithubLogin, startIdentityLink, LINK_CODE_MINUTES } from '../../core/use-cases/link-identity.ts';
import { subscribeChannel } from '../../core/use-cases/subscribe-channel.ts';
import { getWish } from '../../core/use-cases/wishes/get-wish.ts';
import { listWishes } from '../../core/use-cases/wishes/list-wishes.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import { parseRepo, parseWishId, type Pledger, type WishId } from '../../core/wishlist.ts';
import { recordInbound } from '../../prisma/inbound-events.ts';
import type { Mount } from '../../edge/contribution.ts';
import type { Services } from '../../app/services.ts';
import { HttpError, readBody, sendError, sendJson } from '../../edge/http.ts';
import { createDiscordApi, MANAGE_CHANNELS } from './commands.ts';
import { decodeAction, encodeAction } from './custom-ids.ts';
import { suggestRepositories, suggestWishes } from './lookup.ts';
import { acceptsPledges, amountModal, errorReply, messageBody, note, pledgeConfirmation, wishCard, wishlistReply, type Reply } from './render.ts';
import { discordPublicKey, verifyInteraction } from './verify.ts';

export const DISCORD_PATH = '/discord/interactions';

/** Work quicker than this is answered in the HTTP response itself; slower work is deferred (Discord allows 3 s). */
const INLINE_MS = 1500;

export interface DiscordMountOptions {
  /** The REST client (default: one on DISCORD_API_URL with the bot token). */
  api?: API;
  /** How long to wait for quick work before deferring; 0 always defers (tests exercise deferral with it). */
  inlineMs?: number;
}

// ---------------------------------------------------------------------------------------
// Payload shapes (only the fields we read; Discord sends many more).

const User = z.object({ id: z.string().min(1), username: z.string(), global_name: z.string().nullish() });
const Option: z.ZodType<OptionValue> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(Option).optional(),
  }),
);
interface OptionValue {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: OptionValue[] | undefined;
}
const Interaction = z.object({
  id: z.string().min(1),
  application_id: z.string().min(1),
  type: z.number().int(),
  token: z.string().optional(),
  guild_id: z.string().optional(),
  channel_id: z.string().optional(),
  channel: z.object({ id: z.string() }).partial().optional(),
  member: z.object({ user: User, permissions: z.string().regex(/^\d+$/).optional() }).optional(),
  user: User.optional(),
  data: z.unknown().optional(),
});
type Interaction = z.infer<typeof Interaction>;
const CommandData = z.object({ name: z.string(), options: z.array(Option).optional() });
const ComponentData = z.object({ custom_id: z.string(), component_type: z.number() });
const ModalData = z.object({ custom_id: z.string(), components: z.array(z.unknown()) });

// ---------------------------------------------------------------------------------------

/** The Discord mount, or null when DISCORD_APPLICATION_ID / DISCORD_PUBLIC_KEY are not set. */
export function createDiscordMount(services: Services, { api, inlineMs = INLINE_MS }: DiscordMountOptions = {}): Mount | null {
  const config = services.config.discord;
  if (!config) return null;
  const key = discordPublicKey(config.publicKey);
  const rest = api ?? createDiscordApi({ apiUrl: config.apiUrl, botToken: config.botToken });
  const handler = new InteractionHandler(services, rest, inlineMs);
  return {
    name: 'discord',
    path: DISCORD_PATH,
    listener: async (req, res) => {
      if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', `Discord interactions are POSTed to ${DISCORD_PATH}.`, { allow: 'POST' });
      let body: Buffer;
      try {
        body = await readBody(req, 256 * 1024);
      } catch (e) {
        if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
        return sendError(res, 400, 'unreadable_body', 'The request body could not be read.');
      }
      const signature = header(req, 'x-signature-ed25519');
      const timestamp = header(req, 'x-signature-timestamp');
      if (!verifyInteraction(key, signature, timestamp, body)) {
        return sendError(res, 401, 'invalid_signature', 'The request signature is missing or does not verify.');
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return sendError(res, 400, 'invalid_json', 'The interaction is not JSON.');
      }
      const parsed = Interaction.safeParse(json);
      if (!parsed.success) return sendError(res, 400, 'invalid_interaction', 'The interaction does not have the shape Discord sends.');
      await handler.handle(parsed.data, res);
    },
  };
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const sleep = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref());

/** A pledge id derived from the interaction, so the same interaction can never make two pledges (UUID-shaped). */
export function pledgeIdFor(interactionId: string): string {
  const h = createHash('sha256').update(`discord-pledge:${interactionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function findOption(options: readonly OptionValue[] | undefined, name: string): OptionValue | undefined {
  for (const o of options ?? []) {
    if (o.name === name && o.value !== undefined) return o;
    const inner = findOption(o.options, name);
    if (inner) return inner;
  }
  return undefined;
}

const stringOption = (options: readonly OptionValue[] | undefined, name: string): string => {
  const v = findOption(options, name)?.value;
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
};

function focusedOption(options: readonly OptionValue[] | undefined): OptionValue | undefined {
  for (const o of options ?? []) {
    if (o.focused) return o;
    const inner = focusedOption(o.options);
    if (inner) return inner;
  }
  return undefined;
}

/** The value of the text input `id` in a modal submission (inside action rows or labels). */
function modalValue(components: unknown, id: string): string | null {
  if (Array.isArray(components)) {
    for (const c of components) {
      const v = modalValue(c, id);
      if (v !== null) return v;
    }
    return null;
  }
  if (!components || typeof components !== 'object') return null;
  const c = components as Record<string, unknown>;
  if (c.custom_id === id && typeof c.value === 'string') return c.value;
  return modalValue(c.components, id) ?? modalValue(c.component, id);
}

class InteractionHandler {
  private readonly currency: string;
  private readonly applicationId: string;

  constructor(
    private readonly s: Services,
    private readonly api: API,
    private readonly inlineMs: number,
  ) {
    this.currency = s.config.currency;
    this.applicationId = s.config.discord!.applicationId;
  }

  async handle(i: Interaction, res: ServerResponse): Promise<void> {
    switch (i.type) {
      case InteractionType.Ping:
        return sendJson(res, 200, { type: InteractionResponseType.Pong });
      case InteractionType.ApplicationCommand:
        return this.command(i, res);
      case InteractionType.ApplicationCommandAutocomplete:
        return this.autocomplete(i, res);
      case InteractionType.MessageComponent:
        return this.component(i, res);
      case InteractionType.ModalSubmit:
        return this.modal(i, res);
      default:
        return sendError(res, 400, 'unsupported_interaction', `Interaction type ${i.type} is not handled.`);
    }
  }

  // ----- responses

  private reply(res: ServerResponse, reply: Reply): void {
    sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: messageBody(reply) });
  }

  /**
   * Runs `work`; answers in the HTTP response when it is quick, otherwise defers (ephemeral or
   * not, as `ephemeral` says) and edits the deferred reply when done. `always` defers at once
   * (for work that calls a payment provider). Failures become ephemeral refusals.
   */
  private async respond(i: Interaction, res: ServerResponse, work: () => Promise<Reply>, { always, ephemeral }: { always: boolean; ephemeral: boolean }): Promise<void> {
    const done = work().catch((e: unknown) => this.failure(i, e));
    if (!always && this.inlineMs > 0) {
      const quick = await Promise.race([done, sleep(this.inlineMs)]);
      if (quick) return this.reply(res, quick);
    }
    sendJson(res, 200, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: ephemeral ? { flags: MessageFlags.Ephemeral } : {} });
    const reply = await done;
    const { flags: _flags, ...body } = messageBody(reply);
    const token = i.token ?? '';
    try {
      if (reply.ephemeral && !ephemeral) {
        // A public "thinking…" cannot become private: remove it and follow up ephemerally.
        await this.api.interactions.deleteReply(this.applicationId, token);
        await this.api.interactions.followUp(this.applicationId, token, { ...body, flags: MessageFlags.Ephemeral });
      } else {
        await this.api.interactions.editReply(this.applicationId, token, body);
      }
    } catch (e) {
      this.s.log.error({ err: e, interaction: i.id }, 'discord: could not edit the deferred reply');
    }
  }

  private failure(i: Interaction, e: unknown): Reply {
    if (!isDomainError(e)) this.s.log.error({ err: e, interaction: i.id }, 'discord interaction failed');
    return errorReply(e);
  }

  /** Claims the interaction id; false (and an ephemeral answer sent) when it was handled before. */
  private async firstTime(i: Interaction, res: ServerResponse, kind: string): Promise<boolean> {
    if (await recordInbound(this.s.db.prisma, 'discord', i.id, kind)) return true;
    this.reply(res, note('This interaction was already handled; nothing was done a second time.'));
    return false;
  }

  // ----- who

  private user(i: Interaction): z.infer<typeof User> | null {
    return i.member?.user ?? i.user ?? null;
  }

  /** The pledger: the linked GitHub login when the user proved one (one identity everywhere), else the Discord user. */
  private async pledger(i: Interaction): Promise<Pledger> {
    const user = this.user(i)!;
    const link = await this.s.identityLinks.find(`discord:${user.id}`);
    if (link?.githubLogin) return { source: 'github', id: link.githubLogin, display: link.githubLogin };
    return { source: 'discord', id: user.id, display: user.global_name || user.username };
  }

  // ----- slash commands

  private async command(i: Interaction, res: ServerResponse): Promise<void> {
    const data = CommandData.safeParse(i.data);
    if (!data.success) return sendError(res, 400, 'invalid_interaction', 'The command data does not have the shape Discord sends.');
    const { name, options } = data.data;
    if (!this.user(i)) return sendError(res, 400, 'invalid_interaction', 'The interaction names no user.');
    try {
      switch (name) {
        case 'wishlist': {
          const repo = unwrap(parseRepo(stringOption(options, 'repo')));
          return await this.respond(i, res, async () => wishlistReply(repo, await listWishes({ wishes: this.s.wishes, repo })), { always: false, ephemeral: false });
        }
        case 'wish': {
          const id = unwrap(parseWishId(stringOption(options, 'id')));
          return await this.respond(i, res, async () => wishCard(await getWish({ wishes: this.s.wishes, id }), { offline: this.s.gateway?.mode !== 'stripe' }), {
            always: false,
            ephemeral: false,
          });
        }
        case 'pledge': {
          const id = unwrap(parseWishId(stringOption(options, 'wish')));
          const amount = unwrap(parseAmount(stringOption(options, 'amount'), this.currency));
          return await this.pledge(i, res, id, amount, 'pledge_command');
        }
        case 'subscribe':
          return await this.subscribe(i, res, stringOption(options, 'repo'));
        case 'link': {
          const login = parseGithubLogin(stringOption(options, 'login'));
          return await this.link(i, res, login);
        }
        default:
          return this.reply(res, note(`Unknown command /${name}. The operator should run \`npm run upkeep -- discord:register\` to refresh the commands.`));
      }
    } catch (e) {
      // Input refused before any work: answered at once, ephemerally.
      if (res.headersSent) throw e;
      return this.reply(res, this.failure(i, e));
    }
  }

  private async pledge(i: Interaction, res: ServerResponse, id: WishId, amount: Money, kind: string): Promise<void> {
    if (!(await this.firstTime(i, res, kind))) return;
    const pledger = await this.pledger(i);
    await this.respond(
      i,
      res,
      async () => {
        const payments = this.s.gateway;
        if (!payments) throw new DomainError('payments_offline', 'Pledges are not available on this Upkeep right now; please try again later.', {});
        const pledgeId = pledgeIdFor(i.id);
        const result = await placePledge({
          wishes: this.s.wishes,
          payments,
          outbox: this.s.outbox,
          clock: this.s.clock,
          id,
          pledger,
          amount,
          newId: () => pledgeId,
        });
        return pledgeConfirmation({ wish: result.wish, amount: amount.amount, checkoutUrl: result.checkoutUrl, offline: result.offline });
      },
      { always: true, ephemeral: true },
    );
  }

  private async subscribe(i: Interaction, res: ServerResponse, typed: string): Promise<void> {
    const channel = i.channel_id ?? i.channel?.id;
    if (!i.guild_id || !i.member || !channel) return this.reply(res, note('Run `/subscribe` in the server channel that should receive the progress messages.'));
    const permissions = BigInt(i.member.permissions ?? '0');
    if ((permissions & (MANAGE_CHANNELS | PermissionFlagsBits.Administrator)) === 0n) {
      return this.reply(res, note('Only members with the **Manage Channels** permission can subscribe a channel. Ask a moderator to run `/subscribe`.'));
    }
    const repo = unwrap(parseRepo(typed));
    if (!(await this.firstTime(i, res, 'subscribe'))) return;
    const user = this.user(i)!;
    await this.respond(
      i,
      res,
      async () => {
        const { created } = await subscribeChannel({
          subscriptions: this.s.subscriptions,
          platform: 'discord',
          channel,
          target: { kind: 'repo', repo },
          createdBy: `discord:${user.id}`,
        });
        if (!created) return note(`This channel already follows the wishes of **${repo}**.`);
        return {
          content: `This channel now follows the wishes of **${repo}**: progress at 25/50/75/100 %, funded, started and delivered, re-quotes, cancellations and expiry.`,
          ephemeral: false,
        };
      },
      { always: false, ephemeral: false },
    );
  }

  private async link(i: Interaction, res: ServerResponse, login: string): Promise<void> {
    if (!(await this.firstTime(i, res, 'link'))) return;
    const user = this.user(i)!;
    await this.respond(
      i,
      res,
      async () => {
        const started = await startIdentityLink({
          links: this.s.identityLinks,
          clock: this.s.clock,
          randomBytes: (n) => new Uint8Array(randomBytes(n)),
          hash: this.s.hashToken,
          userRef: `discord:${user.id}`,
          githubLogin: login,
        });
        return note(
          [
            `To link your Discord account to GitHub **@${started.login}**, post this comment on any issue or pull request of a repository where the Upkeep GitHub App is installed, signed in to GitHub as **@${started.login}**, within ${LINK_CODE_MINUTES} minutes:`,
            '```',
            `/link ${started.code}`,
            '```',
            `The code only works from @${started.login}, so nobody else can use it to claim your account or theirs. Once linked, your pledges show as @${started.login}.`,
          ].join('\n'),
        );
      },
      { always: false, ephemeral: true },
    );
  }

  // ----- autocomplete

  private async autocomplete(i: Interaction, res: ServerResponse): Promise<void> {
    const data = CommandData.safeParse(i.data);
    const focused = data.success ? focusedOption(data.data.options) : undefined;
    let choices: { name: string; value: string }[] = [];
    try {
      const typed = typeof focused?.value === 'string' ? focused.value : '';
      if (focused?.name === 'repo') {
        choices = (await suggestRepositories(this.s.db.prisma, typed)).map((r) => ({
          name: clip(`${r.repo} (${r.wishes} wish${r.wishes === 1 ? '' : 'es'})`, 100),
          value: r.repo,
        }));
      } else if (focused?.name === 'id' || focused?.name === 'wish') {
        choices = (await suggestWishes(this.s.db.prisma, typed))
          .filter((w) => w.id.length <= 100)
          .map((w) => ({ name: clip(`${w.id} · ${w.status.replace('_', ' ')} · ${w.title}`, 100), value: w.id }));
      }
    } catch (e) {
      this.s.log.warn({ err: e }, 'discord autocomplete failed');
    }
    sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
  }

  // ----- buttons and modals

  private async component(i: Interaction, res: ServerResponse): Promise<void> {
    const data = ComponentData.safeParse(i.data);
    if (!data.success || !this.user(i)) return sendError(res, 400, 'invalid_interaction', 'The component data does not have the shape Discord sends.');
    const action = decodeAction(data.data.custom_id, this.currency);
    if (!action || action.kind === 'pledge_modal') {
      return this.reply(res, note('⚠️ This button is not valid (it was not made by Upkeep, or was altered). Use `/wish` to get a fresh wish card.'));
    }
    if (action.kind === 'pledge') {
      return this.pledge(i, res, action.wishId, { amount: action.amount, currency: this.currency }, 'pledge_button');
    }
    // "Other amount": check the wish quickly, then ask for the amount.
    const wish = await Promise.race([this.s.wishes.get(action.wishId).catch(() => undefined), sleep(Math.max(this.inlineMs, 1000)).then(() => undefined)]);
    if (wish === null) return this.reply(res, errorReply(new DomainError('wish_not_found', `There is no wish for ${action.wishId}.`, {})));
    if (wish && !acceptsPledges(wish)) {
      return this.reply(res, note(`⚠️ ${action.wishId} no longer accepts pledges (it is ${wish.status.replace('_', ' ')}).`));
    }
    const customId = encodeAction({ kind: 'pledge_modal', wishId: action.wishId })!;
    sendJson(res, 200, { type: InteractionResponseType.Modal, data: amountModal(action.wishId, customId, this.currency) });
  }

  private async modal(i: Interaction, res: ServerResponse): Promise<void> {
    const data = ModalData.safeParse(i.data);
    if (!data.success || !this.user(i)) return sendError(res, 400, 'invalid_interaction', 'The modal data does not have the shape Discord sends.');
    const action = decodeAction(data.data.custom_id, this.currency);
    if (!action || action.kind !== 'pledge_modal') {
      return this.reply(res, note('⚠️ This form is not valid (it was not made by Upkeep, or was altered). Use `/wish` to get a fresh wish card.'));
    }
    const amount = parseAmount(modalValue(data.data.components, 'amount') ?? '', this.currency);
    if (!amount.ok) return this.reply(res, errorReply(amount.error));
    return this.pledge(i, res, action.wishId, amount.value, 'pledge_modal');
  }
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
