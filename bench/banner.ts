// Benchmark: the README banner (`GET /widget/wishes/{o}/{r}/{n}.svg`) served by the platform as
// `npm start` runs it (child process, PostgreSQL), against a bare `node:http` server answering the
// same SVG bytes (another child), with the same autocannon settings in a third process, in the
// same run: conditional requests (If-None-Match with the banner's ETag → 304) and full renders.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { money } from '../core/money.ts';
import { systemClock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { openDatabase } from '../prisma/db.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { createPostgresDatabase } from '../test/databases.ts';
import { optInToQuote } from '../test/opt-in-support.ts';
import type { BenchOptions, Figure } from './figures.ts';
import { inChild, startPlatform, type PlatformProcess } from './harness.ts';

const WISH = 'bench/widgets#7' as WishId;
const PATH = '/widget/wishes/bench/widgets/7.svg';

interface BannerLoadArgs {
  url: string;
  path: string;
  durationS: number;
  connections: number;
  ifNoneMatch: string | null;
}

interface BannerLoadResult {
  rate: number;
  errors: number;
  /** Answers of the expected status (304 or 200). */
  expected: number;
  p99: number;
}

export interface BannerOptions extends BenchOptions {
  cpuProfileDir?: string;
}

export async function bannerFigures(opts: BannerOptions): Promise<Figure[]> {
  const runs = 3;
  const durationS = opts.quick ? 1 : 10;
  const connections = 50;
  const database = await createPostgresDatabase();
  const scratch = await mkdtemp(path.join(tmpdir(), 'upkeep-banner-'));
  let platform: PlatformProcess | null = null;
  let bare: PlatformProcess | null = null;
  try {
    platform = await startPlatform({ env: { DATABASE_URL: database.url, CURRENCY: 'EUR', LOG_LEVEL: 'info' }, cpuProfileDir: opts.cpuProfileDir });
    await seedWish(database.url);
    const first = await fetch(`${platform.url}${PATH}`);
    const svg = await first.text();
    const etag = first.headers.get('etag');
    if (first.status !== 200 || !svg.startsWith('<svg') || !etag) throw new Error(`the banner answered ${first.status} ${svg.slice(0, 80)}`);
    if (!svg.includes('raised of')) throw new Error('the banner does not show the seeded wish');
    const svgFile = path.join(scratch, 'banner.svg');
    await writeFile(svgFile, svg);
    bare = await startPlatform({ script: 'bench/bare-svg-server.ts', env: { BANNER_SVG_FILE: svgFile } });

    // Warm-up (JIT, pools), not reported; then one load child per run, the three loads one after the other with the same settings.
    await inChild<BannerLoadResult[]>('banner.ts', 'bannerLoads', [
      { url: platform.url, path: PATH, durationS: 1, connections, ifNoneMatch: etag },
      { url: platform.url, path: PATH, durationS: 1, connections, ifNoneMatch: null },
      { url: bare.url, path: PATH, durationS: 1, connections, ifNoneMatch: null },
    ]);
    const bareRates: number[] = [];
    const conditional: BannerLoadResult[] = [];
    const full: BannerLoadResult[] = [];
    for (let run = 0; run < runs; run++) {
      const loads: BannerLoadArgs[] = [
        { url: bare.url, path: PATH, durationS, connections, ifNoneMatch: null },
        { url: platform.url, path: PATH, durationS, connections, ifNoneMatch: etag },
        { url: platform.url, path: PATH, durationS, connections, ifNoneMatch: null },
      ];
      const [b, c, f] = await inChild<BannerLoadResult[]>('banner.ts', 'bannerLoads', loads);
      bareRates.push(b!.rate);
      conditional.push(c!);
      full.push(f!);
    }
    const rss = await platform.peakRss();
    const profile = await platform.stop();
    platform = null;
    if (profile) console.log(`    server CPU profile: ${profile}`);
    const ratio = (xs: BannerLoadResult[]) => xs.map((x, i) => Math.round((x.rate / bareRates[i]!) * 1000) / 1000);
    const settings = `autocannon ${connections} connections, ${durationS} s, keep-alive`;
    const bad = (xs: BannerLoadResult[]) => xs.map((x) => x.errors).join('/');
    return [
      { work: 'bare node:http server, fixed SVG (the baseline)', samples: bareRates, unit: 'req/s', better: 'higher', note: `${settings}; ${Buffer.byteLength(svg)} bytes` },
      { work: 'banner SVG, conditional requests (304)', samples: conditional.map((x) => x.rate), unit: 'req/s', better: 'higher', note: `p99 ${median(conditional.map((x) => x.p99))} ms; unexpected answers ${bad(conditional)}` },
      { work: 'banner SVG 304 ÷ bare', samples: ratio(conditional), unit: 'ratio', better: 'higher', target: 0.5, note: 'each run divided by the bare server of the same run' },
      { work: 'banner SVG, full renders', samples: full.map((x) => x.rate), unit: 'req/s', better: 'higher', note: `p99 ${median(full.map((x) => x.p99))} ms; unexpected answers ${bad(full)}` },
      { work: 'banner SVG full render ÷ bare', samples: ratio(full), unit: 'ratio', better: 'higher', target: 0.3, note: `each run divided by the bare server of the same run; server peak RSS ${rss ?? '?'} MiB` },
    ];
  } finally {
    if (platform) await platform.stop().catch(() => null);
    if (bare) await bare.stop().catch(() => null);
    await rm(scratch, { recursive: true, force: true });
    await database.drop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** A quoted wish with paid and pending pledges, so the banner shows every part (bar, to go, details). */
async function seedWish(databaseUrl: string): Promise<void> {
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl });
  try {
    const wishes = new PrismaWishStore(db.prisma);
    const repositories = new PrismaRepositoryStore(db.prisma);
    const ledger = new PrismaLedgerStore(db.prisma);
    const gateway = new OfflineGateway(new PrismaPaymentStore(db.prisma));
    const base = { wishes, outbox: silentOutbox, clock: systemClock };
    await optInToQuote(repositories, 'bench/widgets');
    await openWish({ ...base, gateway, currency: 'EUR', id: WISH, title: 'Keyboard navigation in the date picker', description: 'Arrow keys should move between days.', requester: 'zoe' });
    await quoteWish({ ...base, repositories, id: WISH, amount: money(30_000, 'EUR'), delayDays: 21, by: 'maint', isMaintainer: true });
    for (let i = 0; i < 12; i++) {
      const { pledgeId } = await placePledge({ ...base, gateway, id: WISH, pledger: { source: 'discord', id: `${2000 + i}`, display: `fan${i}` }, amount: money(1_500, 'EUR') });
      if (i % 3 !== 0) await confirmPledgePayment({ wishes, ledger, outbox: silentOutbox, clock: systemClock, wishId: WISH, pledgeId, provider: 'offline' });
    }
  } finally {
    await db.close();
  }
}

/** Runs in the load child: each load in turn. */
export async function bannerLoads(loads: BannerLoadArgs[]): Promise<BannerLoadResult[]> {
  const out: BannerLoadResult[] = [];
  for (const a of loads) out.push(await bannerLoad(a));
  return out;
}

/** One load: as many requests as the server answers (closed loop), for `durationS`. */
export async function bannerLoad(a: BannerLoadArgs): Promise<BannerLoadResult> {
  let expected = 0;
  const want = a.ifNoneMatch ? 304 : 200;
  const r = await autocannon({
    url: a.url,
    connections: a.connections,
    duration: a.durationS,
    requests: [{ method: 'GET', path: a.path, headers: a.ifNoneMatch ? { 'if-none-match': a.ifNoneMatch } : {}, onResponse: (status) => void (status === want && expected++) }],
  });
  const answers = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  return { rate: Math.round(r.requests.average), errors: r.errors + r.timeouts + (answers - expected), expected, p99: r.latency.p99 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const prof = process.argv.includes('--cpu-prof') ? await mkdtemp(path.join(tmpdir(), 'upkeep-prof-')) : undefined;
  console.log(JSON.stringify(await bannerFigures({ quick, cpuProfileDir: prof }), null, 2));
  process.exit(0);
}
