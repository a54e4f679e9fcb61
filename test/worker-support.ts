// Shared by the worker tests: bulk seeding, services on a test database, waiting for outcomes.
import type { PrismaClient } from '../prisma/generated/client.ts';
import { fixedClock, type Clock } from '../core/ports/clock.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createServices, type Services } from '../app/services.ts';
import type { Database } from '../prisma/db.ts';

/**
 * `n` companies with budgets and allocations over ten packages (each company 3 of them),
 * written set-based so 20,000 companies take a second or two.
 */
export async function seedCompaniesInBulk(prisma: PrismaClient, n: number): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO company (id, name, workspace, budget, currency)
     SELECT gen_random_uuid(), 'bulk ' || i, 'bulk:' || i, 1000 + (i * 37) % 9000, 'EUR' FROM generate_series(1, $1) AS i`,
    n,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO allocation (company_id, created_by, created_at)
     SELECT id, 'test:bulk', '2026-01-01T00:00:00Z' FROM company WHERE workspace LIKE 'bulk:%'`,
  );
  // Company k allocates 34/33/33 to packages k, k+1, k+2 (mod 10).
  await prisma.$executeRawUnsafe(
    `INSERT INTO allocation_line (allocation_id, package_id, points)
     SELECT a.id, 'npm:pkg' || ((split_part(c.workspace, ':', 2)::int + o) % 10), CASE o WHEN 0 THEN 34 ELSE 33 END
     FROM allocation a JOIN company c ON c.id = a.company_id AND c.workspace LIKE 'bulk:%'
     CROSS JOIN generate_series(0, 2) AS o`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO dependency (company_id, package_id)
     SELECT a.company_id, l.package_id FROM allocation_line l JOIN allocation a ON a.id = l.allocation_id
     ON CONFLICT DO NOTHING`,
  );
}

export const ADMIN_TOKEN = 'admin-token-for-worker-tests';
export const DISCORD_BOT_TOKEN = 'discord-bot-token-for-worker-tests';

export function testServices(db: Database & { url: string | null }, env: Record<string, string> = {}, clock: Clock = fixedClock('2026-11-01T00:00:05Z')): Services {
  const config = loadConfig({ ...(db.url ? { DATABASE_URL: db.url } : {}), UPKEEP_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
  return createServices({ config, db, clock, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition', everyMs = 25): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sum of entries per ledger account of a period's close (payouts that follow it excluded), as strings. */
export async function sumsPerAccount(prisma: PrismaClient, period?: string): Promise<Record<string, string>> {
  const rows = await prisma.$queryRawUnsafe<{ account_key: string; total: bigint }[]>(
    `SELECT e.account_key, SUM(e.amount)::bigint AS total FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
     WHERE ($1::text IS NULL OR t.period = $1) AND t.kind <> 'payout' GROUP BY e.account_key ORDER BY e.account_key`,
    period ?? null,
  );
  return Object.fromEntries(rows.map((r) => [r.account_key, String(r.total)]));
}

/** A recording fake of Slack's `chat.postMessage` that answers HTTP 500 to the first `failures` calls. */
export class FakeSlackApi {
  readonly calls: { channel: string; text: string; blocks: unknown; authorization: string | null }[] = [];
  private server: import('node:http').Server | null = null;
  failures = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    const { createServer } = await import('node:http');
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const body: Record<string, unknown> = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
      if (req.url !== '/api/chat.postMessage') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'unknown_method' }));
        return;
      }
      const blocks = typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks;
      this.calls.push({ channel: String(body.channel), text: String(body.text), blocks, authorization: req.headers.authorization ?? null });
      if (this.calls.length <= this.failures) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('injected failure');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: body.channel, ts: `${Date.now() / 1000}` }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as import('node:net').AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }
}
