// OpenAPI 3.1 description of /api/v1 (GET /api/openapi.json).
import type { Services } from '../app/services.ts';
import { sendJson, type Route } from '../edge/http.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errors = {
  '400': { description: 'Malformed input', content: json(ref('Error')) },
  '404': { description: 'Not found', content: json(ref('Error')) },
};

export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Upkeep public API',
      version: '1.0.0',
      description:
        'Public aggregates of packages and wishes, and a company\'s own receipts. Amounts are integers in minor units of the currency. Errors are `{"error":{"code","message"}}` with a 4xx status.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { companyToken: { type: 'http', scheme: 'bearer', description: 'Company API token from `/upkeep token`.' } },
      schemas: {
        Money: {
          type: 'object',
          required: ['amount', 'currency'],
          properties: { amount: { type: 'integer', description: 'Minor units (cents)' }, currency: { type: 'string', example: 'EUR' } },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
        Package: {
          type: 'object',
          required: ['id', 'fundingCompanies', 'monthlyTotal', 'maintainers', 'active', 'warnings'],
          properties: {
            id: { type: 'string', example: 'npm:react' },
            fundingCompanies: { type: 'integer' },
            monthlyTotal: ref('Money'),
            maintainers: { type: 'array', items: { type: 'string' } },
            repository: { type: ['string', 'null'] },
            active: { type: 'boolean', description: 'Commit, issue activity or release in the last 90 days' },
            lastActivityAt: { type: ['string', 'null'], format: 'date-time' },
            description: { type: ['string', 'null'] },
            needs: { type: ['string', 'null'] },
            warnings: { type: 'array', items: { enum: ['inactive', 'no_maintainer', 'single_maintainer'] } },
            lastPeriod: {
              type: ['object', 'null'],
              properties: { period: { type: 'string', example: '2026-10' }, total: ref('Money'), fundingCompanies: { type: 'integer' } },
            },
          },
        },
        Wish: {
          type: 'object',
          required: ['id', 'status', 'title', 'quote', 'pledged', 'pledgers', 'percent', 'deadline'],
          properties: {
            id: { type: 'string', example: 'owner/repo#7' },
            status: { enum: ['open', 'quoted', 'funded', 'in_progress', 'delivered', 'cancelled', 'expired'] },
            title: { type: 'string' },
            quote: {
              type: ['object', 'null'],
              properties: { amount: { type: 'integer' }, currency: { type: 'string' }, delayDays: { type: 'integer' } },
            },
            pledged: ref('Money'),
            paid: ref('Money'),
            pledgers: { type: 'integer' },
            percent: { type: 'integer', description: 'Paid pledges as a percentage of the quote (may exceed 100)' },
            deadline: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        Receipt: {
          type: 'object',
          required: ['period', 'total', 'lines'],
          properties: {
            period: { type: 'string', example: '2026-11' },
            company: { type: 'string' },
            total: ref('Money'),
            lines: {
              type: 'array',
              items: {
                type: 'object',
                required: ['package', 'amount', 'maintainers', 'escrow'],
                properties: {
                  package: { type: 'string' },
                  amount: { type: 'integer' },
                  maintainers: { type: 'array', items: { type: 'object', properties: { login: { type: 'string' }, amount: { type: 'integer' } } } },
                  escrow: { type: 'integer', description: 'Held for a package without an opted-in maintainer' },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      '/api/v1/packages/{id}': {
        get: {
          summary: 'Public aggregates of one package',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'URL-encoded `ecosystem:name`, e.g. npm%3Areact' }],
          responses: { '200': { description: 'The package', content: json(ref('Package')) }, ...errors },
        },
      },
      '/api/v1/wishes': {
        get: {
          summary: 'Public wishlist of a repository',
          parameters: [{ name: 'repo', in: 'query', required: true, schema: { type: 'string', example: 'owner/repo' } }],
          responses: {
            '200': { description: 'The wishes, newest first', content: json({ type: 'object', properties: { repo: { type: 'string' }, wishes: { type: 'array', items: ref('Wish') } } }) },
            ...errors,
          },
        },
      },
      '/api/v1/wishes/{owner}/{repo}/{number}': {
        get: {
          summary: 'One wish',
          parameters: ['owner', 'repo', 'number'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          responses: { '200': { description: 'The wish', content: json(ref('Wish')) }, ...errors },
        },
      },
      '/api/v1/company/receipts': {
        get: {
          summary: "The authenticated company's receipt for a closed month",
          security: [{ companyToken: [] }],
          parameters: [{ name: 'period', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } }],
          responses: {
            '200': {
              description: 'The receipt; `Accept: text/csv` gives one row per package and maintainer share',
              content: { ...json(ref('Receipt')), 'text/csv': { schema: { type: 'string' } } },
            },
            '401': { description: 'Missing or invalid token', content: json(ref('Error')) },
            '409': { description: 'The month is not closed yet', content: json(ref('Error')) },
            ...errors,
          },
        },
      },
    },
  };
}

export function openApiRoutes(s: Services): Route[] {
  const doc = openApiDocument(s.config.publicUrl);
  return [{ method: 'GET', path: '/api/openapi.json', handler: (_req, res) => sendJson(res, 200, doc, { 'cache-control': 'public, max-age=300' }) }];
}
