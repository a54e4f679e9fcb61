// The tenancy matrix's world (issue 14): the whole platform (every adapter, both web sign-ins,
// Stripe, the admin routes, the in-process worker) on one PostgreSQL database, two companies in
// two Slack workspaces, two opted-in repositories with different maintainers, wishes, pledges,
// tokens and web sessions; a snapshot of every table; and drivers that send what Slack, GitHub
// and Discord themselves would send.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { assemblePlatform, type Platform } from '../app/platform.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics } from '../app/web.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import { githubDeps } from '../app/github.ts';
import { STATUS_MARKER } from '../bots/github/render.ts';
import { money } from '../core/money.ts';
import type { PackageId } from '../core/packages.ts';
import type { Period } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { startWish } from '../core/use-cases/wishes/start-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { APP_ID, ed25519, signHeaders, type KeyPair } from '../dev/fakes/discord-interactions.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { PrismaSlackInstallationStore } from '../prisma/slack-installation-store.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { SlackDriver, textOf, type SlackPostResult } from './fakes/slack-api.ts';
import { startFakeStripe, type FakeStripe } from './fakes/stripe-api.ts';
import { freePort, signInEnv, startSignInFakes, type SignInFakes } from './web-support.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];

export const ADMIN_TOKEN = 'tenancy-admin-token-0123456789';
export const WEBHOOK_SECRET = 'tenancy-github-webhook-secret';
export const STRIPE_WEBHOOK_SECRET = 'whsec_tenancy';
export const CLOSED: Period = '2026-11' as Period;
export const INSTALLATION = 5150;

/** The two tenants, and the identifiers of theirs no other tenant may ever read. */
export const ACME = {
  name: 'Quokka Rockets Corp',
  team: 'T0ACME',
  admin: 'UACMEADMIN',
  member: 'UACMEMEMBER',
  budget: 123_400,
  /** Dependencies only Acme declares (nobody else knows it depends on them). */
  privatePackages: ['npm:acme-private-rocketry', 'npm:acme-private-fuel'] as PackageId[],
  repo: 'northco/lib',
  package: 'npm:north-lib' as PackageId,
  maintainer: 'alice',
} as const;
export const GLOBEX = {
  name: 'Wombat Hammocks Corp',
  team: 'T0GLOBEX',
  admin: 'UGLOBEXADMIN',
  member: 'UGLOBEXMEMBER',
  budget: 567_800,
  privatePackages: ['npm:globex-private-hammock', 'npm:globex-private-sling'] as PackageId[],
  repo: 'southco/kit',
  package: 'npm:south-kit' as PackageId,
  maintainer: 'bob',
} as const;
export type Tenant = typeof ACME | typeof GLOBEX;
/** A workspace where the app is installed but nobody set a company up. */
export const NO_COMPANY_TEAM = 'T0NOBODY';
/** Workspaces the positive controls of `setup` use (installed, no company yet). */
export const FRESH_TEAMS = ['T0FRESHONE', 'T0FRESHTWO'] as const;

/** Wishes of Acme's maintainer's repository, one per state a command needs. */
export const WISHES = {
  quoted: `${ACME.repo}#1` as WishId,
  open: `${ACME.repo}#2` as WishId,
  funded: `${ACME.repo}#3` as WishId,
  started: `${ACME.repo}#4` as WishId,
  cancellable: `${ACME.repo}#5` as WishId,
  otherRepo: `${GLOBEX.repo}#1` as WishId,
};
export const REQUESTER = 'dave';

export interface World {
  db: TestDatabase;
  services: Services;
  platform: Platform;
  http: HttpApp;
  base: string;
  github: FakeGithubApi;
  stripe: FakeStripe;
  discord: FakeDiscord;
  discordKeys: KeyPair;
  fakes: SignInFakes;
  slack: SlackDriver;
  /** The company ids. */
  ids: { acme: string; globex: string };
  /** Moves the platform's clock (rate-limit windows, link codes); Slack and Discord signatures stay on the wall clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

export async function startWorld(): Promise<World> {
  const github = await startFakeGithubApi();
  const stripe = await startFakeStripe();
  const discordKeys = ed25519();
  const discord = await new FakeDiscord('tenancy-discord-bot-token').start();
  const fakes = await startSignInFakes({ githubApi: github.url });
  const db = await openTestDatabase('postgres');
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = signInEnv(fakes, { workspaces: 'installed' });
  const config = loadConfig({
    ...env,
    DATABASE_URL: db.url!,
    PORT: String(port),
    PUBLIC_URL: base,
    CURRENCY: 'EUR',
    LOG_LEVEL: 'silent',
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: discordKeys.publicKeyHex,
    DISCORD_BOT_TOKEN: 'tenancy-discord-bot-token',
    DISCORD_API_URL: discord.url,
    STRIPE_SECRET_KEY: 'sk_test_tenancy',
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    UPKEEP_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  const services = createServices({ config, db, clock, log: createLogger('silent') });
  const platform = await assemblePlatform(services);
  // The App's webhook handler without Octokit's throttling (one write a second, shared by the
  // whole process), as the other GitHub tests build it: the same handler, only faster replies.
  const at = platform.mounts.findIndex((m) => m.path === '/github/webhooks');
  platform.mounts.splice(at, 1, ...((await githubContribution(githubDeps(services, config.github!), { retries: false })).mounts ?? []));
  const http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
  await http.listen(port, '127.0.0.1');
  const slack = new SlackDriver(base, fakes.slackApi, env.SLACK_SIGNING_SECRET);
  const world: World = {
    db,
    services,
    platform,
    http,
    base,
    github,
    stripe,
    discord,
    discordKeys,
    fakes,
    slack,
    ids: { acme: '', globex: '' },
    advance: (ms) => void (offset += ms),
    async close() {
      await http.close().catch(() => {});
      for (const stop of [...platform.stops].reverse()) await stop().catch(() => {});
      await db.close().catch(() => {});
      await Promise.all([github.close(), stripe.stop(), discord.stop(), fakes.close()].map((p) => p.catch(() => {})));
    },
  };
  return world;
}

/** Seeds both tenants, the repositories, wishes in every state, pledges from every platform, a closed month. */
export async function seedWorld(w: World): Promise<void> {
  const s = w.services;
  const store = new PrismaSlackInstallationStore(w.db.prisma);
  for (const team of [ACME.team, GLOBEX.team, NO_COMPANY_TEAM, ...FRESH_TEAMS]) {
    await store.storeInstallation({ team: { id: team }, enterprise: undefined, user: { id: 'UINSTALLER', token: undefined, scopes: undefined }, bot: { token: `xoxb-${team.toLowerCase()}`, scopes: [], id: 'BBOT', userId: 'UBOT' }, tokenType: 'bot', isEnterpriseInstall: false, appId: 'A0UPKEEP', authVersion: 'v2' });
  }
  for (const t of [ACME, GLOBEX]) {
    w.github.addRepo(t.repo, { installationId: INSTALLATION, license: 'MIT', files: {}, permissions: { [t.maintainer]: 'admin', carol: 'read' } });
    await w.db.prisma.repository.create({
      data: { id: t.repo, installationId: BigInt(INSTALLATION), optedIn: true, termsVersion: 1, license: 'MIT', lastActivityAt: new Date('2026-11-20T00:00:00Z'), maintainers: { create: [{ login: t.maintainer, share: 100 }] }, packages: { create: [{ packageId: t.package }] } },
    });
    const company = (await s.companies.create({ name: t.name, workspace: `slack:${t.team}`, currency: 'EUR', adminRef: `slack:${t.admin}` }))!;
    await s.companies.setBudget(company.id, t.budget);
    const packages = [t.package, ...t.privatePackages];
    await s.companies.addDependencies(company.id, packages);
    await s.companies.saveAllocation(company.id, [{ package: packages[0]!, points: 34 }, { package: packages[1]!, points: 33 }, { package: packages[2]!, points: 33 }], `slack:${t.admin}`);
    await s.companies.setVisibility(company.id, 'identifiable');
    w.ids[t === ACME ? 'acme' : 'globex'] = company.id;
  }
  await w.db.prisma.allocation.updateMany({ data: { createdAt: new Date('2026-11-01T00:00:00Z') } });
  await closePeriod({ ledger: s.ledger, clock: s.clock, period: CLOSED });

  const base = { wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', description: 'A wish of the tenancy matrix.' };
  const quote = (id: WishId, amount: number) => quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock: s.clock, id, amount: money(amount, 'EUR'), delayDays: 21, by: ACME.maintainer, isMaintainer: true });
  const pledge = (id: WishId, pledger: Parameters<typeof placePledge>[0]['pledger'], amount: number) => placePledge({ ...base, id, pledger, amount: money(amount, 'EUR') });
  for (const [id, title] of [
    [WISHES.quoted, 'Dark mode'],
    [WISHES.open, 'Keyboard shortcuts'],
    [WISHES.funded, 'Plugin API'],
    [WISHES.started, 'Streaming parser'],
    [WISHES.cancellable, 'Emoji support'],
    [WISHES.otherRepo, 'Hammock mode'],
  ] as const) {
    await openWish({ ...base, id, title, requester: REQUESTER });
  }
  await quote(WISHES.quoted, 50_000);
  for (const id of [WISHES.funded, WISHES.started]) {
    await quote(id, 1_000);
    const placed = await pledge(id, { source: 'github', id: 'carol', display: 'carol' }, 1_000);
    await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, wishId: id, pledgeId: placed.pledgeId, provider: 'stripe' });
  }
  await startWish({ wishes: s.wishes, outbox: s.outbox, clock: s.clock, id: WISHES.started, by: ACME.maintainer, isMaintainer: true });
}

// ---- snapshots ------------------------------------------------------------------------------

/**
 * What a refused attempt may still write, by table, and why: everything else must be unchanged.
 * A table maps to null (any change) or to the columns that may change.
 */
export type Allowance = Record<string, { columns: string[] | null; why: string }>;

/** Every table of the application's schema: name → row count and hash of all its rows (one query). */
export async function snapshot(w: World, allow: Allowance = {}): Promise<Record<string, string>> {
  tables ??= (await w.db.prisma.$queryRawUnsafe<{ table_name: string }[]>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")).map((t) => t.table_name);
  const parts = tables
    .filter((t) => allow[t]?.columns !== null)
    .map((t) => {
      const a = allow[t];
      const row = a ? `(to_jsonb(x) - ${a.columns!.map((c) => `'${c}'`).join(' - ')})::text` : 'x::text';
      return `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(${row}, E'\\n' ORDER BY ${row})), '') AS h FROM "${t}" x`;
    });
  const rows = await w.db.prisma.$queryRawUnsafe<{ t: string; h: string }[]>(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}
let tables: string[] | null = null;

/** The tables whose hash differs. */
export function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]).sort();
}

// ---- what each surface sends ----------------------------------------------------------------

let commentId = 70_000;
export function commentPayload(repo: string, issue: number, login: string, body: string): Example {
  const p = structuredClone(EXAMPLES.find((d) => d.name === 'issue_comment')!.examples.find((e) => e.action === 'created')!);
  const [owner, name] = repo.split('/');
  p.installation = { id: INSTALLATION, node_id: 'x' };
  Object.assign(p.repository, { full_name: repo, name, default_branch: 'main' });
  p.repository.owner.login = owner;
  Object.assign(p.issue, { number: issue, title: `Issue ${issue}`, body: 'Please.' });
  p.issue.user.login = REQUESTER;
  delete p.issue.pull_request;
  Object.assign(p.comment, { id: ++commentId, body });
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.sender.type = 'User';
  return p;
}

/** A signed `issue_comment` delivery; answers the HTTP status and every comment the App posted on that issue meanwhile. */
export async function comment(w: World, repo: string, issue: number, login: string, body: string): Promise<{ status: number; replies: string[]; reactions: number }> {
  const seen = w.github.calls.length;
  const payload = JSON.stringify(commentPayload(repo, issue, login, body));
  const res = await fetch(`${w.base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(WEBHOOK_SECRET, payload), 'user-agent': 'GitHub-Hookshot/test' },
    body: payload,
  });
  await res.text();
  const calls = w.github.calls.slice(seen);
  const replies = calls.filter((c) => c.method === 'POST' && new RegExp(`/issues/${issue}/comments$`).test(c.path)).map((c) => String(c.body?.body)).filter((b) => !b.includes(STATUS_MARKER));
  const reactions = calls.filter((c) => c.method === 'POST' && /\/reactions$/.test(c.path)).length;
  return { status: res.status, replies, reactions };
}

/** A signed Discord interaction; answers the status and the message the user finally sees (the deferred reply's edit included). */
export async function interact(w: World, interaction: Record<string, unknown>): Promise<{ status: number; ephemeral: boolean; text: string; json: any }> {
  const body = JSON.stringify(interaction);
  const res = await fetch(`${w.base}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(w.discordKeys.privateKey, body) }, body });
  const raw = await res.text();
  const json = raw ? JSON.parse(raw) : null;
  if (json?.type === 5 || json?.type === 6) {
    const edit = await w.discord.editOf(String(interaction.token));
    return { status: res.status, ephemeral: ((json.data?.flags ?? 0) & 64) === 64, text: JSON.stringify(edit.body), json };
  }
  return { status: res.status, ephemeral: ((json?.data?.flags ?? 0) & 64) === 64, text: JSON.stringify(json?.data ?? json), json };
}

/** A Slack request and everything the app then sent to the Slack API (views opened, response_url posts…), as one text. */
export async function slackSays(w: World, send: () => Promise<SlackPostResult>): Promise<{ status: number; text: string; ephemeral: boolean }> {
  const seen = w.fakes.slackApi.calls.length;
  const r = await send();
  // Slower work is acknowledged first and answered through response_url: wait for that answer.
  const answer = /Working on it/.test(textOf(r)) ? await w.fakes.slackApi.waitFor((c) => w.fakes.slackApi.calls.indexOf(c) >= seen && c.method === 'respond') : null;
  const later = w.fakes.slackApi.calls.slice(seen).map((c) => JSON.stringify(c.params));
  const type = answer ? answer.params.response_type : r.json?.response_type;
  return { status: r.status, text: [textOf(r), r.text, ...later].join('\n'), ephemeral: type === 'ephemeral' };
}

/** The strings that identify a tenant's own data: none may reach another tenant, nor an outsider. */
export function secretsOf(t: Tenant): string[] {
  const euros = (minor: number) => (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
  return [t.name, t.name.split(' ')[0]!, ...t.privatePackages, ...t.privatePackages.map((p) => p.split(':')[1]!), t.admin, t.member, euros(t.budget), String(t.budget)];
}

/**
 * Asserts that `text` holds none of the tenant's identifiers. Public pages may name the packages
 * companies fund (their aggregates are public by contract): `packages: false` checks the rest.
 */
export function expectNoLeak(text: string, of: Tenant, context: string, { packages = true }: { packages?: boolean } = {}): void {
  const secrets = packages ? secretsOf(of) : secretsOf(of).filter((s) => !of.privatePackages.some((p) => p.includes(s)));
  for (const s of secrets) expect(text.includes(s), `${context}: the reply contains "${s}" of ${of.name}`).toBe(false);
}
