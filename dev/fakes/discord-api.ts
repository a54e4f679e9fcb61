// A small recording fake of the Discord REST API endpoints Upkeep uses, on 127.0.0.1
// (ephemeral port): editing and following up interaction replies (webhook routes, no bot
// token, as on Discord), registering commands, posting and editing channel messages (bot token
// required; editing an unknown message answers 404 Unknown Message), starting threads, deleting
// messages, and `GET /gateway/bot` (answering `gatewayUrl`, a FakeDiscordGateway). Point `DISCORD_API_URL` (without `/v10`) at `url`. Used by tests and `npm run demo`.
// Creating a message with a `nonce` and `enforce_nonce: true` returns the message the same
// author created with that nonce within `nonceWindowMs` instead of a second one, as Discord
// does. `hold` stops the next matching call before or after its effect, so tests can kill a
// client at that point.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { holdCall, type HeldCall } from './held-call.ts';

export interface RecordedDiscordCall {
  method: string;
  /** Path after `/api/v10`, e.g. `/webhooks/<app>/<token>/messages/@original`. */
  path: string;
  body: any;
  authorization: string | null;
}

type Obj = Record<string, any>;

/**
 * A call stopped in the fake: `before` its effect (if the client's connection is gone when
 * released, nothing happens, as if the request never reached Discord) or `after` it (done, the
 * answer not sent yet).
 */
export type FakeDiscordHold = HeldCall<RecordedDiscordCall>;

interface PendingHold {
  match: (method: string, path: string) => boolean;
  stage: 'before' | 'after';
  arrive(call: RecordedDiscordCall, res: ServerResponse): Promise<'go' | 'drop'>;
}

export class FakeDiscord {
  readonly calls: RecordedDiscordCall[] = [];
  /** Messages posted in channels, by channel id. */
  readonly channelMessages = new Map<string, Obj[]>();
  /** Threads started in channels (POST /channels/:id/threads), by thread id. */
  readonly threads = new Map<string, Obj>();
  /** Where an interaction was used (Discord knows it from the interaction; tests say it here), by token. */
  readonly interactionChannels = new Map<string, string>();
  /** Each interaction's original response, by token: edits change it, as Discord does. */
  private readonly originals = new Map<string, Obj>();
  /** What `GET /gateway/bot` answers as the Gateway's URL (a FakeDiscordGateway's `url`). */
  gatewayUrl: string | null = null;
  /** Registered commands: `global` or the guild id. */
  readonly commands = new Map<string, Obj[]>();
  /** Answers the next matching calls with this status instead (e.g. a 500 or a 429). */
  private readonly faults: { match: (method: string, path: string) => boolean; status: number; remaining: number }[] = [];
  /** How long Discord remembers an enforced nonce ("the past few minutes"). */
  nonceWindowMs = 5 * 60_000;
  /** Messages created with an enforced nonce, by author and nonce. */
  private readonly nonces = new Map<string, { message: Obj; at: number }>();
  private readonly holds: PendingHold[] = [];
  private server: Server | null = null;
  private seq = 1_000_000_000_000_000;
  port = 0;

  constructor(readonly botToken: string) {}

  /** The base to configure as DISCORD_API_URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }

  fail(match: (method: string, path: string) => boolean, status: number, times = 1): void {
    this.faults.push({ match, status, remaining: times });
  }

  /** Stops the next call that matches `before` or `after` its effect until released (see FakeDiscordHold). */
  hold(match: (method: string, path: string) => boolean, stage: 'before' | 'after'): FakeDiscordHold {
    const { hold, arrive } = holdCall<RecordedDiscordCall>();
    this.holds.push({ match, stage, arrive });
    return hold;
  }

  /** Calls whose path matches. */
  callsTo(re: RegExp, method?: string): RecordedDiscordCall[] {
    return this.calls.filter((c) => re.test(c.path) && (!method || c.method === method));
  }

  /** Resolves with the first recorded call that satisfies `pred`, waiting up to `timeoutMs` for it. */
  async waitFor(pred: (c: RecordedDiscordCall) => boolean, timeoutMs = 10_000): Promise<RecordedDiscordCall> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.calls.find(pred);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no matching Discord API call within ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path}`))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The edit of an interaction's original (deferred) reply, waiting for it. */
  editOf(interactionToken: string, timeoutMs?: number): Promise<RecordedDiscordCall> {
    return this.waitFor((c) => c.method === 'PATCH' && c.path.endsWith(`/${interactionToken}/messages/@original`), timeoutMs);
  }

  private nextId(): string {
    return String(this.seq++);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      return send(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/api/v10/')) return send(res, 404, { message: '404: Not Found', code: 0 });
    const path = decodeURIComponent(url.pathname.slice('/api/v10'.length));
    const authorization = (req.headers.authorization as string | undefined) ?? null;
    const call: RecordedDiscordCall = { method, path, body, authorization };
    this.calls.push(call);

    const fault = this.faults.find((f) => f.remaining > 0 && f.match(method, path));
    if (fault) {
      fault.remaining--;
      return send(res, fault.status, { message: 'injected failure', code: 0 });
    }
    const at = this.holds.findIndex((h) => h.match(method, path));
    const hold = at < 0 ? null : this.holds.splice(at, 1)[0]!;
    if (hold?.stage === 'before' && (await hold.arrive(call, res)) === 'drop') return;
    if (hold?.stage === 'after') {
      // The effect happens now; the answer waits for the hold.
      const answer = captured(res);
      await this.route(method, path, body, authorization, answer.res);
      if ((await hold.arrive(call, res)) === 'drop') return;
      return answer.replay(res);
    }
    return this.route(method, path, body, authorization, res);
  }

  private async route(method: string, path: string, body: any, authorization: string | null, res: ServerResponse): Promise<void> {
    const botAuthorised = authorization === `Bot ${this.botToken}`;
    const unauthorised = () => send(res, 401, { message: '401: Unauthorized', code: 0 });
    let m: RegExpExecArray | null;

    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/.exec(path)) && method === 'PATCH') {
      if (m[3] !== '@original') return send(res, 200, this.message(`interaction:${m[2]}`, body));
      // The original response is a message of the channel the command was used in: the bot can
      // later edit it through the channel endpoint, after the interaction's token has expired.
      const token = m[2]!;
      let original = this.originals.get(token);
      if (!original) {
        const channel = this.interactionChannels.get(token) ?? `interaction:${token}`;
        original = this.message(channel, body);
        this.originals.set(token, original);
        const list = this.channelMessages.get(channel) ?? [];
        list.push(original);
        this.channelMessages.set(channel, list);
      } else {
        for (const k of ['content', 'embeds', 'components'] as const) if (body && k in body) original[k] = body[k];
      }
      return send(res, 200, original);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/.exec(path)) && method === 'DELETE') {
      res.writeHead(204).end();
      return;
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path)) && method === 'POST') {
      return send(res, 200, this.message(`interaction:${m[2]}`, body));
    }
    if ((m = /^\/applications\/(\d+)\/commands$/.exec(path)) && method === 'PUT') {
      if (!botAuthorised) return unauthorised();
      return send(res, 200, this.register('global', m[1]!, body));
    }
    if ((m = /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/.exec(path)) && method === 'PUT') {
      if (!botAuthorised) return unauthorised();
      return send(res, 200, this.register(m[2]!, m[1]!, body));
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      if (!botAuthorised) return unauthorised();
      const nonce = body?.nonce !== undefined && body?.nonce !== null ? String(body.nonce) : null;
      if (nonce !== null && nonce.length > 25) return send(res, 400, { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } });
      const seen = nonce !== null && body?.enforce_nonce === true ? this.nonces.get(`${authorization}|${nonce}`) : undefined;
      if (seen && Date.now() - seen.at <= this.nonceWindowMs) return send(res, 200, seen.message);
      const message = { ...this.message(m[1]!, body), ...(nonce !== null ? { nonce } : {}) };
      if (nonce !== null && body?.enforce_nonce === true) this.nonces.set(`${authorization}|${nonce}`, { message, at: Date.now() });
      const list = this.channelMessages.get(m[1]!) ?? [];
      list.push(message);
      this.channelMessages.set(m[1]!, list);
      return send(res, 200, message);
    }
    if (path === '/gateway/bot' && method === 'GET') {
      if (!botAuthorised) return unauthorised();
      if (!this.gatewayUrl) return send(res, 404, { message: 'no fake Gateway', code: 0 });
      return send(res, 200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    }
    if ((m = /^\/channels\/(\d+)\/threads$/.exec(path)) && method === 'POST') {
      if (!botAuthorised) return unauthorised();
      const thread = { id: this.nextId(), type: body?.type ?? 11, parent_id: m[1]!, guild_id: '700000000000000001', name: body?.name ?? '', auto_archive_duration: body?.auto_archive_duration ?? 4320 };
      this.threads.set(thread.id, thread);
      return send(res, 201, thread);
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === 'DELETE') {
      if (!botAuthorised) return unauthorised();
      const list = this.channelMessages.get(m[1]!) ?? [];
      const at = list.findIndex((x) => x.id === m![2]);
      if (at < 0) return send(res, 404, { message: 'Unknown Message', code: 10008 });
      list.splice(at, 1);
      res.writeHead(204).end();
      return;
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === 'PATCH') {
      if (!botAuthorised) return unauthorised();
      const message = (this.channelMessages.get(m[1]!) ?? []).find((x) => x.id === m![2]);
      if (!message) return send(res, 404, { message: 'Unknown Message', code: 10008 });
      for (const k of ['content', 'embeds', 'components'] as const) if (body && k in body) message[k] = body[k];
      message.edited_timestamp = new Date().toISOString();
      return send(res, 200, message);
    }
    return send(res, 404, { message: '404: Not Found', code: 0 });
  }

  private message(channelId: string, body: Obj | null): Obj {
    return {
      id: this.nextId(),
      channel_id: channelId,
      type: 0,
      content: body?.content ?? '',
      embeds: body?.embeds ?? [],
      components: body?.components ?? [],
      flags: body?.flags ?? 0,
      timestamp: new Date().toISOString(),
      author: { id: '1', username: 'upkeep', bot: true },
    };
  }

  private register(scope: string, applicationId: string, body: unknown): Obj[] {
    if (!Array.isArray(body)) return [];
    const commands = body.map((c: Obj) => ({ ...c, id: this.nextId(), application_id: applicationId, version: this.nextId(), ...(scope === 'global' ? {} : { guild_id: scope }) }));
    this.commands.set(scope, commands);
    return commands;
  }
}

/** A response that records what would be sent, to send it later (a held answer). */
function captured(_: ServerResponse): { res: ServerResponse; replay(res: ServerResponse): void } {
  let status = 200;
  let headers: Record<string, string | number> = {};
  let payload = '';
  const fake = {
    writeHead(s: number, h?: Record<string, string | number>) {
      status = s;
      headers = h ?? {};
      return fake;
    },
    end(chunk?: string) {
      payload = chunk ?? '';
      return fake;
    },
  };
  return {
    res: fake as unknown as ServerResponse,
    replay(res) {
      res.writeHead(status, headers);
      res.end(payload);
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
