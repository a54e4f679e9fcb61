// Benchmark: chat acks under an open-loop load. The whole platform as `npm start` runs it
// (app/main.ts: Slack, GitHub and Discord adapters, PostgreSQL, queue on its own Redis, payments
// offline) serves in a child process; the fakes of Slack's, GitHub's and Discord's APIs run in
// this process; autocannon runs in a third process and fires correctly signed requests at a
// fixed 200 requests/s in equal parts: Slack `/upkeep status`, Slack `/upkeep allocate …`
// (a write), a GitHub `issue_comment` opening a wish with `/wish 20` on an opted-in repository,
// and Discord `/wishlist`. One autocannon per kind at 50 requests/s gives p50/p99/max per kind;
// with a fixed rate autocannon corrects latencies for coordinated omission, so a stalled
// server shows in p99 instead of silently lowering the rate.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { signWebhook } from '../bots/github/index.ts';
import { APP_ID, BOT_TOKEN, ed25519, guildInteraction, signHeaders, slash, user } from '../dev/fakes/discord-interactions.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { startFakeGithubApi } from '../dev/fakes/github-api.ts';
import { SIGNING_SECRET, SlackDriver, startFakeSlackApi } from '../dev/fakes/slack-api.ts';
import { createPostgresDatabase } from '../test/databases.ts';
import type { BenchOptions, Figure } from './figures.ts';
import { inChild, startPlatform, startRedis, type LoadResult } from './harness.ts';
import { createPrivateKey } from 'node:crypto';
import { money } from '../core/money.ts';
import { systemClock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { openDatabase } from '../prisma/db.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';

const GITHUB_SECRET = 'bench-webhook-secret';
const INSTALLATION = 77;
/** Where `/wish` comments are posted (a new issue each time). */
const ISSUE_REPO = 'bench/issues';
/** What `/wishlist` lists: a repository with a handful of wishes, quoted and pledged. */
const LIST_REPO = 'bench/widgets';
const TEAMS = 10;
const KINDS = ['Slack status', 'Slack allocate', 'GitHub issue_comment', 'Discord /wishlist'] as const;
type Kind = (typeof KINDS)[number];
const CONFIG = 'packages: [npm:bench-widgets]\nmaintainers:\n  maint: 100\naccept_terms: 1\ndescription: "Widgets for the benchmark"\n';

/** What the load child needs to sign requests as each provider does. */
interface ChatLoadArgs {
  url: string;
  slackRespondBase: string;
  discordPrivateKeyPem: string;
  durationS: number;
  ratePerKind: number;
  connectionsPerKind: number;
  /** Distinguishes ids (issues, interactions, users) between runs. */
  run: number;
}

export type ChatLoadResult = Record<Kind, LoadResult & { unexpected: number }>;

export interface ChatAckOptions extends BenchOptions {
  /** Write a CPU profile of the server into this directory. */
  cpuProfileDir?: string;
}

export async function chatAckFigures(opts: ChatAckOptions): Promise<Figure[]> {
  const runs = opts.quick ? 1 : 3;
  const durationS = opts.quick ? 5 : 30;
  const database = await createPostgresDatabase();
  const redis = await startRedis();
  const slackApi = await startFakeSlackApi();
  const githubApi = await startFakeGithubApi();
  const discordApi = await new FakeDiscord(BOT_TOKEN).start();
  const discordKeys = ed25519();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  let platform: Awaited<ReturnType<typeof startPlatform>> | null = null;
  try {
    platform = await startPlatform({
      cpuProfileDir: opts.cpuProfileDir,
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        CURRENCY: 'EUR',
        LOG_LEVEL: 'info',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_API_URL: slackApi.apiUrl,
        GITHUB_APP_ID: '123',
        GITHUB_PRIVATE_KEY: privateKey,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        GITHUB_API_URL: githubApi.url,
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_PUBLIC_KEY: discordKeys.publicKeyHex,
        DISCORD_BOT_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: discordApi.url,
      },
    });
    await seed(platform.url, database.url, slackApi, githubApi);
    const results: ChatLoadResult[] = [];
    // Run -1 warms the server up (JIT, pools, caches) at the same rate and is not reported.
    for (let run = -1; run < runs; run++) {
      const args: ChatLoadArgs = {
        url: platform.url,
        slackRespondBase: slackApi.url,
        discordPrivateKeyPem: discordKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        durationS: run < 0 ? (opts.quick ? 1 : 3) : durationS,
        ratePerKind: 50,
        connectionsPerKind: 25,
        run: run + 1,
      };
      const result = await inChild<ChatLoadResult>('chat-acks.ts', 'chatLoad', args);
      if (run >= 0) results.push(result);
      // The fakes keep every call; a run's calls are not needed by the next.
      slackApi.reset();
      githubApi.calls.length = 0;
      discordApi.calls.length = 0;
    }
    const rss = await platform.peakRss();
    const profile = await platform.stop();
    platform = null;
    if (profile) console.log(`    server CPU profile: ${profile}`);
    const figures: Figure[] = KINDS.map((kind) => {
      const r = results.map((x) => x[kind]);
      const med = (f: (x: LoadResult & { unexpected: number }) => number) => median(r.map(f));
      return {
        work: `chat ack p99, ${kind} (open loop 200 req/s in all, ${durationS} s, 4 kinds in equal parts)`,
        samples: r.map((x) => x.p99),
        unit: 'ms',
        better: 'lower',
        target: 150,
        note: `p50 ${med((x) => x.p50)} ms, max ${med((x) => x.max)} ms, ${med((x) => x.requests)} answers at ${med((x) => x.rate)} req/s, errors ${r.map((x) => x.errors + x.unexpected).join('/')}`,
      };
    });
    figures.push({
      work: `chat acks: errors (transport, timeouts, non-2xx, wrong answers) over ${results.length} × ${durationS} s`,
      samples: results.map((x) => KINDS.reduce((n, k) => n + x[k].errors + x[k].unexpected, 0)),
      unit: 'count',
      better: 'lower',
      target: 0,
      note: `server peak RSS ${rss ?? '?'} MiB; PostgreSQL, queue on Redis, LOG_LEVEL=info`,
    });
    return figures;
  } finally {
    if (platform) await platform.stop().catch(() => null);
    await Promise.allSettled([slackApi.close(), githubApi.close(), discordApi.stop(), redis.stop()]);
    await database.drop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

/** What the load finds in place: companies with dependencies and a budget, two opted-in repositories, quoted wishes. */
async function seed(url: string, databaseUrl: string, slackApi: Awaited<ReturnType<typeof startFakeSlackApi>>, githubApi: Awaited<ReturnType<typeof startFakeGithubApi>>): Promise<void> {
  const slack = new SlackDriver(url, slackApi);
  const says = async (team: string, text: string) => {
    const r = await slack.command(team, 'UADMIN', text);
    if (r.status !== 200) throw new Error(`seeding: /upkeep ${text} answered ${r.status} ${r.text}`);
  };
  await Promise.all(
    Array.from({ length: TEAMS }, async (_, t) => {
      await says(`TBENCH${t}`, `setup Bench ${t}`);
      await says(`TBENCH${t}`, 'deps add npm:react npm:vite npm:lodash pypi:requests');
      await says(`TBENCH${t}`, 'budget 1,000');
    }),
  );
  for (const repo of [ISSUE_REPO, LIST_REPO]) {
    githubApi.addRepo(repo, { installationId: INSTALLATION, license: 'MIT', files: { '.github/upkeep.yml': CONFIG }, permissions: { maint: 'write' } });
  }
  await github(url, 'installation', { action: 'created', installation: { id: INSTALLATION }, repositories: [{ full_name: ISSUE_REPO }, { full_name: LIST_REPO }] });
  // The listed wishes through the use-cases directly: through comments, GitHub's write throttle
  // (one write a second per process, see the report) would make seeding take most of a minute.
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl });
  try {
    const wishes = new PrismaWishStore(db.prisma);
    const repositories = new PrismaRepositoryStore(db.prisma);
    const gateway = new OfflineGateway(new PrismaPaymentStore(db.prisma));
    for (let n = 1; n <= 8; n++) {
      const id = `${LIST_REPO}#${n}` as WishId;
      await openWish({ wishes, outbox: silentOutbox, gateway, clock: systemClock, currency: 'EUR', id, title: `Feature ${n}: keyboard navigation`, description: 'Arrow keys should move between items.', requester: `seed${n}` });
      if (n % 2 === 0) await quoteWish({ wishes, repositories, outbox: silentOutbox, clock: systemClock, id, amount: money(50_000, 'EUR'), delayDays: 21, by: 'maint', isMaintainer: true });
    }
  } finally {
    await db.close();
  }
}

async function github(url: string, event: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${url}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(GITHUB_SECRET, body) },
    body,
  });
  if (res.status >= 300) throw new Error(`seeding: GitHub ${event} answered ${res.status} ${await res.text()}`);
}

function issueComment(repo: string, number: number, login: string, body: string, commentId: number): Record<string, unknown> {
  const [owner, name] = repo.split('/') as [string, string];
  return {
    action: 'created',
    installation: { id: INSTALLATION },
    repository: { id: 1, full_name: repo, name, owner: { login: owner }, default_branch: 'main' },
    sender: { login, type: 'User' },
    issue: { number, title: `Feature ${number}: keyboard navigation`, body: 'Arrow keys should move between items.' },
    comment: { id: commentId, body, user: { login, type: 'User' } },
  };
}

/** Runs in the load child: one autocannon per kind, concurrently, each request signed when it is sent. */
export async function chatLoad(a: ChatLoadArgs): Promise<ChatLoadResult> {
  const discordKey = createPrivateKey(a.discordPrivateKeyPem);
  let seq = 0;
  const unique = () => `${a.run}${String(++seq).padStart(7, '0')}`;
  const slackBody = (team: string, userId: string, text: string) => {
    const trigger = `${Date.now()}.${unique()}.bench`;
    return new URLSearchParams({
      token: 'unused', team_id: team, team_domain: team.toLowerCase(), channel_id: 'C0GENERAL', channel_name: 'general',
      user_id: userId, user_name: userId.toLowerCase(), command: '/upkeep', text, api_app_id: 'A0UPKEEP', is_enterprise_install: 'false',
      response_url: `${a.slackRespondBase}/respond/${trigger}`, trigger_id: trigger,
    }).toString();
  };
  const slackHeaders = (body: string) => {
    const ts = Math.floor(Date.now() / 1000);
    return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`, 'x-slack-request-timestamp': String(ts) };
  };
  let n = 0;
  const unexpected: Record<Kind, number> = { 'Slack status': 0, 'Slack allocate': 0, 'GitHub issue_comment': 0, 'Discord /wishlist': 0 };
  const check = (kind: Kind, ok: (status: number, body: string) => boolean) => (status: number, body: string) => {
    if (status < 300 && !ok(status, body)) unexpected[kind]++;
  };
  const ALLOCATIONS = ['allocate npm:react=34 npm:vite=33 npm:lodash=33', 'allocate npm:react=33 npm:vite=34 pypi:requests=33'];
  const makers: Record<Kind, () => { path: string; body: string; headers: Record<string, string> }> = {
    'Slack status': () => {
      const i = ++n;
      const body = slackBody(`TBENCH${i % TEAMS}`, `UMEMBER${i % 50}`, 'status');
      return { path: '/slack/events', body, headers: slackHeaders(body) };
    },
    'Slack allocate': () => {
      const i = ++n;
      const body = slackBody(`TBENCH${i % TEAMS}`, 'UADMIN', ALLOCATIONS[i % 2]!);
      return { path: '/slack/events', body, headers: slackHeaders(body) };
    },
    'GitHub issue_comment': () => {
      const id = Number(unique());
      const body = JSON.stringify(issueComment(ISSUE_REPO, id, `fan${id}`, 'This would help us a lot.\n/wish 20', id));
      return { path: '/github/webhooks', body, headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(GITHUB_SECRET, body) } };
    },
    'Discord /wishlist': () => {
      const id = `14${unique().padStart(17, '0')}`;
      const body = JSON.stringify(guildInteraction(2, slash('wishlist', [{ name: 'repo', value: LIST_REPO }]), user(`fan${id.slice(-6)}`), undefined, { id, token: `bench-${id}` }));
      return { path: '/discord/interactions', body, headers: { 'content-type': 'application/json', ...signHeaders(discordKey, body) } };
    },
  };
  const verify: Record<Kind, (status: number, body: string) => boolean> = {
    // The ack carries the answer (or "working on it" when the work outlasts the ack budget).
    'Slack status': (_s, b) => b.includes('Bench') || b.includes('Working on it'),
    'Slack allocate': (_s, b) => b.includes('npm:react') || b.includes('Working on it'),
    'GitHub issue_comment': () => true,
    'Discord /wishlist': (_s, b) => b.includes('"type":4') || b.includes('"type":5'),
  };
  const results = await Promise.all(
    KINDS.map((kind) =>
      autocannon({
        url: a.url,
        connections: a.connectionsPerKind,
        overallRate: a.ratePerKind,
        duration: a.durationS,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({ ...req, ...makers[kind]() }),
            onResponse: check(kind, verify[kind]),
          },
        ],
      }),
    ),
  );
  const out = {} as ChatLoadResult;
  KINDS.forEach((kind, i) => {
    const r = results[i]!;
    const answered = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
    // Requests still unanswered when the run ends are not in autocannon's latencies: each waited
    // at least until then, so they count as errors and p99 is at least the run's length.
    const intended = a.ratePerKind * a.durationS;
    const unanswered = Math.max(0, Math.round(intended * 0.99) - answered);
    const p99 = unanswered > 0 ? Math.max(r.latency.p99, a.durationS * 1000) : r.latency.p99;
    out[kind] = { requests: answered, errors: r.errors + r.timeouts + r.non2xx + unanswered, p50: r.latency.p50, p99, max: r.latency.max, rate: Math.round(r.requests.average), unexpected: unexpected[kind] };
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const prof = process.argv.includes('--cpu-prof') ? await mkdtemp(path.join(tmpdir(), 'upkeep-prof-')) : undefined;
  console.log(JSON.stringify(await chatAckFigures({ quick, cpuProfileDir: prof }), null, 2));
  process.exit(0);
}
