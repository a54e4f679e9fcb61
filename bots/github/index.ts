// The GitHub App's share of the platform: POST /github/webhooks. Before Probot sees a delivery,
// this checks the X-Hub-Signature-256 HMAC of the raw body (401), that it is JSON of the
// event's shape (400), and that its X-GitHub-Delivery id is new (a redelivery is acknowledged
// with no second effect).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeMiddleware } from 'probot';
import { receiveOnce } from '../../core/inbound.ts';
import { cleanJson } from '../../core/text.ts';
import type { Contribution } from '../../edge/contribution.ts';
import { HttpError, readBody, sendError, sendJson } from '../../edge/http.ts';
import { readJson } from '../../edge/json-guard.ts';
import { upkeepGithubApp } from './app.ts';
import type { GithubDeps } from './deps.ts';
import { githubInbound } from './inbound-keys.ts';
import { withOwedReleases } from './owed-releases.ts';
import { payloadProblems } from './payloads.ts';
import { createProbot, type GithubClientOptions } from './probot.ts';

export type { GithubDeps, GithubSettings } from './deps.ts';
export type { GithubClientOptions } from './probot.ts';

export const WEBHOOK_PATH = '/github/webhooks';
/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY = 25 * 1024 * 1024;

/** `sha256=` + HMAC-SHA256 hex of the raw body, as GitHub signs deliveries. */
export function signWebhook(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function validSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhook(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The delivery's text, or its payload re-encoded without NUL and lone surrogates when it holds one (escaped, as JSON carries them). */
function cleanedBody(text: string, payload: unknown): string {
  if (!/\\u(?:0000|d[89a-f][0-9a-f]{2})/i.test(text)) return text;
  const cleaned = JSON.stringify(cleanJson(payload));
  return cleaned === JSON.stringify(payload) ? text : cleaned;
}

/** Probot answered 5xx: the delivery failed after its claim, which must be released. */
class DeliveryFailed extends Error {}

/** The GitHub App's webhook mount. */
export async function githubContribution(given: GithubDeps, options: GithubClientOptions = {}): Promise<Contribution> {
  // A claim the database could not release mid-delivery is released before the next one (owed-releases.ts).
  const deps: GithubDeps = { ...given, inbound: withOwedReleases(given.inbound) };
  const { settings } = deps;
  const probot = createProbot(settings, deps.log, options);
  const middleware = await createNodeMiddleware(upkeepGithubApp(deps), { probot, webhooksPath: WEBHOOK_PATH });

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', `Use POST on ${WEBHOOK_PATH}.`);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY);
    } catch (e) {
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
      throw e;
    }
    if (!validSignature(settings.webhookSecret, raw, header(req, 'x-hub-signature-256'))) {
      return sendError(res, 401, 'invalid_signature', 'The X-Hub-Signature-256 header does not match this delivery.');
    }
    const event = header(req, 'x-github-event');
    const delivery = header(req, 'x-github-delivery');
    if (!event || !delivery) return sendError(res, 400, 'missing_headers', 'X-GitHub-Event and X-GitHub-Delivery are required.');
    // Bounded before parsing (edge/json-guard.ts): a delivery nested thousands deep is refused, not parsed.
    const read = readJson(raw);
    if (!read.ok && read.refusal.code !== 'invalid_json') return sendError(res, 400, read.refusal.code, read.refusal.message);
    if (!read.ok) return sendError(res, 400, 'invalid_json', 'The delivery body is not JSON (configure the webhook with content type application/json).');
    const payload = read.value;
    const problems = payloadProblems(event, payload);
    if (problems) return sendError(res, 400, 'invalid_payload', `This ${event} delivery is malformed: ${problems}.`);
    // Probot reads a string body when one is set (the stream was consumed above). Provider text is
    // cleaned once, before any handler reads it (core/text.ts); Probot checks the signature again,
    // so a body that cleaning changed is signed anew with the same secret.
    const text = raw.toString('utf8');
    const body = cleanedBody(text, payload);
    if (body !== text) req.headers['x-hub-signature-256'] = signWebhook(settings.webhookSecret, body);
    (req as IncomingMessage & { body?: string }).body = body;
    req.headers['content-type'] = 'application/json';
    // Claimed first, so a concurrent redelivery is acknowledged at once; a failed handler
    // (Probot answered 5xx) releases the claim, so GitHub's "Redeliver" retries it.
    try {
      const received = await receiveOnce(deps.inbound, githubInbound.delivery(delivery, event), 'claim-first', async () => {
        await middleware(req, res);
        if (res.statusCode >= 500) throw new DeliveryFailed(`the ${event} handler failed`);
      });
      if (received.duplicate) sendJson(res, 200, { ok: true, duplicate: true });
    } catch (e) {
      if (!(e instanceof DeliveryFailed)) throw e;
    }
  };
  return { mounts: [{ name: 'github', path: WEBHOOK_PATH, bodyLimit: MAX_BODY, listener }] };
}
