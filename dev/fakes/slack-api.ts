// A recording fake of the Slack Web API (and of response_url endpoints) on 127.0.0.1, and a
// driver that sends what Slack itself would send (signed slash commands, interactions, events).
// Every call is recorded with its parsed parameters and bearer token, and answered like Slack.
// Posted messages are kept per conversation with their metadata, as Slack keeps them:
// `conversations.history` (newest first, `oldest`, `limit`, `cursor`; metadata only with
// `include_all_metadata`), `chat.update`, and `conversations.open` (a user's conversation with
// the app, `D…`, where posts to a user id land). `hold` stops a call before or after Slack
// would have stored its effect, so tests can kill a client at that point.
// Tests and `npm run demo` point SLACK_API_URL at `${url}/api/` and response_url at `${url}/respond/<id>`.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { holdCall, type HeldCall } from './held-call.ts';

export interface RecordedCall {
  /** Web API method (`views.open`), or `respond` for response_url posts. */
  method: string;
  params: Record<string, unknown>;
  /** Bearer token of the call, when any. */
  token: string | null;
  path: string;
}

export type FakeHandler = (call: RecordedCall) => Record<string, unknown> | undefined;

/** A message as Slack keeps it in a conversation. */
export interface FakeSlackMessage {
  type: 'message';
  ts: string;
  /** The conversation (`C…`, or `D…` for a post to a user id). */
  channel: string;
  text: string;
  blocks: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  bot_id: string;
  user: string;
  edited?: { user: string; ts: string };
}

/**
 * A call stopped in the fake: `before` its effect (the message is not stored yet; if the
 * client's connection is gone when released, nothing is stored, as if the request never
 * reached Slack) or `after` it (stored, the answer not sent yet).
 */
export type FakeHold = HeldCall<RecordedCall>;

export interface FakeSlackApi {
  url: string;
  apiUrl: string;
  calls: RecordedCall[];
  /** Calls of one method (or `respond`). */
  of(method: string): RecordedCall[];
  /** Waits until a call matching `predicate` is recorded (fails after `timeoutMs`). */
  waitFor(predicate: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Overrides the answer of a method (return undefined to fall back to the default). */
  on(method: string, handler: FakeHandler): void;
  responseUrl(id: string): string;
  /** Serves `content` at `path` (an uploaded file's private URL), recorded like the API calls. */
  serveFile(path: string, content: string): string;
  /** The messages of a conversation, oldest first (a user id reads the app's conversation with them). */
  messagesIn(channel: string): FakeSlackMessage[];
  /** Stops the next call of `method` (that `match` accepts) `before` or `after` its effect until released (see FakeHold). */
  hold(method: string, stage: 'before' | 'after', match?: (call: RecordedCall) => boolean): FakeHold;
  /** Forgets calls, handlers, holds and messages. */
  reset(): void;
  close(): Promise<void>;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseParams(body: string, contentType: string): Record<string, unknown> {
  if (body === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    // The Web API client JSON-encodes object arguments (view, blocks) inside the form.
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

const safeJson = (v: string): unknown => {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

let viewCounter = 0;
let lastTsMicros = 0;

/** A message timestamp like Slack's (`1700000000.000100`), unique and increasing. */
function nextTs(): string {
  lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 1);
  return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
}

/** A post to a user id lands in the app's conversation with them. */
const conversationOf = (channel: string): string => (/^[UW][A-Z0-9]+$/.test(channel) ? `D${channel.slice(1)}` : channel);

const tsNumber = (ts: unknown): number => (typeof ts === 'string' || typeof ts === 'number' ? Number(ts) : NaN);

function defaultAnswer(call: RecordedCall): Record<string, unknown> {
  switch (call.method) {
    case 'auth.test':
      return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'upkeep', team_id: 'T0FAKE', user_id: 'UBOT', bot_id: 'BBOT' };
    case 'views.open':
    case 'views.update':
    case 'views.publish':
    case 'views.push':
      return { ok: true, view: { id: `V${++viewCounter}`, hash: `h${viewCounter}`, ...(call.params.view as object) } };
    case 'chat.postMessage': {
      const ts = nextTs();
      return { ok: true, channel: conversationOf(String(call.params.channel)), ts, message_ts: ts };
    }
    case 'chat.postEphemeral': {
      const ts = nextTs();
      return { ok: true, channel: call.params.channel, ts, message_ts: ts };
    }
    case 'conversations.open':
      return { ok: true, channel: { id: conversationOf(String(call.params.users ?? call.params.channel ?? '')) } };
    default:
      return { ok: true };
  }
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const handlers = new Map<string, FakeHandler>();
  const files = new Map<string, string>();
  const waiters: { predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  const messages = new Map<string, FakeSlackMessage[]>();
  const holds: { method: string; stage: 'before' | 'after'; match: (call: RecordedCall) => boolean; arrive: (call: RecordedCall, res: ServerResponse) => Promise<'go' | 'drop'> }[] = [];

  const messagesIn = (channel: string): FakeSlackMessage[] => messages.get(conversationOf(channel)) ?? [];
  const find = (channel: unknown, ts: unknown): FakeSlackMessage | undefined => messagesIn(String(channel)).find((m) => m.ts === String(ts));

  /** What Slack keeps of a successful call (a posted or updated message), and the answer to send. */
  function apply(call: RecordedCall, answer: Record<string, unknown>): Record<string, unknown> {
    const p = call.params;
    if (answer.ok !== true) return answer;
    if (call.method === 'chat.postMessage') {
      const channel = conversationOf(String(p.channel));
      const meta = p.metadata as FakeSlackMessage['metadata'] | undefined;
      const message: FakeSlackMessage = { type: 'message', ts: String(answer.ts ?? nextTs()), channel, text: String(p.text ?? ''), blocks: p.blocks ?? [], ...(meta && typeof meta === 'object' ? { metadata: meta } : {}), bot_id: 'BBOT', user: 'UBOT' };
      const list = messages.get(channel) ?? [];
      list.push(message);
      messages.set(channel, list);
      const { channel: _c, ...shown } = message;
      return { ...answer, channel, ts: message.ts, message: shown };
    }
    if (call.method === 'chat.update') {
      const message = find(p.channel, p.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      if (p.text !== undefined) message.text = String(p.text);
      if (p.blocks !== undefined) message.blocks = p.blocks;
      if (p.metadata && typeof p.metadata === 'object') message.metadata = p.metadata as FakeSlackMessage['metadata'];
      message.edited = { user: 'UBOT', ts: nextTs() };
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    }
    if (call.method === 'conversations.history') {
      // Newest first, after `oldest` (exclusive) and up to `latest`, `limit` per page.
      const oldest = p.oldest !== undefined ? tsNumber(p.oldest) : -Infinity;
      const latest = p.latest !== undefined ? tsNumber(p.latest) : Infinity;
      const all = messagesIn(String(p.channel))
        .filter((m) => tsNumber(m.ts) > oldest && tsNumber(m.ts) <= latest)
        .reverse();
      const limit = Math.max(1, Math.min(Number(p.limit ?? 100) || 100, 999));
      const start = p.cursor ? Number(p.cursor) : 0;
      const page = all.slice(start, start + limit).map(({ channel: _c, metadata, ...m }) => ({ ...m, ...(metadata && String(p.include_all_metadata) === 'true' ? { metadata } : {}) }));
      const more = start + limit < all.length;
      return { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } };
    }
    return answer;
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await read(req);
    const auth = req.headers.authorization;
    const params = parseParams(body, String(req.headers['content-type'] ?? ''));
    const isApi = url.pathname.startsWith('/api/');
    const method = isApi ? url.pathname.slice('/api/'.length) : url.pathname.startsWith('/respond/') ? 'respond' : url.pathname;
    const call: RecordedCall = {
      method,
      params,
      token: auth?.startsWith('Bearer ') ? auth.slice(7) : typeof params.token === 'string' ? params.token : null,
      path: url.pathname,
    };
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.predicate(call)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
    const file = files.get(url.pathname);
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(file) });
      res.end(file);
      return;
    }
    const at = holds.findIndex((h) => h.method === method && h.match(call));
    const hold = at < 0 ? null : holds.splice(at, 1)[0]!;
    if (hold?.stage === 'before' && (await hold.arrive(call, res)) === 'drop') return;
    const answer = apply(call, handlers.get(method)?.(call) ?? (method === 'respond' ? { ok: true } : defaultAnswer(call)));
    if (hold?.stage === 'after' && (await hold.arrive(call, res)) === 'drop') return;
    const text = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    of: (method) => calls.filter((c) => c.method === method),
    waitFor(predicate, timeoutMs = 10_000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the fake Slack API never received the expected call')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    on: (method, handler) => void handlers.set(method, handler),
    responseUrl: (id) => `${url}/respond/${id}`,
    serveFile: (path, content) => {
      files.set(path, content);
      return `${url}${path}`;
    },
    messagesIn,
    hold(method, stage, match = () => true) {
      const { hold, arrive } = holdCall<RecordedCall>();
      holds.push({ method, stage, match, arrive });
      return hold;
    },
    reset: () => {
      calls.length = 0;
      handlers.clear();
      holds.length = 0;
      messages.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Signed requests to the real app (what Slack itself would send)


export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Slack's v0 signature headers for `body` at `timestamp` (seconds). */
export function slackSignature(body: string, secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(timestamp) };
}

export interface SlackPostResult {
  status: number;
  text: string;
  /** The JSON body of the ack, or null when empty / not JSON. */
  json: Record<string, unknown> | null;
}

let triggerCounter = 0;
export const newTriggerId = (): string => `${Date.now()}.${++triggerCounter}.trigger`;

export class SlackDriver {
  constructor(
    readonly appUrl: string,
    readonly fake: FakeSlackApi,
    readonly secret = SIGNING_SECRET,
  ) {}

  async post(body: string, contentType: string, headers: Record<string, string> = {}, sign = true): Promise<SlackPostResult> {
    const res = await fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(sign ? slackSignature(body, this.secret) : {}), ...headers },
      body,
    });
    const text = await res.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      json = null;
    }
    return { status: res.status, text, json };
  }

  /** `/upkeep <text>` from `user` in `team`. */
  command(
    team: string,
    user: string,
    text: string,
    opts: { enterprise?: string; channel?: string; triggerId?: string; retryNum?: number; responseId?: string; headers?: Record<string, string> } = {},
  ): Promise<SlackPostResult> {
    const triggerId = opts.triggerId ?? newTriggerId();
    const body = new URLSearchParams({
      token: 'verification-token-unused',
      team_id: team,
      team_domain: team.toLowerCase(),
      ...(opts.enterprise ? { enterprise_id: opts.enterprise, enterprise_name: 'Grid' } : {}),
      channel_id: opts.channel ?? 'C0GENERAL',
      channel_name: 'general',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/upkeep',
      text,
      api_app_id: 'A0UPKEEP',
      is_enterprise_install: 'false',
      response_url: this.fake.responseUrl(opts.responseId ?? triggerId),
      trigger_id: triggerId,
    }).toString();
    const headers = { ...(opts.retryNum ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}), ...opts.headers };
    return this.post(body, 'application/x-www-form-urlencoded', headers);
  }

  /** An interactivity payload (view_submission, block_actions). */
  interaction(payload: Record<string, unknown>, headers: Record<string, string> = {}): Promise<SlackPostResult> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', headers);
  }

  /** A view_submission of `view` (as opened through views.open) with `values`. */
  submitView(
    team: string,
    user: string,
    view: { callback_id: string; id?: string; hash?: string },
    values: Record<string, Record<string, unknown>>,
    headers: Record<string, string> = {},
  ): Promise<SlackPostResult> {
    return this.interaction(
      {
        type: 'view_submission',
        team: { id: team, domain: team.toLowerCase() },
        user: { id: user, username: user.toLowerCase(), team_id: team },
        api_app_id: 'A0UPKEEP',
        token: 'unused',
        trigger_id: newTriggerId(),
        view: {
          id: view.id ?? 'V0MODAL',
          team_id: team,
          type: 'modal',
          callback_id: view.callback_id,
          hash: view.hash ?? 'h0',
          private_metadata: '',
          state: { values },
          blocks: [],
        },
        response_urls: [],
      },
      headers,
    );
  }

  /** A block_actions click on a button (`actionId`) of the App Home or of a modal. */
  clickButton(team: string, user: string, actionId: string, view?: Record<string, unknown>): Promise<SlackPostResult> {
    return this.interaction({
      type: 'block_actions',
      team: { id: team, domain: team.toLowerCase() },
      user: { id: user, username: user.toLowerCase(), team_id: team },
      api_app_id: 'A0UPKEEP',
      token: 'unused',
      trigger_id: newTriggerId(),
      container: { type: 'view', view_id: 'VHOME' },
      ...(view ? { view } : {}),
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: String(Date.now() / 1000), text: { type: 'plain_text', text: 'x' } }],
    });
  }

  /** An Events API callback (e.g. app_home_opened). */
  event(team: string, event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number } = {}): Promise<SlackPostResult> {
    const body = JSON.stringify({
      token: 'unused',
      team_id: team,
      api_app_id: 'A0UPKEEP',
      type: 'event_callback',
      event_id: opts.eventId ?? `Ev${Date.now()}${++triggerCounter}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: team, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
      event,
    });
    return this.post(body, 'application/json', opts.retryNum ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {});
  }
}
