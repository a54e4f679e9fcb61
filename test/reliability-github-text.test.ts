// Hostile provider text from GitHub: an issue whose title and body hold NUL and lone UTF-16
// surrogates, through the real Probot middleware with correctly signed deliveries and a
// recording fake GitHub API, on real PostgreSQL. `/wish` must work and reply (it answered 500
// and posted nothing before the text was cleaned on the way in).
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
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];

const SECRET = 'test-webhook-secret';
const INSTALLATION = 4343;
const REPO = 'acme/hostile';
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
  const github = await githubContribution(githubDeps(s, config.github!), { retries: false });
  const mount = github.mounts![0]!;
  server = createServer((req, res) => void mount.listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT', files: {}, permissions: { maint: 'write' } });
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await db?.close();
  await fake?.close();
});

function commentPayload(issue: number, title: string, issueBody: string, body: string): Example {
  const p = structuredClone(EXAMPLES.find((d) => d.name === 'issue_comment')!.examples.find((e) => e.action === 'created')!);
  const [owner, name] = REPO.split('/') as [string, string];
  p.installation = { id: INSTALLATION, node_id: 'x' };
  Object.assign(p.repository, { full_name: REPO, name, default_branch: 'main' });
  p.repository.owner.login = owner;
  Object.assign(p.issue, { number: issue, title, body: issueBody });
  delete p.issue.pull_request;
  p.comment.id = 90_000 + issue;
  p.comment.body = body;
  p.comment.user.login = 'zoe';
  p.comment.user.type = 'User';
  p.sender.login = 'zoe';
  p.sender.type = 'User';
  return p;
}

async function deliver(payload: unknown, id = randomUUID()) {
  const body = JSON.stringify(payload); // a lone surrogate becomes the escape \udXXX, as GitHub sends it
  const res = await fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': id, 'x-hub-signature-256': signWebhook(SECRET, body), 'user-agent': 'GitHub-Hookshot/test' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const replies = (issue: number) => fake.of('POST', new RegExp(`/issues/${issue}/comments$`)).map((c) => String(c.body?.body));

describe('GitHub issue text with NUL and lone surrogates', () => {
  const cases = [
    { issue: 1, what: 'NUL', title: 'Dark\u0000 mode', body: 'Please\u0000 add it.', stored: 'Dark mode' },
    { issue: 2, what: 'a lone high surrogate', title: 'Dark \uD800mode', body: 'Tail \uDBFF', stored: 'Dark \uFFFDmode' },
    { issue: 3, what: 'a lone low surrogate and NUL', title: '\uDC00Dark\u0000 mode \uD83D\uDE00', body: '\u0000', stored: '\uFFFDDark mode \uD83D\uDE00' },
  ];
  for (const c of cases) {
    it(`/wish on an issue whose title holds ${c.what} opens the wish, stores clean text and replies`, async () => {
      const r = await deliver(commentPayload(c.issue, c.title, c.body, '/wish 5'));
      expect(r.status).toBe(200);
      const wish = await s.wishes.get(`${REPO}#${c.issue}` as WishId);
      expect(wish).not.toBeNull();
      expect(wish!.title).toBe(c.stored);
      expect(wish!.description).not.toMatch(/\u0000/);
      expect(wish!.pledges.map((p) => p.amount)).toEqual([500]);
      // The commitment reply was posted on the issue.
      expect(replies(c.issue)).toHaveLength(1);
      expect(replies(c.issue)[0]).toMatch(/@zoe/);
      // A redelivery is acknowledged without a second wish or reply.
      const again = await deliver(commentPayload(c.issue, c.title, c.body, '/wish 5'));
      expect(again.status).toBe(200);
      expect(replies(c.issue)).toHaveLength(1);
    });
  }

  it('a comment body with NUL runs its command once, with the text cleaned', async () => {
    const r = await deliver(commentPayload(4, 'Export', 'CSV please', '/wish\u0000 7'));
    expect(r.status).toBe(200);
    const wish = await s.wishes.get(`${REPO}#4` as WishId);
    expect(wish?.title).toBe('Export');
    expect(wish!.pledges.map((p) => p.amount)).toEqual([700]);
    expect(await checkLedgerInvariants(db.prisma)).toEqual([]);
  });
});
