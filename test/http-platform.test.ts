// The HTTP platform on Fastify: the OpenAPI document generated from the route schemas, one
// error answer for everything, raw bodies for mounts, security headers on HTML, and 413 on
// every POST route of the whole platform with every adapter configured.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../app/config.ts';
import { assemblePlatform, type Platform } from '../app/platform.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { createServices } from '../app/services.ts';
import { httpBasics } from '../app/web.ts';
import { DomainError } from '../core/errors.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { Ports } from '../core/ports/index.ts';
import { readBody, type RoutePlugin } from '../edge/http.ts';
import type { Mount } from '../edge/contribution.ts';
import { createLogger } from '../edge/logger.ts';
import { apiRoutes } from '../web/api.ts';
import { apiDocument, openApiRoutes } from '../web/openapi.ts';
import { moneySchema, packageSchema, receiptSchema, wishSchema } from '../web/schemas.ts';
import { widgetRoutes } from '../web/widget.ts';
import { wishRoutes } from '../web/wishes.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';

const log = createLogger('silent');

/** A route written for this test only: whatever its schema says must show in the document. */
const shades: RoutePlugin = (app) => {
  app.get(
    '/test/shades',
    {
      schema: {
        tags: ['test'],
        querystring: z.object({ colour: z.enum(['red', 'blue']).meta({ description: 'Which colour' }), depth: z.coerce.number().int().min(1).optional() }),
        response: { 200: z.object({ colour: z.string(), shade: z.string().meta({ description: 'The shade of the colour' }) }) },
      },
    },
    async (request) => ({ colour: request.query.colour, shade: `dark ${request.query.colour}` }),
  );
  app.get('/test/boom', async () => {
    throw new Error('database password is hunter2');
  });
  app.get('/test/refused', async () => {
    throw new DomainError('wish_not_found', 'No wish is open on acme/ui#9.');
  });
};

/** Reads the whole body it is given and answers what it read. */
const echo: Mount = {
  name: 'echo',
  path: '/echo/',
  bodyLimit: 64 * 1024,
  listener: async (req, res) => {
    const body = await readBody(req);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'] ?? null, sha256: createHash('sha256').update(body).digest('hex'), length: body.length }));
  },
};

const failing: Mount = {
  name: 'failing',
  path: '/failing',
  listener: async () => {
    throw new Error('adapter internals');
  },
};

// Route plugins only touch their ports per request: these routes are never called with them.
const unused = {} as Ports;

describe('the HTTP platform', () => {
  let app: HttpApp;
  let base: string;

  beforeAll(async () => {
    app = createHttpApp({
      log,
      openapi: apiDocument('https://upkeep.example'),
      routes: [
        openApiRoutes,
        shades,
        apiRoutes({ ...unused, currency: 'EUR' }),
        wishRoutes(unused),
        widgetRoutes({ wishes: { get: async () => null } as unknown as Ports['wishes'], clock: unused.clock, publicUrl: 'https://upkeep.example' }),
      ],
      mounts: [echo, failing],
    });
    base = await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${base}${path}`, init);
    return { res, body: (await res.json()) as any };
  };

  describe('the OpenAPI document', () => {
    it('shows a route exactly as its zod schema says: parameters and response properties', async () => {
      const { res, body: doc } = await json('/api/openapi.json');
      expect(res.status).toBe(200);
      const op = doc.paths['/test/shades'].get;
      expect(op.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ in: 'query', name: 'colour', required: true, description: 'Which colour', schema: expect.objectContaining({ enum: ['red', 'blue'] }) }),
          expect.objectContaining({ in: 'query', name: 'depth', required: false }),
        ]),
      );
      const response = op.responses['200'].content['application/json'].schema;
      expect(response.required).toEqual(['colour', 'shade']);
      expect(response.properties.shade).toMatchObject({ type: 'string', description: 'The shade of the colour' });
    });

    it('describes each public shape with the properties of its schema, and nothing else', async () => {
      const { body: doc } = await json('/api/openapi.json');
      for (const [name, schema] of Object.entries({ Money: moneySchema, Package: packageSchema, Wish: wishSchema, Receipt: receiptSchema })) {
        expect(Object.keys(doc.components.schemas[name].properties).sort(), name).toEqual(Object.keys(schema.shape).sort());
      }
      expect(doc.paths['/api/v1/packages/{id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Package' });
      expect(doc.paths['/api/v1/company/receipts'].get.parameters).toEqual([expect.objectContaining({ in: 'query', name: 'period', required: true })]);
      expect(doc.paths['/api/v1/company/receipts'].get.security).toEqual([{ companyToken: [] }]);
      expect(Object.keys(doc.components.schemas).filter((n) => n.endsWith('Input'))).toEqual([]);
    });

    it('leaves out what is not the public API: pages, widget, webhooks, health, the document itself', async () => {
      const { body: doc } = await json('/api/openapi.json');
      expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/company/receipts', '/api/v1/packages/{id}', '/api/v1/wishes', '/api/v1/wishes/{owner}/{repo}/{number}', '/test/shades']);
      expect(doc).toMatchObject({ openapi: '3.1.0', servers: [{ url: 'https://upkeep.example' }] });
    });

    it('has a readable reference at /api/docs, rendered from the same document', async () => {
      const res = await fetch(`${base}/api/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('/api/openapi.json');
      expect(html).toContain('<title>Upkeep API reference</title>');
      const script = await fetch(new URL('js/scalar.js', res.url));
      expect(script.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    });
  });

  describe('errors', () => {
    it.each([
      ['/test/shades?colour=green', /query parameter colour/],
      ['/test/shades', /query parameter colour/],
      ['/test/shades?colour=red&depth=0', /query parameter depth/],
    ])('answers a request the schema refuses (%s) with 400 naming the field', async (path, message) => {
      const { res, body } = await json(path);
      expect(res.status).toBe(400);
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.message).toMatch(message);
    });

    it('answers what a core parser refuses with its own code and message', async () => {
      const { res, body } = await json('/api/v1/packages/react');
      expect(res.status).toBe(400);
      expect(body.error.code).toBe('invalid_package');
      expect(body.error.message).not.toMatch(/querystring|params\//);
    });

    it('answers a domain refusal with the status of its code', async () => {
      const { res, body } = await json('/test/refused');
      expect(res.status).toBe(404);
      expect(body).toEqual({ error: { code: 'wish_not_found', message: 'No wish is open on acme/ui#9.' } });
    });

    it('answers anything unexpected with a generic 500, never its detail or a stack', async () => {
      for (const path of ['/test/boom', '/failing']) {
        const { res, body } = await json(path);
        expect(res.status, path).toBe(500);
        expect(body).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } });
      }
    });

    it('answers unknown paths 404, a known path with another method 405 with Allow, and a broken encoding 400', async () => {
      expect(await json('/nowhere')).toMatchObject({ res: { status: 404 }, body: { error: { code: 'not_found' } } });
      const wrong = await json('/test/shades', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(wrong.res.status).toBe(405);
      expect(wrong.res.headers.get('allow')).toBe('GET, HEAD');
      expect(wrong.body.error.code).toBe('method_not_allowed');
      expect(await json('/wishes/%E0%A4%A/ui/1')).toMatchObject({ res: { status: 400 }, body: { error: { code: 'invalid_path' } } });
    });
  });

  describe('mounts', () => {
    it('hand the listener the exact bytes and headers, whatever the content type', async () => {
      for (const [type, body] of [
        ['application/json', '{"b": 1,  "a": [2, 3]}\n'],
        ['application/x-www-form-urlencoded', 'payload=%7B%22x%22%3A1%7D&token=abc'],
        [null, 'raw bytes'],
      ] as const) {
        const { res, body: seen } = await json('/echo/hook?x=1', { method: 'POST', body, headers: type ? { 'content-type': type } : {} });
        expect(res.status).toBe(200);
        expect(seen).toMatchObject({ method: 'POST', url: '/echo/hook?x=1', sha256: createHash('sha256').update(body).digest('hex'), length: Buffer.byteLength(body) });
        if (type) expect(seen.type).toBe(type);
      }
      expect((await json('/echo/anything')).body).toMatchObject({ method: 'GET', length: 0 });
    });

    it('refuse a body over their limit with 413, declared or streamed', async () => {
      const declared = await json('/echo/hook', { method: 'POST', body: 'x'.repeat(64 * 1024 + 1), headers: { 'content-type': 'application/json' } });
      expect(declared.res.status).toBe(413);
      expect(declared.body.error.code).toBe('payload_too_large');
      const streamed = await json('/echo/hook', { method: 'POST', body: chunks(100, 1024), duplex: 'half', headers: { 'content-type': 'application/json' } } as unknown as RequestInit);
      expect(streamed.res.status).toBe(413);
      expect(streamed.body.error.code).toBe('payload_too_large');
    });
  });

  describe('security headers on HTML', () => {
    it('lets any site frame the banner', async () => {
      const banner = await fetch(`${base}/widget/wishes/acme/ui/7`);
      expect(banner.headers.get('content-type')).toMatch(/^text\/html/);
      expect(banner.headers.get('x-frame-options')).toBeNull();
      expect(banner.headers.get('content-security-policy')).toMatch(/frame-ancestors \*/);
      expect(banner.headers.get('x-content-type-options')).toBe('nosniff');
      const svg = await fetch(`${base}/widget/wishes/acme/ui/7.svg`);
      expect(svg.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    });
  });
});

async function* chunks(count: number, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(120);
}

describe('every POST route of the whole platform, every adapter configured', () => {
  let db: TestDatabase;
  let platform: Platform;
  let app: HttpApp;
  let base: string;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const nowhere = 'http://127.0.0.1:9';
    const config = loadConfig({
      UPKEEP_ADMIN_TOKEN: 'admin-token-for-the-413-test',
      SLACK_SIGNING_SECRET: 'slack-secret',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: `${nowhere}/api/`,
      GITHUB_APP_ID: '123',
      GITHUB_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: 'github-secret',
      GITHUB_API_URL: nowhere,
      DISCORD_APPLICATION_ID: '1100000000000000001',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_BOT_TOKEN: 'discord-token',
      DISCORD_API_URL: nowhere,
      STRIPE_SECRET_KEY: 'sk_test_413',
      STRIPE_WEBHOOK_SECRET: 'whsec_413',
      STRIPE_API_URL: nowhere,
    });
    const services = createServices({ config, db, clock: fixedClock('2026-11-02T00:00:00Z'), log });
    platform = await assemblePlatform(services);
    app = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
    base = await app.listen(0, '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    for (const stop of [...(platform?.stops ?? [])].reverse()) await stop();
    await db?.close();
  });

  const posts = () => app.routes().filter((r) => r.method === 'POST');
  const sample = (url: string) => url.replace(':period', '2026-10').replace(/:\w+/g, 'x').replace('*', 'x');

  it('serves the four webhooks and the admin close as POST routes', () => {
    expect(posts().map((r) => r.url)).toEqual(expect.arrayContaining(['/slack/events', '/github/webhooks', '/discord/interactions', '/stripe/webhooks', '/admin/periods/:period/close']));
  });

  it('answers a body one byte over each POST route\'s limit with 413 and the JSON error', async () => {
    const routes = posts();
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const route of routes) {
      const res = await fetch(`${base}${sample(route.url)}`, { method: 'POST', body: Buffer.alloc(route.bodyLimit + 1, 'a'), headers: { 'content-type': 'application/json' } });
      expect(res.status, route.url).toBe(413);
      expect(((await res.json()) as any).error.code, route.url).toBe('payload_too_large');
    }
  });

  it('answers JSON 100,000 levels deep on every POST route with a 4xx and the JSON error, never a 5xx', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const route of posts()) {
      const res = await fetch(`${base}${sample(route.url)}`, { method: 'POST', body: deep, headers: { 'content-type': 'application/json', authorization: 'Bearer admin-token-for-the-413-test' } });
      expect(res.status, route.url).toBeGreaterThanOrEqual(400);
      expect(res.status, route.url).toBeLessThan(500);
      // Bolt answers a request it cannot verify with an empty 401; every other refusal is the JSON error.
      const text = await res.text();
      if (route.url !== '/slack/events') expect(typeof JSON.parse(text).error.code, route.url).toBe('string');
    }
    // Where nothing refuses it sooner (a signature, the size), the depth is what is refused.
    const admin = await fetch(`${base}/admin/periods/2026-10/close`, { method: 'POST', body: '['.repeat(5_000) + ']'.repeat(5_000), headers: { 'content-type': 'application/json', authorization: 'Bearer admin-token-for-the-413-test' } });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as any).error.code).toBe('json_too_deep');
  });

  it('answers 413 also to a streamed body and to a type the route does not parse', async () => {
    for (const url of ['/slack/events', '/stripe/webhooks', '/discord/interactions']) {
      const limit = posts().find((r) => r.url === url)!.bodyLimit;
      const res = await fetch(`${base}${url}`, { method: 'POST', body: chunks(Math.ceil((limit + 1) / 65_536), 65_536), duplex: 'half', headers: { 'content-type': 'application/json' } } as unknown as RequestInit);
      expect(res.status, url).toBe(413);
      expect(((await res.json()) as any).error.code).toBe('payload_too_large');
    }
    const admin = posts().find((r) => r.url === '/admin/periods/:period/close')!;
    const res = await fetch(`${base}/admin/periods/2026-10/close`, { method: 'POST', body: Buffer.alloc(admin.bodyLimit + 1), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(413);
  });

  it('serves pages that only this site may frame, with security headers', async () => {
    for (const path of ['/', '/wishes/acme/ui/7', '/account']) {
      const page = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(page.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'self'/);
      expect(page.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('still answers the routes themselves: health, the API document and a refused webhook', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ ok: true, checks: { database: 'ok', queue: 'ok' }, database: 'pglite' });
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/company/receipts', '/api/v1/me', '/api/v1/packages/{id}', '/api/v1/wishes', '/api/v1/wishes/{owner}/{repo}/{number}']);
    const unsigned = await fetch(`${base}/stripe/webhooks`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as any).error.code).toBe('missing_signature');
  });
});
