// Public API (/api/v1) and operator routes that are not bots.
import { stringify } from 'csv-stringify/sync';
import { DomainError, unwrap } from '../core/errors.ts';
import { parsePackageId } from '../core/packages.ts';
import { parsePeriod } from '../core/period.ts';
import { authenticateCompany } from '../core/use-cases/authenticate-company.ts';
import { getPackageSummary } from '../core/use-cases/get-package-summary.ts';
import { getReceipt, receiptRows } from '../core/use-cases/get-receipt.ts';
import type { Services } from '../app/services.ts';
import { bearerToken, sendJson, type Route } from '../edge/http.ts';

export function apiRoutes(s: Services): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/packages/{id*}',
      handler: async (_req, res, params) => {
        const id = unwrap(parsePackageId(params.id ?? ''));
        const summary = await getPackageSummary({ stats: s.fundingStats, packages: s.packages, clock: s.clock, currency: s.config.currency, id });
        sendJson(res, 200, summary, { 'cache-control': 'public, max-age=60' });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/company/receipts',
      handler: async (req, res) => {
        const { company } = await authenticateCompany({ companies: s.companies, hash: s.hashToken, token: bearerToken(req) });
        const url = new URL(req.url ?? '/', 'http://x');
        const raw = url.searchParams.get('period');
        if (!raw) throw new DomainError('invalid_period', 'Say which month: `?period=YYYY-MM`, e.g. ?period=2026-11.');
        const receipt = await getReceipt({ ledger: s.ledger, company, period: unwrap(parsePeriod(raw)) });
        if (wantsCsv(req.headers.accept)) {
          const csv = stringify(receiptRows(receipt), { header: true, columns: ['period', 'package', 'maintainer', 'amount', 'escrow', 'currency'] });
          res.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="upkeep-receipt-${receipt.period}.csv"`,
            'cache-control': 'private, no-store',
          });
          res.end(csv);
          return;
        }
        sendJson(res, 200, { period: receipt.period, company: receipt.company.name, total: receipt.total, lines: receipt.lines }, { 'cache-control': 'private, no-store' });
      },
    },
  ];
}

function wantsCsv(accept: string | undefined): boolean {
  return !!accept && /\btext\/csv\b/i.test(accept);
}
