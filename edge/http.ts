// Small HTTP helpers shared by every route: JSON replies, CONTRACT §3 errors, bounded bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isDomainError, type DomainErrorCode } from '../core/errors.ts';

/** The Fastify app every route plugin registers on, with zod schemas as the type provider. */
export type ZodFastify = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/**
 * A set of routes an adapter contributes: the composition root registers it on the app.
 * Schemas are zod (`schema: { params, querystring, body, response }`); the OpenAPI document
 * is generated from them.
 */
export type RoutePlugin = (app: ZodFastify) => Promise<void> | void;

export type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => Promise<void> | void;

export interface Route {
  method: string;
  /** A path pattern with `{name}` segments (`{name*}` matches the rest of the path). */
  path: string;
  handler: Handler;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, { error: { code, message } }, headers);
}

/** HTTP status for a domain error: the client's input was refused, never a 5xx. */
export function statusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'unauthorized':
      return 401;
    case 'not_admin':
    case 'not_member':
    case 'not_maintainer':
      return 403;
    case 'not_found':
    case 'company_not_found':
    case 'wish_not_found':
      return 404;
    case 'company_exists':
    case 'wish_exists':
    case 'wish_transition':
    case 'period_closed':
    case 'period_not_closed':
    case 'conflict':
      return 409;
    default:
      return 400;
  }
}

/** Reads a body up to `limit` bytes; a larger body is refused with 413. */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'payload_too_large', `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Matches a path against a pattern; returns the decoded parameters or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = pathname.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const m = /^\{(\w+)(\*)?\}$/.exec(seg);
    if (m?.[2]) {
      const rest = s.slice(i).join('/');
      if (rest === '') return null;
      params[m[1]!] = safeDecode(rest);
      return params;
    }
    if (i >= s.length) return null;
    if (m) {
      if (s[i] === '') return null;
      params[m[1]!] = safeDecode(s[i]!);
    } else if (seg !== s[i]) return null;
  }
  return p.length === s.length ? params : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'invalid_path', 'The path contains a malformed percent-encoding.');
  }
}

/** Runs a handler, turning expected failures into CONTRACT §3 errors and anything else into a logged 500. */
export async function runHandler(
  handler: Handler,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  onUnexpected: (e: unknown) => void,
): Promise<void> {
  try {
    await handler(req, res, params);
  } catch (e) {
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, e.headers);
    if (isDomainError(e)) {
      const headers: Record<string, string> = e.code === 'unauthorized' ? { 'www-authenticate': 'Bearer' } : {};
      return sendError(res, statusOf(e.code), e.code, e.userMessage, headers);
    }
    onUnexpected(e);
    sendError(res, 500, 'internal', 'Something went wrong on our side; it has been logged.');
  }
}

export function bearerToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}
