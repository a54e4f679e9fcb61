// GET /slack-downloads/{token}/{name}.csv: the receipt CSV behind a link from `/upkeep receipt`
// or `/upkeep export`; the token (bots/slack/downloads.ts) names the company and month and expires.
import { getHistory } from '../core/use-cases/get-history.ts';
import { getReceipt, type Receipt } from '../core/use-cases/get-receipt.ts';
import type { Period } from '../core/period.ts';
import type { Services } from '../app/services.ts';
import { DOWNLOAD_PATH, receiptsCsv, verifyDownload } from '../bots/slack/downloads.ts';
import { HttpError, type Route } from '../edge/http.ts';

export function slackDownloadRoutes(services: Services, secret: string): Route[] {
  return [
    {
      method: 'GET',
      path: `${DOWNLOAD_PATH}/{token}/{name}`,
      handler: async (_req, res, params) => {
        const claim = verifyDownload(secret, params.token ?? '', services.clock.now());
        if (!claim) throw new HttpError(401, 'unauthorized', 'This download link is invalid or has expired; ask Slack for a new one with `/upkeep export`.');
        const company = await services.companies.findById(claim.c);
        if (!company) throw new HttpError(404, 'not_found', 'This company no longer exists.');
        let receipts: Receipt[];
        if (claim.p === 'all') {
          const periods = (await getHistory({ ledger: services.ledger, company })).map((h) => h.period).sort();
          receipts = await Promise.all(periods.map((period) => getReceipt({ ledger: services.ledger, company, period })));
        } else {
          receipts = [await getReceipt({ ledger: services.ledger, company, period: claim.p as Period })];
        }
        const csv = receiptsCsv(receipts);
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="upkeep-${claim.p}.csv"`,
          'cache-control': 'private, no-store',
          'content-length': Buffer.byteLength(csv),
        });
        res.end(csv);
      },
    },
  ];
}
