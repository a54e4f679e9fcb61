// One HTTP server for everything, on Fastify: the route plugins (public API, pages, widget,
// admin, webhooks of payments), /healthz, and the bots' webhook mounts, which get their raw
// request. One error handler answers CONTRACT §3 errors; no 5xx for bad input.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { $ZodType } from 'zod/v4/core';
import { isDomainError, type ErrorHint } from '../core/errors.ts';
import { PROBE_TIMEOUT_MS, runProbe, type HealthProbe, type Mount } from './contribution.ts';
import { DATABASE_OUTAGE, isDatabaseOutage } from './database-outage.ts';
import { jsonBoundsProblem } from './json-guard.ts';
import { DOMAIN_ERROR_STATUS, fieldRefusals, HttpError, sendError, type RoutePlugin, type ZodFastify } from './http.ts';
import type { Logger } from './logger.ts';

export type { HealthProbe, Mount } from './contribution.ts';

/** A body no route says otherwise about (Fastify's default). */
const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Against slow clients, in ms. Headers must arrive within `headers` and the whole request
 * within `request` (a GitHub delivery is up to 25 MB); an idle keep-alive connection is kept
 * `keepAlive`, longer than a load balancer's idle timeout (60 s on AWS ALB, GCP's 600 s is
 * configurable) so the balancer, not us, closes it and never reuses a socket we just closed;
 * a socket silent for `idle` is closed (above `keepAlive`). Node checks the first two every
 * `checkEvery`.
 */
export interface ServerTimeouts {
  headers: number;
  request: number;
  keepAlive: number;
  idle: number;
  checkEvery: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = { headers: 20_000, request: 60_000, keepAlive: 72_000, idle: 120_000, checkEvery: 1_000 };

const INTERNAL = 'Something went wrong on our side; it has been logged.';

export interface HttpAppOptions {
  log: Logger;
  routes?: readonly RoutePlugin[];
  mounts?: readonly Mount[];
  probes?: readonly HealthProbe[];
  /** More facts for `/healthz` (e.g. which database). */
  health?: Record<string, unknown>;
  /** What the OpenAPI document says beyond the routes (title, servers, security schemes). */
  openapi?: Partial<OpenAPIV3_1.Document>;
  /** How long a health probe without its own timeout may take (ms, default PROBE_TIMEOUT_MS). */
  probeTimeoutMs?: number;
  /** Server timeouts against slow clients (default SERVER_TIMEOUTS; tests shorten them). */
  timeouts?: Partial<ServerTimeouts>;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For gives `request.ip`; none: the socket's address. */
  trustedProxies?: readonly string[] | null;
}

/** A route the app serves, with the largest body it accepts. */
export interface ServedRoute {
  method: string;
  url: string;
  bodyLimit: number;
}

export interface HttpApp {
  server: Server;
  fastify: ZodFastify;
  /** Every route and mount registered (complete once the app listens). */
  routes(): ServedRoute[];
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  code: string;
  message: string;
  /** What to run next, in the grammar (an API client shows it in its own terms). */
  hint?: ErrorHint;
  headers?: Record<string, string>;
}

export function createHttpApp({ log, routes = [], mounts = [], probes = [], health = {}, openapi, probeTimeoutMs = PROBE_TIMEOUT_MS, timeouts = {}, trustedProxies = null }: HttpAppOptions): HttpApp {
  const limits = { ...SERVER_TIMEOUTS, ...timeouts };
  const app = Fastify({
    ...(trustedProxies?.length ? { trustProxy: [...trustedProxies] } : {}),
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    forceCloseConnections: true,
    // A client that dribbles its headers or body is answered 408 and cut off (Node's checks).
    http: { headersTimeout: limits.headers, requestTimeout: limits.request, connectionsCheckingInterval: limits.checkEvery },
    requestTimeout: limits.request,
    keepAliveTimeout: limits.keepAlive,
    connectionTimeout: limits.idle,
    // Errors Fastify meets before any route (a path that cannot be decoded) are the client's.
    frameworkErrors: (error, _request, reply) => {
      const answer: Answer =
        error.code === 'FST_ERR_BAD_URL'
          ? { status: 400, code: 'invalid_path', message: 'The path contains a malformed percent-encoding.' }
          : { status: 400, code: 'bad_request', message: error.message };
      void (reply as FastifyReply).code(answer.status).send({ error: { code: answer.code, message: answer.message } });
    },
  }).withTypeProvider<ZodTypeProvider>();
  // Every route's JSON is bounded (nesting depth) before it is parsed, then parsed by Fastify's own parser (prototype poisoning refused).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const problem = jsonBoundsProblem(body as Buffer);
    if (problem) return done(new HttpError(400, problem.code, problem.message), undefined);
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const answer = answerFor(error, request);
    if (answer.status >= 500) log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply
      .code(answer.status)
      .headers(answer.headers ?? {})
      .send({ error: { code: answer.code, message: answer.message, ...(answer.hint ? { hint: answer.hint } : {}) } });
  });

  const methods = new MethodIndex();
  app.addHook('onRoute', (route) => methods.add(route.method, route.url, route.bodyLimit ?? DEFAULT_BODY_LIMIT));
  // A declared length over the route's limit is refused before anything is read or parsed.
  app.addHook('onRequest', async (request) => {
    const length = Number(request.headers['content-length'] ?? 0);
    const limit = request.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (length > limit) throw tooLarge(limit);
  });

  void app.register(helmet, { global: true });
  void app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: 'Upkeep', version: '1.0.0' }, ...openapi },
    // Only routes tagged as public API are documented: webhooks, pages and admin are not.
    hideUntagged: true,
    transform: jsonSchemaTransform,
    transformObject: (input) => withoutUnusedInputs(jsonSchemaTransformObject(input)),
  });

  // Probes run together, each within its timeout: one component down answers 503 naming it, fast.
  app.get('/healthz', async (_request, reply) => {
    const results = await Promise.all(probes.map(async (probe) => ({ probe, ...(await runProbe(probe, probeTimeoutMs)) })));
    const checks: Record<string, string> = {};
    for (const { probe, state, error } of results) {
      checks[probe.name] = state;
      if (state !== 'ok') log.warn({ err: error, probe: probe.name, state }, 'health probe failed');
    }
    const down = results.filter((r) => r.state !== 'ok').map((r) => r.probe.name);
    return reply
      .code(down.length === 0 ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ ok: down.length === 0, checks, ...(down.length > 0 ? { down } : {}), ...health });
  });

  void app.register(async (scope) => {
    // Mounts verify signatures over the exact bytes: bodies stay raw, whatever their type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const mount of mounts) {
      scope.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url: mount.path.endsWith('/') ? `${mount.path}*` : mount.path,
        bodyLimit: mount.bodyLimit ?? DEFAULT_BODY_LIMIT,
        helmet: false,
        handler: async (request, reply) => {
          reply.hijack();
          const req = Buffer.isBuffer(request.body) ? replay(request.raw, request.body) : request.raw;
          try {
            await mount.listener(req, reply.raw);
          } catch (e) {
            log.error({ err: e, mount: mount.name }, 'adapter failed');
            if (isDatabaseOutage(e)) sendError(reply.raw, DATABASE_OUTAGE.status, DATABASE_OUTAGE.code, DATABASE_OUTAGE.message, { 'retry-after': String(DATABASE_OUTAGE.retryAfterSeconds) });
            else sendError(reply.raw, 500, 'internal', INTERNAL);
          }
        },
      });
    }
  });

  for (const plugin of routes) void app.register(async (scope) => plugin(scope));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = methods.allowed(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: { code: 'method_not_allowed', message: `${request.method} is not supported on ${path}.` } });
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `Nothing is served at ${path}.` } });
  });

  return {
    server: app.server,
    fastify: app,
    routes: () => methods.routes(),
    listen: async (port, host = '0.0.0.0') => {
      await app.listen({ port, host });
      const { port: actual } = app.server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}`;
    },
    close: () => app.close(),
  };
}

/**
 * The zod transform names every registered schema twice (`Wish` as sent, `WishInput` as
 * received); the public schemas are only sent, so an input twin no operation uses is dropped.
 */
function withoutUnusedInputs<T>(document: T): T {
  const components = (document as { components?: { schemas?: Record<string, unknown> } }).components;
  const schemas = components?.schemas;
  if (!schemas) return document;
  const refs = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  const reached = new Set(refs({ ...document, components: { ...components, schemas: {} } }));
  for (const name of reached) for (const next of refs(schemas[name] ?? null)) reached.add(next);
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && name.slice(0, -'Input'.length) in schemas && !reached.has(name)) delete schemas[name];
  }
  return document;
}

/** The answer for anything a route or a hook threw. */
function answerFor(error: unknown, request: FastifyRequest): Answer {
  if (hasZodFastifySchemaValidationErrors(error)) return invalidInput(error, request);
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  if (isDomainError(error)) {
    const headers: Record<string, string> = error.code === 'unauthorized' ? { 'www-authenticate': 'Bearer' } : error.code === 'rate_limited' ? { 'retry-after': String(error.details.retryAfterSeconds) } : {};
    return { status: DOMAIN_ERROR_STATUS[error.code], code: error.code, message: error.userMessage, ...(error.hint ? { hint: error.hint } : {}), headers };
  }
  const fastify = error as Partial<FastifyError>;
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge(request.routeOptions.bodyLimit ?? DEFAULT_BODY_LIMIT);
  // Fastify's own refusals (unsupported media type, malformed JSON...) are the client's.
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const code = fastify.statusCode === 415 ? 'unsupported_media_type' : 'bad_request';
    return { status: fastify.statusCode, code, message: fastify.message ?? 'The request is malformed.' };
  }
  // The database stopped or restarting is not a bug: a clear 503 that says to try again.
  if (isDatabaseOutage(error)) return { status: DATABASE_OUTAGE.status, code: DATABASE_OUTAGE.code, message: DATABASE_OUTAGE.message, headers: { 'retry-after': String(DATABASE_OUTAGE.retryAfterSeconds) } };
  return { status: 500, code: 'internal', message: INTERNAL };
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${limit} bytes.`, { connection: 'close' });
}

const PLACES: Record<string, string> = { params: 'path parameter', querystring: 'query parameter', body: 'body field', headers: 'header' };

/** 400 naming the field; a field read by a core parser answers with the parser's code and message. */
function invalidInput(error: { validation: { instancePath: string; message?: string; params: Record<string, unknown> }[]; validationContext?: string }, request: FastifyRequest): Answer {
  const issue = error.validation[0]!;
  const path = issue.instancePath.split('/').filter(Boolean);
  const context = error.validationContext ?? 'body';
  const custom = (issue.params.params as { code?: string } | undefined)?.code;
  const field = fieldAt((request.routeOptions.schema as Record<string, unknown> | undefined)?.[context], path);
  const registered = field ? fieldRefusals.get(field)?.code : undefined;
  const message = issue.message ?? 'is invalid';
  if (custom || registered) return { status: 400, code: custom ?? registered!, message };
  const name = path.length > 0 ? `${PLACES[context] ?? context} ${path.join('.')}` : `the ${PLACES[context]?.split(' ')[0] ?? context}`;
  return { status: 400, code: 'invalid_input', message: `Invalid ${name}: ${message}` };
}

/** The zod schema of the field at `path` inside an object schema. */
function fieldAt(schema: unknown, path: readonly string[]): $ZodType | undefined {
  let at = schema as { shape?: Record<string, unknown> } | undefined;
  for (const key of path) at = at?.shape?.[key] as typeof at;
  return path.length > 0 ? (at as $ZodType | undefined) : undefined;
}

/** The request of a mount, its body already read: what the listener reads is the same bytes. */
function replay(raw: IncomingMessage, body: Buffer): IncomingMessage {
  const stream = new PassThrough();
  stream.end(body);
  return Object.assign(stream, {
    headers: raw.headers,
    rawHeaders: raw.rawHeaders,
    method: raw.method,
    url: raw.url,
    httpVersion: raw.httpVersion,
    httpVersionMajor: raw.httpVersionMajor,
    httpVersionMinor: raw.httpVersionMinor,
    socket: raw.socket,
    connection: raw.socket,
    complete: true,
    aborted: false,
    trailers: {},
    rawTrailers: [],
    // Bolt reads a buffered body from here instead of the stream.
    rawBody: body,
  }) as unknown as IncomingMessage;
}

/** Which methods each registered path pattern serves, so a known path with another method gets 405. */
class MethodIndex {
  private readonly patterns = new Map<string, { re: RegExp; methods: Map<string, number> }>();

  add(method: string | string[], url: string, bodyLimit: number): void {
    const entry = this.patterns.get(url) ?? { re: patternOf(url), methods: new Map<string, number>() };
    for (const m of [method].flat()) entry.methods.set(m, bodyLimit);
    this.patterns.set(url, entry);
  }

  routes(): ServedRoute[] {
    return [...this.patterns].flatMap(([url, { methods }]) => [...methods].map(([method, bodyLimit]) => ({ method, url, bodyLimit })));
  }

  allowed(path: string): string[] {
    const found = new Set<string>();
    for (const { re, methods } of this.patterns.values()) if (re.test(path)) for (const m of methods.keys()) found.add(m);
    return [...found].sort();
  }
}

function patternOf(url: string): RegExp {
  const body = url
    .split('/')
    .map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}$`);
}

