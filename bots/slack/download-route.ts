// GET /slack-downloads/{token}/{name}.csv: the receipt CSV behind a link from `/upkeep receipt` or
// `/upkeep export`; the token (downloads.ts) names the company and month and expires. Not part
// of the public API document (no tags).
import { z } from 'zod';
import type { Period } from '../../core/period.ts';
import type { Ports } from '../../core/ports/index.ts';
import { getReceipt, receiptPeriods, type Receipt } from '../../core/use-cases/get-receipt.ts';
import type { RoutePlugin } from '../../edge/http.ts';
import { DOWNLOAD_PATH, receiptsCsv, verifyDownload } from './downloads.ts';

export type DownloadRouteDeps = Pick<Ports, 'clock' | 'companies' | 'ledger' | 'payments'> & {
  /** The Slack signing secret the links are signed with (a key is derived from it). */
  signingSecret: string;
};

// A wildcard, not `:token/:name`: a signed token is longer than a path parameter may be (Fastify
// answers 414 above 100 characters).
const params = z.object({ '*': z.string() });
const TOKEN_AND_NAME = /^([^/]+)\/[^/]+$/;

const refusal = (code: string, message: string) => ({ error: { code, message } });

export function slackDownloadRoute(deps: DownloadRouteDeps): RoutePlugin {
  return (app) => {
    app.get(`${DOWNLOAD_PATH}/*`, { schema: { params } }, async (request, reply) => {
      const token = TOKEN_AND_NAME.exec(request.params['*'])?.[1];
      if (!token) return reply.code(404).send(refusal('not_found', `Nothing is served at ${request.url.split('?')[0]}.`));
      const claim = verifyDownload(deps.signingSecret, token, deps.clock.now());
      if (!claim) return reply.code(401).send(refusal('unauthorized', 'This download link is invalid or has expired; ask Slack for a new one with `/upkeep export`.'));
      const company = await deps.companies.findById(claim.c);
      if (!company) return reply.code(404).send(refusal('not_found', 'This company no longer exists.'));
      let receipts: Receipt[];
      if (claim.p === 'all') {
        const periods = await receiptPeriods({ ledger: deps.ledger, payments: deps.payments, company });
        receipts = await Promise.all(periods.map((period) => getReceipt({ ledger: deps.ledger, payments: deps.payments, company, period })));
      } else {
        receipts = [await getReceipt({ ledger: deps.ledger, payments: deps.payments, company, period: claim.p as Period })];
      }
      return reply
        .code(200)
        .headers({
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="upkeep-${claim.p}.csv"`,
          'cache-control': 'private, no-store',
        })
        .send(receiptsCsv(receipts));
    });
  };
}
