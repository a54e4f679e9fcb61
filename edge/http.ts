// What every HTTP edge shares: the Fastify app type route plugins register on, the status of
// each domain error, zod fields read by core parsers, and the raw-Node helpers that webhook
// mounts (which own their request) use to answer CONTRACT §3 errors.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DomainErrorCode, Result } from '../core/errors.ts';

/** The Fastify app every route plugin registers on, with zod schemas as the type provider. */
export type ZodFastify = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/**
 * A set of routes an adapter contributes: the composition root registers it on the app.
 * Schemas are zod (`schema: { params, querystring, body, response }`); the OpenAPI document
 * is generated from them (routes tagged `tags: [...]` appear in it, the others are hidden).
 */
export type RoutePlugin = (app: ZodFastify) => Promise<void> | void;

/** An error with its HTTP answer, for what is not a domain refusal (a bad signature, a missing header...). */
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

/** HTTP status of each domain refusal: the client's input was refused, never a 5xx. */
export const DOMAIN_ERROR_STATUS = {
  invalid_command: 400,
  invalid_package: 400,
  invalid_amount: 400,
  wrong_currency: 400,
  invalid_period: 400,
  invalid_manifest: 400,
  invalid_delay: 400,
  invalid_input: 400,
  company_exists: 409,
  company_not_found: 404,
  not_admin: 403,
  not_member: 403,
  unauthorized: 401,
  not_found: 404,
  allocation_points_total: 400,
  allocation_too_few_packages: 400,
  allocation_points_over_max: 400,
  allocation_not_dependency: 400,
  allocation_owned_package: 400,
  allocation_invalid_points: 400,
  allocation_duplicate_package: 400,
  budget_not_set: 400,
  period_closed: 409,
  period_not_closed: 409,
  period_in_future: 400,
  invalid_optin: 400,
  wish_not_found: 404,
  wish_exists: 409,
  wish_transition: 409,
  not_maintainer: 403,
  quote_missing: 400,
  link_expired: 400,
  identity_mismatch: 400,
  payment_failed: 400,
  conflict: 409,
  rate_limited: 429,
} as const satisfies Record<DomainErrorCode, 400 | 401 | 403 | 404 | 409 | 429>;

/** HTTP status for a domain error. */
export const statusOf = (code: DomainErrorCode): number => DOMAIN_ERROR_STATUS[code];

/** The body of every error answer (CONTRACT §3). */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_package' }),
      message: z.string(),
      hint: z
        .object({ surface: z.enum(['company', 'issue']), command: z.string(), example: z.string().optional() })
        .optional()
        .meta({ description: 'What to run next, without any platform syntax: `company` commands are typed after `/upkeep` in Slack, `issue` commands in a GitHub issue comment.' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every error: a stable code and a message for people; never a stack trace.' });

/** A documented JSON answer: the schema validates what is sent and describes it in the OpenAPI document. */
export const jsonAnswer = <S>(description: string, schema: S) => ({ description, content: { 'application/json': { schema } } });

/** A documented error answer (CONTRACT §3 body). */
export const errorAnswer = (description: string) => jsonAnswer(description, apiErrorSchema);

/** What a request field's refusal answers: the domain code a failing field maps to. */
export const fieldRefusals = z.registry<{ code: DomainErrorCode }>();

/**
 * A string field (path, query) read by a core parser, so the route validates with the core's
 * rule: a malformed value answers 400 with the parser's code and message, a missing one with
 * `missing` and the same code. The handler receives the parsed value.
 */
export function parsedField<T>(
  parse: (raw: string) => Result<T>,
  { code, missing, ...meta }: { code: DomainErrorCode; missing: string; description?: string; example?: string },
) {
  const field = z
    .string({ error: (issue) => (issue.input === undefined ? missing : undefined) })
    .transform((raw, ctx) => {
      const r = parse(raw);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.error.userMessage, params: { code: r.error.code } });
      return z.NEVER;
    })
    .meta(meta);
  fieldRefusals.add(field, { code });
  return field;
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

export function bearerToken(req: { headers: IncomingHttpHeaders }): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}
