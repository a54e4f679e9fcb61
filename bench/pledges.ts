// Benchmark: 1,000 concurrent pledges on one wish, as a community pledges: 1,000 Discord members
// send `/pledge` at once (signed interactions) to the platform as `npm start` runs it (child
// process, PostgreSQL, queue on its own Redis, Stripe through a local fake), each gets a Checkout
// link; then the 1,000 payments complete at once (`checkout.session.completed` webhooks, signed
// as Stripe signs them). The wish's quote equals the sum, so the last payment funds it: exactly
// one `funded` event, every pledge paid, the wish's escrow holding the quote.
import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';
import { balances } from '../core/ledger.ts';
import { money } from '../core/money.ts';
import { systemClock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { APP_ID, BOT_TOKEN, ed25519, guildInteraction, signHeaders, slash } from '../dev/fakes/discord-interactions.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { openDatabase, type Database } from '../prisma/db.ts';
import { groupEntries } from '../prisma/ledger-store.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { createPostgresDatabase } from '../test/databases.ts';
import { startFakeStripe } from '../test/fakes/stripe-api.ts';
import { optInToQuote } from '../test/opt-in-support.ts';
import type { BenchOptions, Figure } from './figures.ts';
import { inChild, startPlatform, type PlatformProcess } from './harness.ts';

const STRIPE_SECRET = 'whsec_bench';
const AMOUNT = 500; // €5.00 each

interface Post {
  path: string;
  body: string;
  headers: Record<string, string>;
}

interface BurstResult {
  ms: number;
  statuses: Record<string, number>;
}

export interface PledgeOptions extends BenchOptions {
  cpuProfileDir?: string;
}

export async function pledgeFigures(opts: PledgeOptions): Promise<Figure[]> {
  const count = opts.quick ? 100 : 1_000;
  const runs = opts.quick ? 1 : 3;
  const database = await createPostgresDatabase();
  const { startRedis } = await import('./harness.ts');
  const redis = await startRedis();
  const stripe = await startFakeStripe();
  const discordApi = await new FakeDiscord(BOT_TOKEN).start();
  const discordKeys = ed25519();
  const discordKeyPem = discordKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const signer = new Stripe('sk_test_bench');
  let platform: PlatformProcess | null = null;
  let db: Database | null = null;
  try {
    platform = await startPlatform({
      cpuProfileDir: opts.cpuProfileDir,
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        CURRENCY: 'EUR',
        LOG_LEVEL: 'info',
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_PUBLIC_KEY: discordKeys.publicKeyHex,
        DISCORD_BOT_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: discordApi.url,
        STRIPE_SECRET_KEY: 'sk_test_bench',
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
        STRIPE_API_URL: stripe.url,
      },
    });
    db = await openDatabase({ kind: 'postgres', url: database.url });
    const totals: number[] = [];
    const placing: number[] = [];
    const paying: number[] = [];
    const notes: string[] = [];
    for (let run = 0; run < runs; run++) {
      const id = `bench/widgets#${run + 1}` as WishId;
      await seedWish(db, id, count * AMOUNT);
      const sessionsBefore = stripe.sessions.size;
      // 1. The pledges, all at once; Discord's ack is immediate (deferred), the pledge follows.
      const pledges: Post[] = Array.from({ length: count }, (_, i) => {
        const who = { id: `15${String(run).padStart(2, '0')}${String(i).padStart(15, '0')}`, username: `fan${run}x${i}`, global_name: `Fan ${i}` };
        const interactionId = `16${String(run).padStart(2, '0')}${String(i).padStart(15, '0')}`;
        const body = JSON.stringify(guildInteraction(2, slash('pledge', [{ name: 'wish', value: id }, { name: 'amount', value: '5' }]), who, undefined, { id: interactionId, token: `bench-${interactionId}` }));
        return { path: '/discord/interactions', body, headers: { 'content-type': 'application/json', ...signHeaders(discordKeys.privateKey, body) } };
      });
      const t0 = performance.now();
      const placed = await inChild<BurstResult>('pledges.ts', 'burst', { url: platform.url, posts: pledges });
      await until(async () => (await pledgeRows(db!, id)) >= count && stripe.sessions.size - sessionsBefore >= count, 60_000, async () => `${count} pledges with a Checkout link (${await pledgeRows(db!, id)} pledges, ${stripe.sessions.size - sessionsBefore} sessions); the server logged:\n${await platform!.logTail()}`);
      const placeMs = performance.now() - t0;
      // 2. Every payment completes at once.
      const sessions = [...stripe.sessions.values()].filter((s) => s.metadata?.wishId === id);
      const completions: Post[] = sessions.map((s) => {
        const payload = JSON.stringify(stripe.event('checkout.session.completed', { ...stripe.completeSession(s.id) }));
        return { path: '/stripe/webhooks', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) } };
      });
      const t1 = performance.now();
      const paid = await inChild<BurstResult>('pledges.ts', 'burst', { url: platform.url, posts: completions });
      const payMs = performance.now() - t1;
      const outcome = await checkOutcome(db, id, count);
      if (placed.statuses['200'] !== count || paid.statuses['200'] !== count) throw new Error(`answers: pledges ${JSON.stringify(placed.statuses)}, payments ${JSON.stringify(paid.statuses)}`);
      placing.push(Math.round(placeMs));
      paying.push(Math.round(payMs));
      totals.push(Math.round(placeMs + payMs) / 1000);
      notes.push(outcome);
    }
    const rss = await platform.peakRss();
    const profile = await platform.stop();
    platform = null;
    if (profile) console.log(`    server CPU profile: ${profile}`);
    return [
      {
        work: `${count.toLocaleString('en')} concurrent pledges on one wish, placed (Discord /pledge, Stripe Checkout) and paid (webhooks)`,
        samples: totals,
        unit: 's',
        better: 'lower',
        target: 5,
        note: `placing ${placing.join('/')} ms, paying ${paying.join('/')} ms; ${notes[0]}; server peak RSS ${rss ?? '?'} MiB`,
      },
    ];
  } finally {
    await db?.close();
    if (platform) await platform.stop().catch(() => null);
    await Promise.allSettled([stripe.stop(), discordApi.stop(), redis.stop()]);
    await database.drop();
  }
}

async function seedWish(db: Database, id: WishId, quote: number): Promise<void> {
  const wishes = new PrismaWishStore(db.prisma);
  const repositories = new PrismaRepositoryStore(db.prisma);
  const gateway = new OfflineGateway(new PrismaPaymentStore(db.prisma));
  await optInToQuote(repositories, 'bench/widgets');
  await openWish({ wishes, outbox: silentOutbox, clock: systemClock, gateway, currency: 'EUR', id, title: 'Keyboard navigation', description: 'Arrow keys.', requester: 'zoe' });
  await quoteWish({ wishes, repositories, outbox: silentOutbox, clock: systemClock, id, amount: money(quote, 'EUR'), delayDays: 21, by: 'maint', isMaintainer: true });
}

async function pledgeRows(db: Database, id: WishId): Promise<number> {
  // Pledges live in the wish's state.
  const rows = await db.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT jsonb_array_length(state->'pledges') AS n FROM wish WHERE id = $1", id);
  return Number(rows[0]?.n ?? 0);
}

/** Exactly one funded event, every pledge paid, the escrow holding the sum (= the quote); throws otherwise. */
async function checkOutcome(db: Database, id: WishId, count: number): Promise<string> {
  const [funded] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>("SELECT count(*) AS n FROM wish_event WHERE wish_id = $1 AND type = 'funded'", id);
  const wish = await new PrismaWishStore(db.prisma).get(id);
  const paid = wish?.pledges.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amount, 0) ?? 0;
  const rows = await db.prisma.$queryRawUnsafe<Parameters<typeof groupEntries>[0][number][]>(
    `SELECT t.id, t.key, t.kind, t.period, t.memo, e.account_key, e.amount FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id ORDER BY t.id, e.id`,
  );
  const escrow = balances(groupEntries(rows)).get(`wish:${id}`) ?? 0;
  const problems = [
    Number(funded!.n) !== 1 && `${funded!.n} funded events`,
    wish?.status !== 'funded' && `status ${wish?.status}`,
    wish?.pledges.length !== count && `${wish?.pledges.length} pledges`,
    paid !== count * AMOUNT && `paid ${paid}`,
    escrow !== count * AMOUNT && `escrow ${escrow}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${id}: ${problems.join(', ')}`);
  return `each run: 1 funded event, ${count} pledges paid, escrow = quote = €${(count * AMOUNT) / 100}`;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${await what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs in the load child: every request at once, each on its own connection; the time until the last answer. */
export async function burst({ url, posts }: { url: string; posts: Post[] }): Promise<BurstResult> {
  const statuses: Record<string, number> = {};
  const t = performance.now();
  await Promise.all(
    posts.map(async (p) => {
      const res = await fetch(`${url}${p.path}`, { method: 'POST', body: p.body, headers: p.headers }).catch(() => null);
      const key = res ? String(res.status) : 'error';
      statuses[key] = (statuses[key] ?? 0) + 1;
      await res?.arrayBuffer();
    }),
  );
  return { ms: Math.round(performance.now() - t), statuses };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const quick = process.argv.includes('--quick');
  const prof = process.argv.includes('--cpu-prof') ? await mkdtemp(path.join(tmpdir(), 'upkeep-prof-')) : undefined;
  console.log(JSON.stringify(await pledgeFigures({ quick, cpuProfileDir: prof }), null, 2));
  process.exit(0);
}
