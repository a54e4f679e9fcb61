// How an interaction is answered: in the HTTP response when the work is quick, otherwise
// deferred (Discord allows 3 seconds) and then edited through the REST API. Also the one
// place an interaction is claimed, so a replayed request has no second effect.
import type { ServerResponse } from 'node:http';
import type { API } from '@discordjs/core/http-only';
import { InteractionResponseType, MessageFlags } from '@discordjs/core/http-only';
import { isDomainError } from '../../core/errors.ts';
import { receiveOnce } from '../../core/inbound.ts';
import type { InboundLog } from '../../core/ports/inbound.ts';
import { sendJson } from '../../edge/http.ts';
import type { Logger } from '../../edge/logger.ts';
import type { DiscordDeps } from './deps.ts';
import type { Interaction } from './interaction.ts';
import { alreadyHandled, errorReply, messageBody, type Reply } from './render.ts';

export const sleep = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref());

export class Responder {
  constructor(
    private readonly api: API,
    private readonly applicationId: string,
    /** How long quick work may take before the answer is deferred; 0 always defers. */
    readonly inlineMs: number,
    private readonly log: Logger,
    private readonly inbound: InboundLog,
  ) {}

  /** Answers with a message in the HTTP response. */
  reply(res: ServerResponse, reply: Reply): void {
    sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: messageBody(reply) });
  }

  /**
   * Runs `work`; answers in the HTTP response when it is quick, otherwise defers (ephemeral or
   * not, as `ephemeral` says) and edits the deferred reply when done. `always` defers at once
   * (for work that calls a payment provider). Failures become ephemeral refusals, so this
   * never throws. `posted` hears of the public message the deferred reply became (to edit it
   * later through the channel, after the interaction's token has expired).
   */
  async respond(
    i: Interaction,
    res: ServerResponse,
    work: () => Promise<Reply>,
    { always, ephemeral, posted }: { always: boolean; ephemeral: boolean; posted?: (message: { id: string; channel_id: string }, reply: Reply) => Promise<void> },
  ): Promise<void> {
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
        const message = await this.api.interactions.editReply(this.applicationId, token, body);
        if (posted && !reply.ephemeral) await posted(message, reply);
      }
    } catch (e) {
      this.log.error({ err: e, interaction: i.id }, 'discord: could not edit the deferred reply');
    }
  }

  /** The refusal shown for a failure; unexpected ones are logged. */
  failure(i: Interaction, e: unknown): Reply {
    if (!isDomainError(e)) this.log.error({ err: e, interaction: i.id }, 'discord interaction failed');
    return errorReply(e);
  }

  /**
   * Runs `handle` for an interaction seen for the first time; a replay gets an ephemeral note.
   * Discord never redelivers, so a second request with the same id is a replay: the claim comes
   * first ('claim-first'), and handlers answer their own failures (`respond`), so it stands.
   */
  async once(i: Interaction, res: ServerResponse, kind: string, handle: () => Promise<void>): Promise<void> {
    const received = await receiveOnce(this.inbound, { source: 'discord', externalId: i.id, kind }, 'claim-first', handle);
    if (received.duplicate) this.reply(res, alreadyHandled());
  }
}

/** What every interaction handler works with. */
export interface Context {
  deps: DiscordDeps;
  out: Responder;
}
