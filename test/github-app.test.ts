// The GitHub App through the real Probot 14 middleware, mounted on our HTTP server, with
// correctly signed deliveries (payload shapes from @octokit/webhooks-examples) and a
// recording fake GitHub API on 127.0.0.1; state checked in PostgreSQL. The status comment is
// a notice the worker delivers (a job runtime runs beside the server, as `npm start` does).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp } from '../edge/server.ts';
import { createServices, type Services } from '../app/services.ts';
import { githubDeps } from '../app/github.ts';
import { startWorker } from '../app/worker.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import { STATUS_MARKER } from '../bots/github/render.ts';
import type { Clock } from '../core/ports/clock.ts';
import { money } from '../core/money.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import type { JobRuntime } from '../worker/index.ts';
import { wishRoutes } from '../web/wishes.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];
const example = (name: string, pick: (e: Example) => boolean = () => true): Example => {
  const e = EXAMPLES.find((d) => d.name === name)!.examples.find(pick);
  if (!e) throw new Error(`no ${name} example`);
  return structuredClone(e);
};

const SECRET = 'test-webhook-secret';
const INSTALLATION = 4242;
const REPO = 'acme/widgets';
const CONFIG = `packages: [npm:acme-widgets, pypi:acme_widgets]
maintainers:
  Maint: 70
  carol: 30
accept_terms: 1
description: "Widgets for everyone"
`;

let now = new Date('2026-11-21T10:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let db: TestDatabase;
let fake: FakeGithubApi;
let s: Services;
let server: Server;
let jobs: JobRuntime;
let base: string;

beforeAll(async () => {
  fake = await startFakeGithubApi();
  db = await openTestDatabase('postgres');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const config = loadConfig({ DATABASE_URL: db.url!, GITHUB_APP_ID: '123', GITHUB_PRIVATE_KEY: privateKey, GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: fake.url, CURRENCY: 'EUR', PUBLIC_URL: 'http://upkeep.test' });
  s = createServices({ config, db, clock, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  const github = await githubContribution(githubDeps(s, config.github!), { retries: false });
  // The webhook mount alone on a server (the public API test below starts the whole HTTP app).
  const mount = github.mounts![0]!;
  server = createServer((req, res) => void mount.listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  jobs = await startWorker(s, { workers: true, github: { retries: false } });
  fake.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', files: { '.github/upkeep.yml': CONFIG }, permissions: { maint: 'write', reader: 'read', carol: 'admin' } });
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await jobs?.stop();
  await db?.close();
  await fake?.close();
});

async function deliver(event: string, payload: unknown, opts: { id?: string; secret?: string; raw?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(payload);
  const id = opts.id ?? randomUUID();
  const res = await fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-hub-signature-256': signWebhook(opts.secret ?? SECRET, body),
      'user-agent': 'GitHub-Hookshot/test',
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, id };
}

function withRepo(p: Example, fullName = REPO): Example {
  const [owner, name] = fullName.split('/') as [string, string];
  p.installation = { id: INSTALLATION, node_id: 'x' };
  if (p.repository) {
    p.repository.full_name = fullName;
    p.repository.name = name;
    p.repository.owner.login = owner;
    p.repository.default_branch = 'main';
  }
  return p;
}

let commentSeq = 5000;
function commentPayload(opts: { body: string; login: string; issue?: number; action?: 'created' | 'edited'; commentId?: number; type?: string; title?: string }) {
  const p = withRepo(example('issue_comment', (e) => e.action === (opts.action ?? 'created')));
  p.action = opts.action ?? 'created';
  p.issue.number = opts.issue ?? 7;
  p.issue.title = opts.title ?? 'Dark mode';
  p.issue.body = 'Please add a dark theme.';
  delete p.issue.pull_request;
  p.comment.id = opts.commentId ?? ++commentSeq;
  p.comment.body = opts.body;
  p.comment.user.login = opts.login;
  p.comment.user.type = opts.type ?? 'User';
  p.sender.login = opts.login;
  p.sender.type = opts.type ?? 'User';
  return p;
}

const statusPosts = () => fake.of('POST', /\/issues\/7\/comments$/).filter((c) => String(c.body?.body).includes(STATUS_MARKER));
const replies = () => fake.of('POST', /\/issues\/7\/comments$/).filter((c) => !String(c.body?.body).includes(STATUS_MARKER)).map((c) => String(c.body?.body));
const wishId = `${REPO}#7` as WishId;

/** Polls until `check` passes (background work), failing with its last error after 10 s. */
async function eventually(check: () => void | Promise<void>): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Waits until the worker has delivered every recorded notice (the status comments are up to date). */
async function delivered(): Promise<void> {
  await eventually(async () => {
    const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM notification WHERE status = 'pending'");
    expect(row!.n).toBe(0);
  });
}

/** Background deliveries done, then a clean record of GitHub calls. */
async function quiet(): Promise<void> {
  await delivered();
  fake.reset();
}

describe('GitHub App (Probot) with signed deliveries', () => {
  it('opts a repository in from .github/upkeep.yml on installation', async () => {
    const p = example('installation', (e) => e.action === 'created');
    p.installation.id = INSTALLATION;
    p.repositories = [{ id: 1, node_id: 'r', name: 'widgets', full_name: REPO, private: false }];
    const r = await deliver('installation', p);
    expect(r.status).toBe(200);
    expect(fake.of('POST', new RegExp(`/app/installations/${INSTALLATION}/access_tokens`)).length).toBeGreaterThan(0);
    expect(fake.of('GET', /\/repos\/acme\/widgets\/contents\/\.github\/upkeep\.yml\?ref=main$/)).toHaveLength(1);
    const state = await s.repositories.find(REPO);
    expect(state).toMatchObject({
      optedIn: true,
      packages: ['npm:acme-widgets', 'pypi:acme-widgets'],
      maintainers: [{ login: 'maint', share: 70 }, { login: 'carol', share: 30 }],
      license: 'MIT',
      termsVersion: 1,
      description: 'Widgets for everyone',
    });
    // Confirmed on the repository (test/github-opt-in.test.ts covers the wording and the dedupe).
    expect(fake.issues.filter((i) => i.repo === REPO).map((i) => i.title)).toEqual(['Upkeep: this repository is opted in']);
  });

  it('explains an invalid config in an issue, withdraws, and records push activity', async () => {
    fake.addRepo('acme/broken', { license: 'MIT', files: { '.github/upkeep.yml': 'packages: [react]\nmaintainers:\n  a: 60\n  b: 30\naccept_terms: 1\n' } });
    const p = withRepo(example('push', (e) => e.ref.startsWith('refs/heads/')), 'acme/broken');
    p.ref = 'refs/heads/main';
    p.deleted = false;
    p.commits = [{ ...(p.commits?.[0] ?? {}), added: [], modified: ['.github/upkeep.yml'], removed: [] }];
    const r = await deliver('push', p);
    expect(r.status).toBe(200);
    const issue = fake.issues.find((i) => i.repo === 'acme/broken');
    expect(issue?.title).toBe('Upkeep: .github/upkeep.yml is invalid');
    expect(issue?.body).toMatch(/npm:react/);
    expect(issue?.body).toMatch(/sum to 90/);
    expect((await s.repositories.find('acme/broken'))?.optedIn).toBe(false);
    expect((await s.repositories.find('acme/broken'))?.lastActivityAt).toEqual(now);

    // The same problem pushed again is not explained twice; a repository without a licence is refused.
    await deliver('push', p);
    expect(fake.issues.filter((i) => i.repo === 'acme/broken')).toHaveLength(1);
    fake.addRepo('acme/unlicensed', { license: null, files: { '.github/upkeep.yml': CONFIG.replace('npm:acme-widgets, pypi:acme_widgets', 'npm:other') } });
    await deliver('push', withRepo({ ...p, repository: { ...p.repository } }, 'acme/unlicensed'));
    expect(fake.issues.find((i) => i.repo === 'acme/unlicensed')?.title).toMatch(/open-source licence/);
    expect((await s.repositories.find('acme/unlicensed'))?.optedIn ?? false).toBe(false);
  });

  it('opens a wish with /wish and posts one status comment', async () => {
    await quiet();
    const r = await deliver('issue_comment', commentPayload({ body: 'I need this!\n/wish 50', login: 'alice' }));
    expect(r.status).toBe(200);
    await delivered();
    const wish = await s.wishes.get(wishId);
    expect(wish).toMatchObject({ status: 'open', title: 'Dark mode', requester: 'alice', description: 'Please add a dark theme.' });
    expect(wish!.pledges).toHaveLength(1);
    expect(wish!.pledges[0]).toMatchObject({ amount: 5000, status: 'committed' });
    expect(statusPosts()).toHaveLength(1);
    expect(await s.wishes.statusCommentId(wishId)).toBe(Object.values(Object.fromEntries(fake.comments)).find((c) => c.body.includes(STATUS_MARKER))!.id);
    expect(replies().some((t) => t.includes('@alice') && t.includes('€50.00'))).toBe(true);
    // The worker found the repository's installation and wrote with its token.
    expect(fake.of('GET', /\/repos\/acme\/widgets\/installation$/).length).toBeGreaterThan(0);
    expect(statusPosts()[0]!.authorization).toMatch(new RegExp(`ghs_installation_${INSTALLATION}`));
  });

  it('refuses /quote from a reader, without changing the wish', async () => {
    await quiet();
    const r = await deliver('issue_comment', commentPayload({ body: '/quote 300 2w', login: 'reader' }));
    expect(r.status).toBe(200);
    await delivered();
    expect(fake.of('GET', /\/repos\/acme\/widgets\/collaborators\/reader\/permission$/)).toHaveLength(1);
    expect(replies()).toEqual([expect.stringMatching(/^@reader 🔒 Not allowed: Only the repository's maintainers/)]);
    expect((await s.wishes.get(wishId))!.status).toBe('open');
    expect(fake.of('PATCH', /issues\/comments/)).toHaveLength(0);
  });

  it('accepts /quote from a maintainer and edits the status comment in place', async () => {
    await quiet();
    const payload = commentPayload({ body: 'Sounds good.\n/quote 1,500 EUR 3w', login: 'Maint' });
    const r = await deliver('issue_comment', payload);
    expect(r.status).toBe(200);
    await delivered();
    const wish = (await s.wishes.get(wishId))!;
    expect(wish.status).toBe('quoted');
    expect(wish.quote).toMatchObject({ amount: 150_000, delayDays: 21, by: 'Maint' });
    expect(statusPosts()).toHaveLength(0);
    const statusId = await s.wishes.statusCommentId(wishId);
    const patches = fake.of('PATCH', new RegExp(`/issues/comments/${statusId}$`));
    expect(patches).toHaveLength(1);
    expect(String(patches[0]!.body?.body)).toMatch(/Quoted — collecting pledges/);
    expect(String(patches[0]!.body?.body)).toMatch(/€1,500\.00/);
    expect(fake.of('POST', /reactions$/)).toHaveLength(1);

    // Redelivery of the same delivery id: acknowledged, no second effect.
    await quiet();
    const again = await fetch(`${base}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': r.id, 'x-hub-signature-256': signWebhook(SECRET, JSON.stringify(payload)) },
      body: JSON.stringify(payload),
    });
    expect(again.status).toBe(200);
    await delivered();
    expect(fake.calls).toHaveLength(0);
    expect((await s.wishes.get(wishId))!.quoteHistory).toHaveLength(1);

    // The comment edited (typo fixed elsewhere): the same /quote is not applied twice; a new command in it is.
    const edited = commentPayload({ body: 'Sounds good!\n/quote 1,500 EUR 3w\n/quote 1,200 EUR 3w', login: 'Maint', action: 'edited', commentId: payload.comment.id });
    expect((await deliver('issue_comment', edited)).status).toBe(200);
    const after = (await s.wishes.get(wishId))!;
    expect(after.quoteHistory.map((q) => q.amount)).toEqual([150_000, 120_000]);
    await delivered();
    expect(fake.comments.get(statusId!)?.body).toMatch(/€1,200\.00/);
  });

  it('ignores bots, and re-creates the status comment when it was deleted', async () => {
    await quiet();
    await deliver('issue_comment', commentPayload({ body: '/pledge 10', login: 'dependabot[bot]', type: 'Bot' }));
    await delivered();
    expect(fake.calls.filter((c) => !c.path.includes('access_tokens'))).toHaveLength(0);

    const old = (await s.wishes.statusCommentId(wishId))!;
    fake.comments.delete(old);
    const r = await deliver('issue_comment', commentPayload({ body: '/pledge 25', login: 'bob' }));
    expect(r.status).toBe(200);
    await delivered();
    expect(fake.of('PATCH', new RegExp(`/issues/comments/${old}$`))).toHaveLength(1);
    expect(statusPosts()).toHaveLength(1);
    const fresh = await s.wishes.statusCommentId(wishId);
    expect(fresh).not.toBe(old);
    expect(fake.comments.get(fresh!)?.body).toMatch(/\*\*Pledgers:\*\* 2/);
    expect(replies().some((t) => t.startsWith('@bob thank you! Your pledge of €25.00 is recorded'))).toBe(true);
    const wish = (await s.wishes.get(wishId))!;
    expect(wish.pledges.map((p) => [p.pledger.id, p.amount])).toEqual([
      ['alice', 5000],
      ['bob', 2500],
    ]);
  });

  it('delivers a funded, started wish when a PR that fixes its issue is merged', async () => {
    const wish = (await s.wishes.get(wishId))!;
    // Bob's `/pledge 25` reply, to be edited once that pledge is paid.
    const bobReply = [...fake.comments.values()].find((c) => c.issue === 7 && c.body.startsWith('@bob thank you! Your pledge of €25.00'))!;
    expect(bobReply).toBeDefined();
    // Money arrives (the payments side confirms): alice's and bob's pledges, then a big one.
    for (const p of wish.pledges) await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock, wishId, pledgeId: p.id, provider: 'offline' });
    // Payments confirmed outside GitHub: the worker brings the status comment up to date, through the installation.
    const statusId = (await s.wishes.statusCommentId(wishId))!;
    await eventually(() => expect(fake.comments.get(statusId)?.body).toMatch(/€75\.00 paid of €1,200\.00/));
    expect(fake.of('PATCH', new RegExp(`/issues/comments/${statusId}$`)).at(-1)?.authorization).toMatch(new RegExp(`ghs_installation_${INSTALLATION}`));
    // The status comment shows the banner (linking to the wish page), the amount to go and the pledgers; the issue its state label.
    const status = fake.comments.get(statusId)!.body;
    expect(status).toContain('[![Funding of acme/widgets#7](http://upkeep.test/widget/wishes/acme/widgets/7.svg)](http://upkeep.test/wishes/acme/widgets/7)');
    expect(status).toMatch(/\*\*To go:\*\* €1,125\.00 · \d+ days left/);
    expect(status).toContain('**Pledgers:** 2 — alice, bob');
    expect(fake.issueLabels.get(`${REPO}#7`)).toEqual(['upkeep: quoted']);
    // The `/pledge` reply now says "paid" (edited in place: no new comment).
    await eventually(() => expect(fake.comments.get(bobReply.id)?.body).toBe('✅ @bob your pledge of €25.00 is paid. Thank you!'));
    await deliver('issue_comment', commentPayload({ body: '/pledge 1,125', login: 'dave' }));
    const dave = (await s.wishes.get(wishId))!.pledges.find((p) => p.pledger.id === 'dave')!;
    await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock, wishId, pledgeId: dave.id, provider: 'offline' });
    expect((await s.wishes.get(wishId))!.status).toBe('funded');
    // Funded is announced in a new comment that mentions the maintainers (GitHub does not notify edits).
    await eventually(() =>
      expect([...fake.comments.values()].filter((c) => c.issue === 7 && c.body.startsWith('<!-- upkeep:wish-comment:funded -->')).map((c) => c.body.split('\n')[1]!.split(' 🎉')[0])).toEqual(['@Maint @carol']),
    );
    await eventually(() => expect(fake.issueLabels.get(`${REPO}#7`)).toEqual(['upkeep: funded']));
    await deliver('issue_comment', commentPayload({ body: '/start', login: 'Maint' }));
    expect((await s.wishes.get(wishId))!.status).toBe('in_progress');

    await quiet();
    const pr = withRepo(example('pull_request', (e) => e.action === 'closed'));
    pr.pull_request.number = 12;
    pr.pull_request.merged = true;
    pr.pull_request.body = 'Implements the dark theme.\n\nFixes #7';
    pr.pull_request.merged_by = { ...pr.sender, login: 'Maint' };
    expect((await deliver('pull_request', pr)).status).toBe(200);
    const done = (await s.wishes.get(wishId))!;
    expect(done).toMatchObject({ status: 'delivered', deliveredBy: 12 });
    await delivered();
    expect(fake.comments.get((await s.wishes.statusCommentId(wishId))!)?.body).toMatch(/Delivered/);
    const rows = await db.prisma.$queryRawUnsafe<{ account_key: string; amount: bigint }[]>(
      "SELECT e.account_key, e.amount FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id WHERE t.key = $1 ORDER BY e.account_key",
      `wish:${wishId}:release`,
    );
    expect(rows.map((r) => [r.account_key, Number(r.amount)])).toEqual([
      ['maintainer:carol', 36_000],
      ['maintainer:maint', 84_000],
      [`wish:${wishId}`, -120_000],
    ]);
  });

  it('refuses a bad signature and malformed signed payloads with a 4xx, never a 5xx', async () => {
    await quiet();
    const good = commentPayload({ body: '/wish', login: 'eve', issue: 8 });
    const bad = await deliver('issue_comment', good, { secret: 'wrong-secret' });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(await s.wishes.get(`${REPO}#8` as WishId)).toBeNull();
    for (const raw of ['null', '"x"', '123', '{"action":"created"}', '{not json', '[]']) {
      const r = await deliver('issue_comment', null, { raw });
      expect(r.status, raw).toBeGreaterThanOrEqual(400);
      expect(r.status, raw).toBeLessThan(500);
    }
    const ping = await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1, hook: { type: 'App', id: 1 } });
    expect(ping.status).toBe(200);
    const missing = await fetch(`${base}/github/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it('answers 500 when GitHub fails mid-delivery, and the redelivery completes it once', async () => {
    const id = `${REPO}#9` as WishId;
    expect((await deliver('issue_comment', commentPayload({ body: '/wish', login: 'frank', issue: 9, title: 'Export' }))).status).toBe(200);
    await quiet();
    // The maintainer check fails: the command is not applied, its claim and the delivery's are released.
    fake.failNext('GET', /\/collaborators\/maint\/permission$/i, 502);
    const payload = commentPayload({ body: '/spec Export every wish as CSV.', login: 'Maint', issue: 9, title: 'Export' });
    const first = await deliver('issue_comment', payload);
    expect(first.status).toBe(500);
    expect(first.text).not.toMatch(/at .*\.ts/);
    expect((await s.wishes.get(id))?.spec).toBeNull();
    const replay = await fetch(`${base}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': first.id, 'x-hub-signature-256': signWebhook(SECRET, JSON.stringify(payload)) },
      body: JSON.stringify(payload),
    });
    expect(replay.status).toBe(200);
    expect((await s.wishes.get(id))?.spec).toMatchObject({ text: 'Export every wish as CSV.', author: 'Maint' });
    expect(fake.of('GET', /\/collaborators\/maint\/permission$/i)).toHaveLength(2);
    expect(fake.of('POST', /\/issues\/comments\/\d+\/reactions$/)).toHaveLength(1);
    // A third delivery of the same id is acknowledged without a second effect.
    const third = await fetch(`${base}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': first.id, 'x-hub-signature-256': signWebhook(SECRET, JSON.stringify(payload)) },
      body: JSON.stringify(payload),
    });
    expect(await third.json()).toMatchObject({ ok: true, duplicate: true });
    await delivered();
    const statusId = await s.wishes.statusCommentId(id);
    expect(fake.comments.get(statusId!)?.body).toContain('Technical spec (by @Maint)');
    expect([...fake.comments.values()].filter((c) => c.issue === 9 && c.body.includes(STATUS_MARKER))).toHaveLength(1);
    expect([...fake.comments.values()].filter((c) => c.issue === 9 && !c.body.includes(STATUS_MARKER))).toHaveLength(0);
  });

  it('serves the public wish API', async () => {
    const http = createHttpApp({ log: s.log, routes: [wishRoutes(s)] });
    const base = await http.listen(0, '127.0.0.1');
    onTestFinished(() => http.close());
    const list = await fetch(`${base}/api/v1/wishes?repo=${REPO}`);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { wishes: unknown[] };
    expect(body.wishes).toEqual([
      expect.objectContaining({ id: `${REPO}#9`, status: 'open', quote: null, percent: 0 }),
      expect.objectContaining({ id: wishId, status: 'delivered', title: 'Dark mode', quote: { amount: 120_000, currency: 'EUR', delayDays: 21 }, pledgers: 3, percent: 100 }),
    ]);
    const one = await fetch(`${base}/api/v1/wishes/acme/widgets/7`);
    expect(await one.json()).toMatchObject({ id: wishId, pledged: { amount: 120_000, currency: 'EUR' } });
    expect((await fetch(`${base}/api/v1/wishes/acme/widgets/99`)).status).toBe(404);
    expect((await fetch(`${base}/api/v1/wishes?repo=not a repo`)).status).toBe(400);
    expect((await fetch(`${base}/api/v1/wishes`)).status).toBe(400);
  });

  it('opts in on a push that adds the config, and withdraws when a push removes it', async () => {
    fake.addRepo('acme/gadgets', { license: 'Apache-2.0', files: { '.github/upkeep.yml': CONFIG.replace('npm:acme-widgets, pypi:acme_widgets', 'cargo:gadgets') } });
    const push = (change: 'added' | 'removed') => {
      const p = withRepo(example('push', (e) => e.ref.startsWith('refs/heads/')), 'acme/gadgets');
      p.ref = 'refs/heads/main';
      p.deleted = false;
      p.commits = [{ ...(p.commits?.[0] ?? {}), added: [], modified: [], removed: [], [change]: ['.github/upkeep.yml'] }];
      return p;
    };
    expect((await deliver('push', push('added'))).status).toBe(200);
    expect(await s.repositories.find('acme/gadgets')).toMatchObject({ optedIn: true, packages: ['cargo:gadgets'], license: 'Apache-2.0' });
    fake.repos.get('acme/gadgets')!.files.delete('.github/upkeep.yml');
    expect((await deliver('push', push('removed'))).status).toBe(200);
    expect(await s.repositories.find('acme/gadgets')).toMatchObject({ optedIn: false, maintainers: [] });
    // A push to another branch changes nothing.
    const other = push('added');
    other.ref = 'refs/heads/feature';
    fake.reset();
    expect((await deliver('push', other)).status).toBe(200);
    expect(fake.of('GET', /contents/)).toHaveLength(0);
  });

  it('withdraws the opt-in when the app is uninstalled', async () => {
    const p = example('installation', (e) => e.action === 'deleted');
    p.installation.id = INSTALLATION;
    p.repositories = [{ id: 1, node_id: 'r', name: 'widgets', full_name: REPO, private: false }];
    expect((await deliver('installation', p)).status).toBe(200);
    expect(await s.repositories.find(REPO)).toMatchObject({ optedIn: false, maintainers: [] });
    now = new Date(now.getTime() + 1000);
  });

  it('says on the issue when a merged PR cannot deliver its funded wish, and leaves other wishes alone', async () => {
    // Quoted while opted in, then the repository was withdrawn (uninstalled): a funded wish there has nobody to release its money to.
    const id = `${REPO}#20` as WishId;
    const ports = { wishes: s.wishes, outbox: s.outbox, clock };
    await openWish({ ...ports, gateway: s.gateway, currency: 'EUR', id, title: 'Print styles', description: '', requester: 'alice' });
    await optInToQuote(s.repositories, REPO);
    await quoteWish({ ...ports, repositories: s.repositories, id, amount: money(10_000, 'EUR'), delayDays: 7, by: 'Maint', isMaintainer: true });
    await s.repositories.withdraw(REPO);
    const { pledgeId } = await placePledge({ ...ports, gateway: s.gateway, id, pledger: { source: 'github', id: 'dave', display: 'dave' }, amount: money(10_000, 'EUR') });
    await confirmPledgePayment({ ...ports, ledger: s.ledger, wishId: id, pledgeId, provider: 'offline' });
    expect((await s.wishes.get(id))!.status).toBe('funded');
    await quiet();

    const pr = withRepo(example('pull_request', (e) => e.action === 'closed'));
    pr.pull_request.number = 13;
    pr.pull_request.merged = true;
    pr.pull_request.body = 'Print styles. Fixes #20, fixes #9 and closes #404.';
    pr.pull_request.merged_by = { ...pr.sender, login: 'Maint' };
    expect((await deliver('pull_request', pr)).status).toBe(200);
    // Started (merging is a maintainer's act), but not delivered: the money stays in escrow.
    expect((await s.wishes.get(id))!.status).toBe('in_progress');
    expect(fake.of('POST', /\/issues\/20\/comments$/).map((c) => String(c.body?.body))).toEqual([
      expect.stringMatching(/^#13 was merged, but the wish could not be marked delivered: acme\/widgets has no opted-in maintainers/),
    ]);
    // #9 is an open wish and #404 no wish at all: nothing said, nothing changed.
    expect((await s.wishes.get(`${REPO}#9` as WishId))!.status).toBe('open');
    expect(fake.of('POST', /\/issues\/(9|404)\/comments$/)).toHaveLength(0);
  });
});
