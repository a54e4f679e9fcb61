// A recording fake of the Slack Web API (and of response_url endpoints) on 127.0.0.1, and a
// driver that sends what Slack itself would send (signed slash commands, interactions, events).
// Every call is recorded with its parsed parameters and bearer token, and answered like Slack.
// Tests and `npm run demo` point SLACK_API_URL at `${url}/api/` and response_url at `${url}/respond/<id>`.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** Web API method (`views.open`), or `respond` for response_url posts. */
  method: string;
  params: Record<string, unknown>;
  /** Bearer token of the call, when any. */
  token: string | null;
  path: string;
}

export type FakeHandler = (call: RecordedCall) => Record<string, unknown> | undefined;

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

function defaultAnswer(call: RecordedCall): Record<string, unknown> {
  switch (call.method) {
    case 'auth.test':
      return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'upkeep', team_id: 'T0FAKE', user_id: 'UBOT', bot_id: 'BBOT' };
    case 'views.open':
    case 'views.update':
    case 'views.publish':
    case 'views.push':
      return { ok: true, view: { id: `V${++viewCounter}`, hash: `h${viewCounter}`, ...(call.params.view as object) } };
    case 'chat.postMessage':
    case 'chat.postEphemeral':
      return { ok: true, channel: call.params.channel, ts: `${Date.now() / 1000}`, message_ts: `${Date.now() / 1000}` };
    default:
      return { ok: true };
  }
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const handlers = new Map<string, FakeHandler>();
  const files = new Map<string, string>();
  const waiters: { predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];

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
    const answer = handlers.get(method)?.(call) ?? (method === 'respond' ? { ok: true } : defaultAnswer(call));
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
    reset: () => {
      calls.length = 0;
      handlers.clear();
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
