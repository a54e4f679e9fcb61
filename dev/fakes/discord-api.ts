// A small recording fake of the Discord REST API endpoints Upkeep uses, on 127.0.0.1
// (ephemeral port): editing and following up interaction replies (webhook routes, no bot
// token, as on Discord), registering commands, posting and editing channel messages (bot token
// required; editing an unknown message answers 404 Unknown Message), starting threads, deleting
// messages, and `GET /gateway/bot` (answering `gatewayUrl`, a FakeDiscordGateway). Point `DISCORD_API_URL` (without `/v10`) at `url`. Used by tests and `npm run demo`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedDiscordCall {
  method: string;
  /** Path after `/api/v10`, e.g. `/webhooks/<app>/<token>/messages/@original`. */
  path: string;
  body: any;
  authorization: string | null;
}

type Obj = Record<string, any>;

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
    this.calls.push({ method, path, body, authorization });

    const fault = this.faults.find((f) => f.remaining > 0 && f.match(method, path));
    if (fault) {
      fault.remaining--;
      return send(res, fault.status, { message: 'injected failure', code: 0 });
    }
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
      const message = this.message(m[1]!, body);
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

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
