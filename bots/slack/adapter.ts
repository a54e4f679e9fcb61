// The Slack adapter: a Bolt app on an HTTPReceiver whose Node listener the platform mounts, with
// the slash command (commands.ts), the modals (forms.ts) and the App Home (home.ts) registered
// on it, and the CSV download route beside it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, HTTPModuleFunctions, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Mount } from '../../edge/contribution.ts';
import { cleanText } from '../../core/text.ts';
import { freshTimestamp, SIGNATURE_WINDOW_SECONDS } from '../../edge/freshness.ts';
import { sendError, type RoutePlugin } from '../../edge/http.ts';
import type { Logger } from '../../edge/logger.ts';
import type { SlackContext } from './ack.ts';
import { MalformedSlackRequest, slackBodyProblem } from './body-shape.ts';
import { registerSlashCommand } from './commands.ts';
import type { SlackDeps } from './deps.ts';
import { slackDownloadRoute } from './download-route.ts';
import { registerForms } from './forms.ts';
import { registerHome } from './home.ts';
import { registerNoticePledge } from './notice-pledge.ts';
import { INSTALL_PATH, installOptions, OAUTH_REDIRECT_PATH, singleWorkspaceAuthorize } from './oauth.ts';

export interface SlackAdapterOptions {
  /** Work that finishes within this many ms is answered in the ack itself; slower work replies through `respond`. */
  ackBudgetMs?: number;
  /** Web API retries (Slack's client default); tests turn them off. */
  retries?: boolean;
  /** The wall clock request timestamps are checked against (ms since the epoch; default Date.now). */
  now?: () => number;
}

/**
 * Bolt refuses a request dated more than five minutes ago but accepts one from the future; this
 * check runs first and refuses both (a future date would let a captured request be replayed
 * later). A request without a timestamp is left to Bolt, which refuses it (401).
 */
export function slackTimestampGuard(listener: (req: IncomingMessage, res: ServerResponse) => void, now: () => number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const raw = req.headers['x-slack-request-timestamp'];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && !freshTimestamp(value, now())) {
      return sendError(res, 401, 'stale_timestamp', `X-Slack-Request-Timestamp must be a Unix time within ${SIGNATURE_WINDOW_SECONDS / 60} minutes of now.`);
    }
    return listener(req, res);
  };
}

export interface SlackAdapter {
  app: App;
  receiver: HTTPReceiver;
  mounts: Mount[];
  routes: RoutePlugin[];
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => log.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => log.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => log.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => log.error(m.map((x) => (x instanceof Error ? x.stack ?? x.message : String(x))).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackAdapter(deps: SlackDeps, { ackBudgetMs = 2000, retries = true, now = Date.now }: SlackAdapterOptions = {}): SlackAdapter {
  const log = deps.log.child({ adapter: 'slack' });
  const logger = boltLogger(log);
  const { settings } = deps;
  const apiUrl = settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/`;
  const clientOptions = { slackApiUrl: apiUrl, ...(retries ? {} : { retryConfig: { retries: 0 } }) };

  const receiver = new HTTPReceiver({
    signingSecret: settings.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logger,
    // A malformed body (see processEvent below) is the sender's fault: 400 with what is wrong; anything else as Bolt answers it.
    processEventErrorHandler: async (args) => {
      if (!(args.error instanceof MalformedSlackRequest) || args.response.headersSent) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      sendError(args.response, 400, 'invalid_payload', `This Slack request is malformed: ${args.error.message}.`);
      return true;
    },
    ...installOptions(deps, clientOptions),
  });

  const botToken = settings.oauth ? null : settings.botToken;
  const app: App = new App({
    receiver,
    logger,
    clientOptions,
    ...(botToken ? { authorize: singleWorkspaceAuthorize(botToken, () => app.client, log) } : {}),
  });
  app.error(async (error) => {
    log.error({ err: error }, 'slack handler failed');
  });
  // Every verified request passes here before Bolt reads it (the receiver calls processEvent).
  // Provider text is cleaned once (core/text.ts: PostgreSQL refuses NUL and lone surrogates), in
  // place, since Bolt hands listeners views into this body; then its shape is checked, so neither
  // Bolt nor a listener meets a body it cannot read (the receiver answers that 400).
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    cleanInPlace(event.body);
    const problem = slackBodyProblem(event.body);
    if (problem) {
      log.warn({ problem }, 'malformed slack request');
      throw new MalformedSlackRequest(problem);
    }
    return processEvent(event);
  };

  const ctx: SlackContext = { deps, log, ackBudgetMs };
  registerSlashCommand(app, ctx);
  registerForms(app, ctx);
  registerHome(app, ctx);
  registerNoticePledge(app, ctx);

  const listener = receiver.requestListener as (req: IncomingMessage, res: ServerResponse) => void;
  // Bolt's own body limit (4 MB), declared so the server refuses a larger body before Bolt reads it.
  const mounts: Mount[] = [{ name: 'slack', path: '/slack/events', bodyLimit: 4 * 1024 * 1024, listener: slackTimestampGuard(listener, now) }];
  if (settings.oauth) mounts.push({ name: 'slack-install', path: INSTALL_PATH, listener }, { name: 'slack-oauth', path: OAUTH_REDIRECT_PATH, listener });
  const routes = [slackDownloadRoute({ clock: deps.clock, companies: deps.companies, ledger: deps.ledger, payments: deps.payments, signingSecret: settings.signingSecret })];
  return { app, receiver, mounts, routes };
}

/** Every string of a parsed body (keys included) cleaned where it is, without recursion. */
function cleanInPlace(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const holder = node as Record<string, unknown>;
    for (const key of Object.keys(holder)) {
      const value = holder[key];
      const clean = cleanText(key);
      if (clean !== key) delete holder[key];
      // defineProperty: a key that cleans to `__proto__` stays a key, never a prototype.
      if (clean !== key || typeof value === 'string') {
        Object.defineProperty(holder, clean, { value: typeof value === 'string' ? cleanText(value) : value, writable: true, enumerable: true, configurable: true });
      }
      if (typeof value !== 'string') stack.push(value);
    }
  }
}

