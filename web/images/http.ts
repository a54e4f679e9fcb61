// How images and embeds are sent: a strong ETag from the body (304 when the client has it),
// a short public cache, and headers that let any site show them.
import { createHash } from 'node:crypto';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Anyone may embed a banner, a preview or a badge: no frame restriction, loadable from any site. */
export const EMBEDDABLE: FastifyHelmetOptions = {
  frameguard: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ['*'], baseUri: ["'none'"], formAction: ["'none'"] } },
};

/** One minute: a README banner follows the pledges closely without hammering the server. */
export const SHORT_CACHE_SECONDS = 60;

/** A strong ETag of `content`. */
export const etagOf = (content: string | Buffer): string => `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;

/** True when `If-None-Match` names `etag` (a list, weak forms and `*` included). */
export function clientHas(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

export interface Cached {
  status: number;
  type: string;
  maxAge?: number;
}

/** What is sent: a body (its ETag computed from it), or an ETag and how to make the body when the client lacks it. */
export type Content = { body: string | Buffer } | { etag: string; render: () => Buffer };

/** Sends with an ETag and a short public cache; 304 when the client already has this body. */
export function sendCached(request: FastifyRequest, reply: FastifyReply, { status, type, maxAge = SHORT_CACHE_SECONDS }: Cached, content: Content) {
  const etag = 'body' in content ? etagOf(content.body) : content.etag;
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`).type(type);
  if (clientHas(request, etag)) return reply.code(304).send();
  return reply.code(status).send('body' in content ? content.body : content.render());
}

/** A small least-recently-used cache of rendered images, by ETag. */
export class RenderCache {
  private readonly entries = new Map<string, Buffer>();
  constructor(private readonly capacity: number) {}

  /** The image for `key`, rendered by `render` when it is not cached. */
  get(key: string, render: () => Buffer): Buffer {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const made = render();
    this.entries.set(key, made);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return made;
  }
}
