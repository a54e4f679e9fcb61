// Mounts the GitHub App at POST /github/webhooks. Before Probot sees a delivery, this checks the
// X-Hub-Signature-256 HMAC of the raw body (401), that it is JSON of the event's shape (400),
// and that its X-GitHub-Delivery id is new (a redelivery is acknowledged with no second effect).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeMiddleware, Probot, ProbotOctokit } from 'probot';
import type { Config } from '../../app/config.ts';
import type { Logger } from '../../edge/logger.ts';
import type { Mount } from '../../edge/contribution.ts';
import type { Services } from '../../app/services.ts';
import { forgetInbound, recordInbound } from '../../prisma/inbound-events.ts';
import { HttpError, readBody, sendError, sendJson } from '../../edge/http.ts';
import { upkeepGithubApp } from './app.ts';
import { payloadProblems } from './payloads.ts';
import { followWishChanges, insideWebhook } from './status-comment.ts';

export const WEBHOOK_PATH = '/github/webhooks';
type GithubConfig = NonNullable<Config['github']>;
/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY = 25 * 1024 * 1024;

export interface GithubMountOptions {
  /** Octokit retries and throttling (on by default; tests turn them off to fail fast). */
  retries?: boolean;
}

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

/** A Probot instance for the configured App (webhooks, and installation tokens for API reads). */
export function createProbot(gh: GithubConfig, log: Logger, options: GithubMountOptions = {}): Probot {
  // A function default runs after Probot's own layer, which would otherwise replace `throttle`.
  const Octokit =
    options.retries === false
      ? ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { ...(o.throttle as object), enabled: false } }))
      : ProbotOctokit;
  return new Probot({
    appId: gh.appId,
    privateKey: gh.privateKey,
    secret: gh.webhookSecret,
    baseUrl: gh.apiUrl.replace(/\/+$/, ''),
    Octokit: Octokit as typeof ProbotOctokit,
    // Probot bundles its own pino typings; the logger is a pino logger all the same.
    log: log.child({ adapter: 'github' }) as never,
  });
}

/** The GitHub App mount, or null when GITHUB_* is not configured. */
export async function createGithubMount(services: Services, options: GithubMountOptions = {}): Promise<Mount | null> {
  const gh = services.config.github;
  if (!gh) return null;
  const probot = createProbot(gh, services.log, options);
  const middleware = await createNodeMiddleware(upkeepGithubApp(services), { probot, webhooksPath: WEBHOOK_PATH });
  const prisma = services.db.prisma;
  followWishChanges(services, probot);

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendError(res, 405, 'method_not_allowed', `Use POST on ${WEBHOOK_PATH}.`);
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY);
    } catch (e) {
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
      throw e;
    }
    if (!validSignature(gh.webhookSecret, raw, header(req, 'x-hub-signature-256'))) {
      return sendError(res, 401, 'invalid_signature', 'The X-Hub-Signature-256 header does not match this delivery.');
    }
    const event = header(req, 'x-github-event');
    const delivery = header(req, 'x-github-delivery');
    if (!event || !delivery) return sendError(res, 400, 'missing_headers', 'X-GitHub-Event and X-GitHub-Delivery are required.');
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_json', 'The delivery body is not JSON (configure the webhook with content type application/json).');
    }
    const problems = payloadProblems(event, payload);
    if (problems) return sendError(res, 400, 'invalid_payload', `This ${event} delivery is malformed: ${problems}.`);
    if (!(await recordInbound(prisma, 'github', delivery, event))) {
      return sendJson(res, 200, { ok: true, duplicate: true });
    }
    // Probot reads a string body when one is set (the stream was consumed above).
    (req as IncomingMessage & { body?: string }).body = raw.toString('utf8');
    req.headers['content-type'] = 'application/json';
    try {
      await insideWebhook.run(true, () => middleware(req, res));
    } catch (e) {
      await forgetInbound(prisma, 'github', delivery);
      throw e;
    }
    // A failed handler leaves the delivery unrecorded, so GitHub's "Redeliver" retries it.
    if (res.statusCode >= 500) await forgetInbound(prisma, 'github', delivery);
  };
  return { name: 'github', path: WEBHOOK_PATH, listener };
}
