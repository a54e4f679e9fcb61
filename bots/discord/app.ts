// The Discord app over HTTP interactions: POST /discord/interactions. Every request is
// Ed25519-verified; PING → PONG; commands, buttons, modals and autocomplete are routed to
// their handlers, which answer within Discord's 3 seconds (deferring when the work is slow).
import type { IncomingMessage } from 'node:http';
import type { API } from '@discordjs/core/http-only';
import { InteractionResponseType, InteractionType } from '@discordjs/core/http-only';
import type { Contribution, Mount } from '../../edge/contribution.ts';
import { HttpError, readBody, sendError, sendJson } from '../../edge/http.ts';
import { freshTimestamp, SIGNATURE_WINDOW_SECONDS } from '../../edge/freshness.ts';
import { cleanJson } from '../../core/text.ts';
import { readJson } from '../../edge/json-guard.ts';
import { handleAutocomplete } from './autocomplete.ts';
import { createDiscordApi } from './commands.ts';
import { handleComponent, handleModal } from './components.ts';
import type { DiscordDeps } from './deps.ts';
import { Interaction } from './interaction.ts';
import { Responder, type Context } from './respond.ts';
import { handleCommand } from './slash-commands.ts';
import { discordPublicKey, verifyInteraction } from './verify.ts';

export type { DiscordDeps, DiscordSettings } from './deps.ts';

export const DISCORD_PATH = '/discord/interactions';

/** Interactions are small JSON documents; anything larger is refused with 413. */
const BODY_LIMIT = 256 * 1024;

/** Work quicker than this is answered in the HTTP response itself; slower work is deferred (Discord allows 3 s). */
const INLINE_MS = 1500;

export interface DiscordMountOptions {
  /** The REST client (default: one on the settings' API URL with the bot token). */
  api?: API;
  /** How long to wait for quick work before deferring; 0 always defers (tests exercise deferral with it). */
  inlineMs?: number;
  /** The wall clock signatures are dated against (ms since the epoch; default Date.now). */
  now?: () => number;
}

/** The Discord adapter's share of the platform: its interactions endpoint. */
export function createDiscordContribution(deps: DiscordDeps, options: DiscordMountOptions = {}): Contribution {
  return { mounts: [createDiscordMount(deps, options)] };
}

/** The interactions endpoint: verifies, parses and routes each interaction. */
export function createDiscordMount(deps: DiscordDeps, { api, inlineMs = INLINE_MS, now = Date.now }: DiscordMountOptions = {}): Mount {
  const { settings } = deps;
  const key = discordPublicKey(settings.publicKey);
  const rest = api ?? createDiscordApi({ apiUrl: settings.apiUrl, botToken: settings.botToken });
  const ctx: Context = { deps, out: new Responder(rest, settings.applicationId, inlineMs, deps.log, deps.inbound) };
  return {
    name: 'discord',
    path: DISCORD_PATH,
    bodyLimit: BODY_LIMIT,
    listener: async (req, res) => {
      if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', `Discord interactions are POSTed to ${DISCORD_PATH}.`, { allow: 'POST' });
      let body: Buffer;
      try {
        body = await readBody(req, BODY_LIMIT);
      } catch (e) {
        if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
        return sendError(res, 400, 'unreadable_body', 'The request body could not be read.');
      }
      if (!verifyInteraction(key, header(req, 'x-signature-ed25519'), header(req, 'x-signature-timestamp'), body)) {
        return sendError(res, 401, 'invalid_signature', 'The request signature is missing or does not verify.');
      }
      // A correctly signed interaction from long ago (or far ahead) is a replay: refused like a bad signature.
      if (!freshTimestamp(header(req, 'x-signature-timestamp'), now())) {
        return sendError(res, 401, 'stale_timestamp', `X-Signature-Timestamp must be a Unix time within ${SIGNATURE_WINDOW_SECONDS / 60} minutes of now.`);
      }
      // Bounded before parsing: the recursive option schema never sees a document thousands of levels deep.
      const read = readJson(body);
      if (!read.ok) return sendError(res, 400, read.refusal.code, read.refusal.code === 'invalid_json' ? 'The interaction is not JSON.' : read.refusal.message);
      // Provider text is cleaned once, before anything of it is handled or stored (core/text.ts).
      const parsed = Interaction.safeParse(cleanJson(read.value));
      if (!parsed.success) return sendError(res, 400, 'invalid_interaction', 'The interaction does not have the shape Discord sends.');
      const i = parsed.data;
      switch (i.type) {
        case InteractionType.Ping:
          return sendJson(res, 200, { type: InteractionResponseType.Pong });
        case InteractionType.ApplicationCommand:
          return handleCommand(ctx, i, res);
        case InteractionType.ApplicationCommandAutocomplete:
          return handleAutocomplete(ctx, i, res);
        case InteractionType.MessageComponent:
          return handleComponent(ctx, i, res);
        case InteractionType.ModalSubmit:
          return handleModal(ctx, i, res);
        default:
          return sendError(res, 400, 'unsupported_interaction', `Interaction type ${i.type} is not handled.`);
      }
    },
  };
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
