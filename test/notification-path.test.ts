// One notification path: the GitHub status comment is a notice recorded with every wish change,
// in whichever process made it, and delivered by the worker. Here the changes are made by other
// processes than the one serving GitHub: a wish expired by a separate `npm run worker` process,
// and a pledge settled with `npm run upkeep -- payments:mark-paid` (a CLI process, while no
// worker runs). Real PostgreSQL and Redis, the real Probot client against the recording fake
// GitHub API; the assertions are on what that fake received.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueTarget, workerDeps } from '../app/worker.ts';
import type { Services } from '../app/services.ts';
import { STATUS_MARKER } from '../bots/github/render.ts';
import { unwrap } from '../core/errors.ts';
import { money } from '../core/money.ts';
import { fixedClock, systemClock } from '../core/ports/clock.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { parseWishId, type WishId } from '../core/wishlist.ts';
import { openQueueBackend } from '../worker/backend.ts';
import { createJobRuntime, type JobRuntime } from '../worker/runtime.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { eventually, testServices } from './worker-support.ts';

// A Redis database of its own: the worker and CLI processes use the default `upkeep` prefix.
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/12`;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO = 'acme/widgets';
const INSTALLATION = 4242;
const DAY = 24 * 3600 * 1000;
const run = promisify(execFile);

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('the GitHub status comment follows changes made by other processes', () => {
  let db: TestDatabase;
  let fake: FakeGithubApi;
  let services: Services;
  let producer: JobRuntime;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  /** `npm run worker` (`tsx app/worker-main.ts`), resolved once it says it runs. */
  async function startWorker(): Promise<{ child: ChildProcess; output: () => string }> {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/worker-main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('Upkeep worker running')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output.slice(-2000)}`)));
    });
    return { child, output: () => output };
  }

  /** `npm run upkeep -- <args>` (`tsx app/cli.ts`). */
  async function upkeep(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, LOG_LEVEL: 'silent' } });
  }

  const statusComments = (issue: number) => [...fake.comments.values()].filter((c) => c.repo === REPO && c.issue === issue && c.body.includes(STATUS_MARKER));
  const pendingFor = async (id: WishId) => db.prisma.notification.count({ where: { platform: 'github', destination: id, status: 'pending' } });

  /** A wish quoted `daysAgo` days ago with one committed pledge, whose status comment the worker has posted. */
  async function quotedWish(number: number, daysAgo: number, quote: number, pledge: number) {
    const id = unwrap(parseWishId(`${REPO}#${number}`));
    const clock = fixedClock(new Date(Date.now() - daysAgo * DAY).toISOString());
    const common = { wishes: services.wishes, outbox: services.outbox, clock, id };
    await openWish({ ...common, gateway: services.gateway, currency: 'EUR', title: `Feature ${number}`, description: 'Please', requester: 'carol' });
    await optInToQuote(services.repositories, REPO);
    await quoteWish({ ...common, repositories: services.repositories, amount: money(quote, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
    const { pledgeId } = await placePledge({ ...common, gateway: services.gateway, pledger: { source: 'github', id: 'bob', display: 'bob' }, amount: money(pledge, 'EUR') });
    return { id, pledgeId };
  }

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await redis.flushdb();
    await redis.quit();
    fake = await startFakeGithubApi();
    fake.addRepo(REPO, { installationId: INSTALLATION, license: 'MIT' });
    db = await openTestDatabase('postgres');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    env = {
      DATABASE_URL: db.url!,
      REDIS_URL,
      CURRENCY: 'EUR',
      PUBLIC_URL: 'http://upkeep.test',
      GITHUB_APP_ID: '123',
      GITHUB_PRIVATE_KEY: privateKey,
      GITHUB_WEBHOOK_SECRET: 'notification-path-secret',
      GITHUB_API_URL: fake.url,
      LOG_LEVEL: 'info',
    };
    // This process only records and enqueues (no workers): like a web process, or the CLI.
    services = testServices(db, env, systemClock);
    producer = await createJobRuntime({ deps: workerDeps(services), backend: await openQueueBackend(queueTarget(services)) });
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await producer?.stop();
    await db?.close();
    await fake?.close();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await redis.flushdb();
    await redis.quit();
  });

  it('a wish expired by a separate worker process updates its status comment', async () => {
    // Quoted 70 days ago: its deadline (60 days after the quote) has passed unfunded.
    const { id } = await quotedWish(7, 70, 150_000, 25_000);
    const worker = await startWorker();
    // The changes recorded here (opened, quoted, pledged) reach GitHub through the worker: one comment.
    const commentId = await eventually(async () => ((await pendingFor(id)) === 0 ? services.wishes.statusCommentId(id) : null), 30_000, `the first status comment (worker: ${worker.output().slice(-500)})`);
    expect(statusComments(7)).toHaveLength(1);
    expect(statusComments(7)[0]!.id).toBe(commentId);
    expect(statusComments(7)[0]!.body).toMatch(/Quoted — collecting pledges/);
    // The rows that posted or edited it keep the comment (the ones it covered were not sent).
    const refs = await db.prisma.notification.findMany({ where: { platform: 'github', destination: id, messageId: { not: null } } });
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.map((r) => [r.messageChannel, r.messageId])).toEqual(refs.map(() => [id, String(commentId)]));
    expect(fake.of('POST', new RegExp(`/app/installations/${INSTALLATION}/access_tokens$`)).length).toBeGreaterThan(0);

    fake.reset();
    await producer.enqueue('expire-wishes', {}, { jobId: 'expire-now' });
    const patch = await eventually(
      async () => fake.of('PATCH', new RegExp(`/repos/${REPO}/issues/comments/${commentId}$`)).find((c) => /Expired/.test(String(c.body?.body))),
      30_000,
      `the status comment to show the expiry (worker: ${worker.output().slice(-500)})`,
    );
    expect(String(patch.body?.body)).toContain(STATUS_MARKER);
    expect(String(patch.body?.body)).toMatch(/⌛ Expired — not funded in time; pledges are refunded/);
    expect((await services.wishes.get(id))!.status).toBe('expired');
    // Edited in place: no second status comment.
    expect(statusComments(7)).toHaveLength(1);
    expect(fake.comments.get(commentId)!.body).toMatch(/Expired/);
    await eventually(async () => (await pendingFor(id)) === 0, 10_000, 'every status row of the wish delivered');

    worker.child.kill('SIGTERM');
    await exited(worker.child);
  }, 120_000);

  it('a pledge settled with `upkeep payments:mark-paid` updates the status comment once a worker runs', async () => {
    const { id, pledgeId } = await quotedWish(8, 1, 100_000, 30_000);
    const first = await startWorker();
    const commentId = await eventually(async () => ((await pendingFor(id)) === 0 ? services.wishes.statusCommentId(id) : null), 30_000, 'the first status comment');
    expect(fake.comments.get(commentId)!.body).toMatch(/€0\.00 paid of €1,000\.00 \(€300\.00 pledged\)/);
    first.child.kill('SIGTERM');
    await exited(first.child);

    // No worker runs now: the CLI records the change and its status notice, and enqueues it.
    fake.reset();
    const payment = (await services.payments.forPledge(pledgeId, 'pledge'))!;
    const cli = await upkeep('payments:mark-paid', payment.id);
    expect(cli.stdout).toMatch(/Marked paid: pledge/);
    expect((await services.wishes.get(id))!.pledges[0]!.status).toBe('paid');
    expect(await pendingFor(id)).toBe(1);
    expect(fake.of('PATCH', /issues\/comments/)).toHaveLength(0);

    const second = await startWorker();
    const patch = await eventually(
      async () => fake.of('PATCH', new RegExp(`/repos/${REPO}/issues/comments/${commentId}$`))[0],
      30_000,
      `the status comment to show the payment (worker: ${second.output().slice(-500)})`,
    );
    expect(String(patch.body?.body)).toMatch(/€300\.00 paid of €1,000\.00/);
    expect(String(patch.body?.body)).not.toMatch(/pledged\)/);
    expect(fake.comments.get(commentId)!.body).toMatch(/€300\.00 paid of €1,000\.00/);
    expect(statusComments(8)).toHaveLength(1);
    await eventually(async () => (await pendingFor(id)) === 0, 10_000, 'the status row delivered');
    second.child.kill('SIGTERM');
    await exited(second.child);
  }, 120_000);
});
