// Opting in, told on the repository, and `/quote` only where a repository opted in: through the
// real Probot 14 middleware with signed deliveries (payload shapes from @octokit/webhooks-examples)
// against the recording fake GitHub API, state checked in PostgreSQL.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { githubDeps } from '../app/github.ts';
import { createServices, type Services } from '../app/services.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { WishId } from '../core/wishlist.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { createLogger } from '../edge/logger.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];
const example = (name: string, pick: (e: Example) => boolean = () => true): Example => structuredClone(EXAMPLES.find((d) => d.name === name)!.examples.find(pick)!);

const SECRET = 'opt-in-webhook-secret';
const INSTALLATION = 77;
const REPO = 'acme/gears';
const FILE = '.github/upkeep.yml';
const CONFIG = 'packages: [npm:acme-gears, pypi:acme_gears]\nmaintainers:\n  Maint: 70\n  carol: 30\naccept_terms: 1\n';

const clock: Clock = { now: () => new Date('2026-11-21T10:00:00Z') };
let db: TestDatabase;
let fake: FakeGithubApi;
let s: Services;
let server: Server;
let base: string;

beforeAll(async () => {
  fake = await startFakeGithubApi();
  db = await openTestDatabase('postgres');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const config = loadConfig({ DATABASE_URL: db.url!, GITHUB_APP_ID: '123', GITHUB_PRIVATE_KEY: privateKey, GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: fake.url, CURRENCY: 'EUR', PUBLIC_URL: 'http://upkeep.test' });
  s = createServices({ config, db, clock, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  const mount = (await githubContribution(githubDeps(s, config.github!), { retries: false })).mounts![0]!;
  server = createServer((req, res) => void mount.listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Not opted in yet: no file on the default branch.
  fake.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', permissions: { maint: 'write', carol: 'admin' } });
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await db?.close();
  await fake?.close();
});

/** Posts a signed delivery (the same id again is GitHub's "Redeliver"). */
async function deliver(event: string, payload: unknown, id: string = randomUUID()): Promise<{ status: number; id: string; body: string }> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': signWebhook(SECRET, body), 'user-agent': 'GitHub-Hookshot/test' },
    body,
  });
  return { status: res.status, id, body: await res.text() };
}

function withRepo(p: Example): Example {
  p.installation = { id: INSTALLATION, node_id: 'x' };
  if (p.repository) Object.assign(p.repository, { full_name: REPO, name: 'gears', default_branch: 'main', owner: { ...p.repository.owner, login: 'acme' } });
  return p;
}

/** A push to main from commit `before` to `after` that touched the opt-in file. */
function push(before: string, after: string): Example {
  const p = withRepo(example('push', (e) => e.ref.startsWith('refs/heads/')));
  Object.assign(p, { ref: 'refs/heads/main', before, after, deleted: false });
  p.commits = [{ ...(p.commits?.[0] ?? {}), id: after, added: [], modified: [FILE], removed: [] }];
  return p;
}

let commentSeq = 9000;
function comment(body: string, login: string, issue = 3): Example {
  const p = withRepo(example('issue_comment', (e) => e.action === 'created'));
  p.issue.number = issue;
  p.issue.title = 'Gear ratios';
  p.issue.body = 'Please compute gear ratios.';
  delete p.issue.pull_request;
  p.comment.id = ++commentSeq;
  p.comment.body = body;
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.sender.type = 'User';
  return p;
}

const issues = () => fake.issues.filter((i) => i.repo === REPO);
const commentsOn = (issue: number) => fake.of('POST', new RegExp(`/repos/acme/gears/issues/${issue}/comments$`)).map((c) => String(c.body?.body));
const WISH = `${REPO}#3` as WishId;

describe('opting in, confirmed on the repository, and /quote only where a repository opted in', () => {
  let base0: string;
  let first: string;

  it('refuses /quote before the repository opted in, with the file to add, and changes nothing', async () => {
    expect((await deliver('issue_comment', comment('/wish', 'alice'))).status).toBe(200);
    expect((await s.wishes.get(WISH))?.status).toBe('open');
    fake.reset();

    const r = await deliver('issue_comment', comment('Here is my quote.\n/quote 800 EUR 2w', 'Maint'));
    expect(r.status).toBe(200);
    const wish = (await s.wishes.get(WISH))!;
    expect(wish).toMatchObject({ status: 'open', quote: null, deadline: null });
    expect(wish.quoteHistory).toEqual([]);
    const [reply, ...more] = commentsOn(3);
    expect(more).toEqual([]);
    expect(reply).toMatch(/^@Maint ⛔ Not possible now: acme\/gears has not opted in to Upkeep: it has no valid \.github\/upkeep\.yml on its default branch, so its wishes cannot be quoted yet\./);
    expect(reply).toContain('```yaml\npackages: [npm:your-package]\nmaintainers:\n  alice: 60\n  bob: 40\naccept_terms: 1\n```');
    // A refused command gets no reaction, and nothing was recorded for the wish's followers.
    expect(fake.of('POST', /reactions$/)).toHaveLength(0);
    expect(await db.prisma.notification.count({ where: { key: { contains: 'quote' } } })).toBe(0);
    // A reader is told they may not quote, before anything about the opt-in.
    fake.reset();
    await deliver('issue_comment', comment('/quote 800 EUR 2w', 'stranger'));
    expect(commentsOn(3)).toEqual([expect.stringMatching(/^@stranger 🔒 Not allowed: Only the repository's maintainers/)]);
  });

  it('confirms the opt-in once in an issue: packages, maintainers and shares, and the /account link', async () => {
    base0 = fake.commit(REPO, {});
    first = fake.commit(REPO, { [FILE]: CONFIG });
    const payload = push(base0, first);
    const r = await deliver('push', payload);
    expect(r.status).toBe(200);
    expect(await s.repositories.find(REPO)).toMatchObject({ optedIn: true, packages: ['npm:acme-gears', 'pypi:acme-gears'], maintainers: [{ login: 'maint', share: 70 }, { login: 'carol', share: 30 }] });
    expect(issues()).toHaveLength(1);
    const [issue] = issues();
    expect(issue!.title).toBe('Upkeep: this repository is opted in');
    expect(issue!.body).toContain(`This repository is opted in to Upkeep from \`${FILE}\` on \`main\` (${first.slice(0, 7)}).`);
    expect(issue!.body).toContain('- `npm:acme-gears`\n- `pypi:acme-gears`');
    expect(issue!.body).toContain('| @maint | 70% |\n| @carol | 30% |');
    expect(issue!.body).toContain('http://upkeep.test/account');
    // Not opted in before: nothing to compare, the previous commit is not read.
    expect(fake.of('GET', new RegExp(`/contents/\\.github/upkeep\\.yml\\?ref=${base0}$`))).toHaveLength(0);

    // GitHub's "Redeliver", and the same push under a new delivery id: nothing new.
    expect(JSON.parse((await deliver('push', payload, r.id)).body)).toMatchObject({ duplicate: true });
    expect((await deliver('push', payload)).status).toBe(200);
    // A second push with the same file (a commit that touched it and left it as it was): nothing new.
    const again = fake.commit(REPO, { [FILE]: CONFIG });
    expect((await deliver('push', push(first, again))).status).toBe(200);
    // Only a description edited: packages and shares are as before, nothing to say.
    const described = fake.commit(REPO, { [FILE]: `${CONFIG}description: "Gears"\n` });
    expect((await deliver('push', push(again, described))).status).toBe(200);
    expect((await s.repositories.find(REPO))?.description).toBe('Gears');
    expect(issues()).toHaveLength(1);
  });

  it('after opting in, /quote works', async () => {
    fake.reset();
    const r = await deliver('issue_comment', comment('/quote 800 EUR 2w', 'Maint'));
    expect(r.status).toBe(200);
    expect((await s.wishes.get(WISH))!).toMatchObject({ status: 'quoted', quote: { amount: 80_000, currency: 'EUR', delayDays: 14, by: 'Maint' } });
    expect(commentsOn(3)).toEqual([]);
    expect(fake.of('POST', /reactions$/)).toHaveLength(1);
  });

  it('says what changed when the file changes, once, even when GitHub fails the first time', async () => {
    const before = fake.repos.get(REPO)!.files.get(FILE)!;
    const changed = fake.commit(REPO, { [FILE]: 'packages: [npm:acme-gears, cargo:gears]\nmaintainers:\n  maint: 50\n  carol: 30\n  dave: 20\naccept_terms: 1\n' });
    const previous = [...fake.repos.get(REPO)!.snapshots].find(([, files]) => files.get(FILE) === before)![0];
    fake.failNext('POST', /\/repos\/acme\/gears\/issues$/, 502);
    const payload = push(previous, changed);
    const failed = await deliver('push', payload);
    expect(failed.status).toBe(500);
    expect(issues()).toHaveLength(1);
    // The state is recorded; the redelivery says what changed, once.
    expect((await deliver('push', payload, failed.id)).status).toBe(200);
    expect((await deliver('push', payload)).status).toBe(200);
    expect(issues()).toHaveLength(2);
    const update = issues()[1]!;
    expect(update.title).toBe('Upkeep: the opt-in of this repository changed');
    expect(update.body).toContain(
      ['- package `cargo:gears` added', '- package `pypi:acme-gears` removed (its money no longer comes here)', '- @dave joins with 20%', '- @maint: 70% → 50%'].join('\n'),
    );
    expect(update.body).toContain('| @maint | 50% |\n| @carol | 30% |\n| @dave | 20% |');
    expect(update.body).toContain('http://upkeep.test/account');
    expect(await s.repositories.find(REPO)).toMatchObject({ optedIn: true, packages: ['cargo:gears', 'npm:acme-gears'] });
    // What the file said before was read at the push's previous commit, on each of the three attempts.
    expect(fake.of('GET', new RegExp(`/contents/\\.github/upkeep\\.yml\\?ref=${previous}$`))).toHaveLength(3);

    // Back to the first file: a change again, said again (the same words at another commit).
    const back = fake.commit(REPO, { [FILE]: CONFIG });
    await deliver('push', push(changed, back));
    expect(issues().map((i) => i.title)).toEqual(['Upkeep: this repository is opted in', 'Upkeep: the opt-in of this repository changed', 'Upkeep: the opt-in of this repository changed']);
    expect(issues()[2]!.body).toContain('- @dave leaves (had 20%; what they earned stays theirs)');
    // And forth again: the same change as the second issue, made again later, is said again.
    const forth = fake.commit(REPO, { [FILE]: fake.repos.get(REPO)!.snapshots.get(changed)!.get(FILE)! });
    await deliver('push', push(back, forth));
    expect(issues()).toHaveLength(4);
    expect(issues()[3]!.body.replace(forth.slice(0, 7), 'REV')).toBe(issues()[1]!.body.replace(changed.slice(0, 7), 'REV'));
  });

  it('a refused file keeps today’s explanation, and installing the App confirms an opt-in once', async () => {
    const broken = fake.commit(REPO, { [FILE]: 'packages: [gears]\nmaintainers:\n  maint: 100\naccept_terms: 1\n' });
    const last = [...fake.repos.get(REPO)!.snapshots.keys()].at(-2)!;
    await deliver('push', push(last, broken));
    expect(issues().at(-1)!.title).toBe('Upkeep: .github/upkeep.yml is invalid');
    expect((await s.repositories.find(REPO))?.optedIn).toBe(false);
    const count = issues().length;

    // Another repository, opted in when the App is installed on it: confirmed once.
    fake.addRepo('acme/axles', { installationId: INSTALLATION, license: 'Apache-2.0', files: { [FILE]: 'packages: [npm:axles]\nmaintainers:\n  erin: 100\naccept_terms: 1\n' } });
    const p = example('installation', (e) => e.action === 'created');
    p.installation.id = INSTALLATION;
    p.repositories = [{ id: 2, node_id: 'r2', name: 'axles', full_name: 'acme/axles', private: false }];
    expect((await deliver('installation', p)).status).toBe(200);
    expect((await deliver('installation', p)).status).toBe(200);
    const axles = fake.issues.filter((i) => i.repo === 'acme/axles');
    expect(axles).toHaveLength(1);
    expect(axles[0]!.title).toBe('Upkeep: this repository is opted in');
    expect(axles[0]!.body).toContain('| @erin | 100% |');
    expect(issues()).toHaveLength(count);
  });
});
