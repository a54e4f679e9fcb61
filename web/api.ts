// Public API (/api/v1): a package's public aggregates and a company's own receipts.
import type { FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { unwrap } from '../core/errors.ts';
import { parsePackageId } from '../core/packages.ts';
import { parsePeriod } from '../core/period.ts';
import type { Company } from '../core/ports/companies.ts';
import type { Ports } from '../core/ports/index.ts';
import { authenticateCompany } from '../core/use-cases/authenticate-company.ts';
import { getPackageSummary } from '../core/use-cases/get-package-summary.ts';
import { getReceipt, RECEIPT_CSV_COLUMNS, receiptDocument, receiptRows, type Receipt } from '../core/use-cases/get-receipt.ts';
import { bearerToken, errorAnswer, jsonAnswer, parsedField, type RoutePlugin } from '../edge/http.ts';
import { packageSchema, receiptSchema } from './schemas.ts';

export type ApiDeps = Pick<Ports, 'fundingStats' | 'packages' | 'clock' | 'companies' | 'ledger' | 'hashToken' | 'payments'> & { currency: string };

const packageId = parsedField(parsePackageId, {
  code: 'invalid_package',
  missing: 'Say which package, e.g. /api/v1/packages/npm%3Areact.',
  description: 'URL-encoded `ecosystem:name`, e.g. npm%3Areact',
  example: 'npm:react',
});

const period = parsedField(parsePeriod, {
  code: 'invalid_period',
  missing: 'Say which month: `?period=YYYY-MM`, e.g. ?period=2026-11.',
  description: 'A closed month, `YYYY-MM`',
  example: '2026-10',
});

export function apiRoutes(deps: ApiDeps): RoutePlugin {
  const summary = (id: Parameters<typeof getPackageSummary>[0]['id']) =>
    getPackageSummary({ stats: deps.fundingStats, packages: deps.packages, clock: deps.clock, currency: deps.currency, id });

  return (app) => {
    app.get(
      '/api/v1/packages/:id',
      {
        schema: {
          tags: ['packages'],
          summary: 'Public aggregates of one package',
          params: z.object({ id: packageId }),
          response: { 200: jsonAnswer('The package', packageSchema), 400: errorAnswer('Not a package identifier') },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'public, max-age=60');
        return summary(request.params.id);
      },
    );
    // The same package written with its slashes unencoded (`npm:@types/node`).
    app.get('/api/v1/packages/*', { schema: { params: z.object({ '*': z.string() }), response: { 200: packageSchema } } }, async (request, reply) => {
      const id = unwrap(parsePackageId(request.params['*']));
      reply.header('cache-control', 'public, max-age=60');
      return summary(id);
    });

    // The token is checked before the query, so a caller without one learns that first.
    const companies = new WeakMap<FastifyRequest, Company>();
    app.get(
      '/api/v1/company/receipts',
      {
        schema: {
          tags: ['receipts'],
          summary: "The authenticated company's receipt for a closed month",
          security: [{ companyToken: [] }],
          querystring: z.object({ period }),
          response: {
            200: {
              description: 'The receipt; `Accept: text/csv` gives one row per package and maintainer share',
              content: { 'application/json': { schema: receiptSchema }, 'text/csv': { schema: z.string() } },
            },
            400: errorAnswer('No month, or not a month'),
            401: errorAnswer('Missing or invalid token'),
            409: errorAnswer('The month is not closed yet'),
          },
        },
        onRequest: async (request) => {
          const { company } = await authenticateCompany({ companies: deps.companies, hash: deps.hashToken, token: bearerToken(request) });
          companies.set(request, company);
        },
      },
      async (request, reply) => {
        const receipt = await getReceipt({ ledger: deps.ledger, payments: deps.payments, company: companies.get(request)!, period: request.query.period });
        reply.header('cache-control', 'private, no-store');
        if (wantsCsv(request.headers.accept)) {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="upkeep-receipt-${receipt.period}.csv"`)
            .send(receiptCsv(receipt));
        }
        return receiptJson(receipt);
      },
    );
  };
}

/** A receipt's JSON answer (CONTRACT §3 receipt); the company page's downloads send the same. */
export function receiptJson(receipt: Receipt) {
  return receiptDocument(receipt);
}

/** A receipt's CSV: one row per package and maintainer share; the company page's downloads send the same. */
export function receiptCsv(receipt: Receipt): string {
  return stringify(receiptRows(receipt), { header: true, columns: [...RECEIPT_CSV_COLUMNS] });
}

function wantsCsv(accept: string | undefined): boolean {
  return !!accept && /\btext\/csv\b/i.test(accept);
}
