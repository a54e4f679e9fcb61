// Short-lived signed links to a company's receipt CSV, so `/upkeep receipt` and `/upkeep export`
// can hand a file to a Slack user without a public URL: HMAC-SHA256 over (company, period,
// expiry) with a key derived from the Slack signing secret. Stateless; expired links are refused.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { RECEIPT_CSV_COLUMNS, receiptRows, type Receipt } from '../../core/use-cases/get-receipt.ts';

/** How long a download link works. */
export const DOWNLOAD_TTL_MS = 15 * 60 * 1000;
export const DOWNLOAD_PATH = '/slack-downloads';

export interface DownloadClaim {
  /** Company id. */
  c: string;
  /** `YYYY-MM`, or `all` for every closed month. */
  p: string;
  /** Expiry, epoch milliseconds. */
  e: number;
}

const keyOf = (secret: string) => createHash('sha256').update(`upkeep-slack-download:${secret}`).digest();
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function signDownload(secret: string, claim: DownloadClaim): string {
  const body = b64(JSON.stringify(claim));
  return `${body}.${b64(createHmac('sha256', keyOf(secret)).update(body).digest())}`;
}

/** The claim of a valid, unexpired token; null otherwise (never says why). */
export function verifyDownload(secret: string, token: string, now: Date): DownloadClaim | null {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const expected = createHmac('sha256', keyOf(secret)).update(body).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as DownloadClaim;
    if (typeof claim.c !== 'string' || typeof claim.p !== 'string' || typeof claim.e !== 'number') return null;
    return claim.e >= now.getTime() ? claim : null;
  } catch {
    return null;
  }
}

export function downloadUrl(publicUrl: string, secret: string, companyId: string, period: string, now: Date): string {
  const token = signDownload(secret, { c: companyId, p: period, e: now.getTime() + DOWNLOAD_TTL_MS });
  return `${publicUrl}${DOWNLOAD_PATH}/${token}/upkeep-${period}.csv`;
}

/** CSV with one row per package and maintainer share (escrow rows have no maintainer; an unfunded month is one row saying why). */
export function receiptsCsv(receipts: readonly Receipt[]): string {
  const rows = receipts.flatMap((r) => receiptRows(r));
  return stringify(rows, { header: true, columns: [...RECEIPT_CSV_COLUMNS] });
}
