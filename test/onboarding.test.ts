// First run on each platform (issue 13), through the real SDKs against the fakes: a new Slack
// workspace's App Home (pitch, Set up button → modal → company, checklist ticked from its
// state) and `help`; Discord `/help`; the GitHub App installed on a repository without
// `.github/upkeep.yml` (one issue proposing a prefilled file, once per repository). What the
// user sees is also written to test-artifacts/first-run-* for the closing note.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { githubDeps } from '../app/github.ts';
import { createServices, type Services } from '../app/services.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import { readUpkeepFile } from '../bots/github/upkeep-config.ts';
import { homeView, OPEN_SETUP_ACTION, SETUP_CALLBACK, SETUP_NAME_ACTION, SETUP_NAME_BLOCK } from '../bots/slack/home.ts';
import { fixedClock, type Clock } from '../core/ports/clock.ts';
import { proposeOptIn, publishedPackage } from '../core/opt-in/proposal.ts';
import { validateOptInFile } from '../core/opt-in/rules.ts';
import { onboardingSteps } from '../core/onboarding.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { createLogger } from '../edge/logger.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { dmInteraction, slash, startHarness, user } from './discord-support.ts';
import { startFakeSlackApi, startSlackTestApp, textOf, type FakeSlackApi, type SlackTestApp } from './fakes/slack-api.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
function artifact(name: string, content: unknown): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(new URL(name, ARTIFACTS), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

const viewOf = (call: { params: Record<string, unknown> }) => (typeof call.params.view === 'string' ? JSON.parse(call.params.view) : call.params.view) as { blocks: unknown[] };

describe('the onboarding checklist (core)', () => {
  it('ticks each step from the company’s state, in order; the card step only with Stripe', () => {
    expect(onboardingSteps(null, { payments: 'stripe' }).map((s) => [s.id, s.done])).toEqual([
      ['setup', false],
      ['budget', false],
      ['card', false],
      ['dependencies', false],
      ['allocation', false],
    ]);
    const midway = onboardingSteps({ budgetSet: true, cardSaved: false, dependencies: 3, allocated: false }, { payments: 'stripe' });
    expect(midway.map((s) => [s.id, s.done])).toEqual([
      ['setup', true],
      ['budget', true],
      ['card', false],
      ['dependencies', true],
      ['allocation', false],
    ]);
    expect(onboardingSteps({ budgetSet: true, cardSaved: false, dependencies: 3, allocated: true }, { payments: 'offline' }).map((s) => s.id)).toEqual(['setup', 'budget', 'dependencies', 'allocation']);
  });
});

describe('Slack: a new workspace', () => {
  let db: TestDatabase;
  let fake: FakeSlackApi;
  let t: SlackTestApp;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    fake = await startFakeSlackApi();
    t = await startSlackTestApp({ db, fake, clock: fixedClock(new Date('2026-11-20T12:00:00Z')) });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await db?.close();
  });

  const openHome = async (user: string) => {
    fake.reset();
    await t.driver.event('T1', { type: 'app_home_opened', user, channel: 'D1', tab: 'home', event_ts: '1' });
    return viewOf(await fake.waitFor((c) => c.method === 'views.publish'));
  };

  it('App Home: a pitch, a Set up button and the checklist; the button opens a form; the company is set up from it and the Home follows', async () => {
    const first = await openHome('UFOUNDER');
    artifact('first-run-slack-home.json', { type: 'home', blocks: first.blocks });
    const text = JSON.stringify(first.blocks);
    expect(text).toContain('Welcome to Upkeep');
    expect(text).toContain('steady money for the people who maintain them');
    expect(text).toContain(`"action_id":"${OPEN_SETUP_ACTION}"`);
    // Offline here: no card step.
    expect(text).toContain('*Getting started* (0 of 4 done)');
    for (const step of ['1. Set up your company', '2. Set a monthly budget', '3. Declare your dependencies', '4. Share 100 points between them']) expect(text).toContain(step);
    expect(text).not.toContain('Save the card');
    expect(text).toContain('`/upkeep budget 2,000`');

    fake.reset();
    await t.driver.clickButton('T1', 'UFOUNDER', OPEN_SETUP_ACTION);
    const form = await fake.waitFor((c) => c.method === 'views.open');
    expect(JSON.stringify(viewOf(form))).toContain(SETUP_NAME_BLOCK);

    const empty = await t.driver.submitView('T1', 'UFOUNDER', { callback_id: SETUP_CALLBACK, id: 'VSETUP0' }, { [SETUP_NAME_BLOCK]: { [SETUP_NAME_ACTION]: { type: 'plain_text_input', value: '   ' } } });
    expect(empty.json).toMatchObject({ response_action: 'errors', errors: { [SETUP_NAME_BLOCK]: expect.stringContaining('Give the company a name') } });
    expect(await db.prisma.company.count()).toBe(0);

    fake.reset();
    const values = { [SETUP_NAME_BLOCK]: { [SETUP_NAME_ACTION]: { type: 'plain_text_input', value: 'Initech' } } };
    const done = await t.driver.submitView('T1', 'UFOUNDER', { callback_id: SETUP_CALLBACK, id: 'VSETUP1' }, values);
    expect(done.json?.response_action).toBe('update');
    expect(JSON.stringify(done.json)).toContain('*Initech* is set up, and you are its admin');
    // A retried submission (same view and values) creates nothing more and says nothing more.
    const retry = await t.driver.submitView('T1', 'UFOUNDER', { callback_id: SETUP_CALLBACK, id: 'VSETUP1' }, values);
    expect(retry.status).toBe(200);
    const companies = await db.prisma.company.findMany();
    expect(companies.map((c) => [c.name, c.workspace])).toEqual([['Initech', 'slack:T1']]);
    expect((await db.prisma.member.findMany({ where: { companyId: companies[0]!.id } })).map((m) => [m.userRef, m.role])).toEqual([['slack:UFOUNDER', 'admin']]);
    const refreshed = JSON.stringify(viewOf(await fake.waitFor((c) => c.method === 'views.publish')).blocks);
    expect(refreshed).toContain('Upkeep — Initech');
    expect(refreshed).toContain('*Getting started* (1 of 4 done)');
    expect(refreshed).toContain(':white_check_mark: *1. Set up your company*');

    // Each step is ticked from the company's state.
    await t.driver.command('T1', 'UFOUNDER', 'budget 2000');
    await t.driver.command('T1', 'UFOUNDER', 'deps add npm:react npm:vite pypi:requests');
    const midway = JSON.stringify((await openHome('UFOUNDER')).blocks);
    expect(midway).toContain('*Getting started* (3 of 4 done)');
    expect(midway).toContain(':white_large_square: *4. Share 100 points between them* — `/upkeep allocate` (a form), or the *Edit allocation* button');
    await t.driver.command('T1', 'UFOUNDER', 'allocate npm:react=34 npm:vite=33 pypi:requests=33');
    const complete = JSON.stringify((await openHome('UFOUNDER')).blocks);
    expect(complete).not.toContain('Getting started');
    expect(complete).toContain('Upkeep — Initech');
  });

  it('help is grouped by task and short; help <command> is detailed', async () => {
    const help = await t.driver.command('T1', 'UFOUNDER', 'help');
    artifact('first-run-slack-help.json', help.json);
    expect(String(help.json?.text).length).toBeLessThanOrEqual(1200);
    expect(JSON.stringify(help.json?.blocks)).toContain('*Getting started*: `/upkeep setup &lt;company name&gt;` · `/upkeep budget &lt;amount&gt;`');
    expect(help.json?.text).toContain('Getting started: `/upkeep setup <company name>`');
    expect(textOf(await t.driver.command('T1', 'UFOUNDER', 'help unsubscribe'))).toContain('Example: `/upkeep unsubscribe vitejs/vite`');
  });

  it('with Stripe, the checklist has the card step with /upkeep billing', () => {
    const view = homeView({ status: null, history: [], payments: 'stripe' });
    artifact('first-run-slack-home-stripe.json', view);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('(0 of 5 done)');
    expect(text).toContain('*3. Save the card the budget is charged to* — `/upkeep billing`');
  });
});

describe('Discord: /help', () => {
  it('is written to the first-run artifacts as the user sees it', async () => {
    const db = await openTestDatabase('postgres');
    const h = await startHarness(db);
    try {
      const i = dmInteraction(2, slash('help', []), user('ada'));
      const { message } = await h.finalMessage(i, await h.post(i));
      artifact('first-run-discord-help.json', message);
      expect(message.embeds[0].fields[0].value).toContain('`/wishlist repo:<owner/repo>`');
    } finally {
      await h.close();
      await db.close();
    }
  });
});

describe('GitHub: installed on a repository without .github/upkeep.yml', () => {
  const require = createRequire(import.meta.url);
  type Example = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];
  const example = (name: string, pick: (e: Example) => boolean): Example => structuredClone(EXAMPLES.find((d) => d.name === name)!.examples.find(pick)!);
  const SECRET = 'onboarding-webhook-secret';
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
    s = createServices({ config, db, clock, log: createLogger('silent') });
    const mount = (await githubContribution(githubDeps(s, config.github!), { retries: false })).mounts![0]!;
    server = createServer((req, res) => void mount.listener(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await db?.close();
    await fake?.close();
  });

  async function deliver(event: string, payload: unknown, id: string = randomUUID()): Promise<number> {
    const body = JSON.stringify(payload);
    const res = await fetch(`${base}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': signWebhook(SECRET, body), 'user-agent': 'GitHub-Hookshot/test' },
      body,
    });
    await res.text();
    return res.status;
  }

  function installation(repos: string[], installer: string): Example {
    const p = example('installation', (e) => e.action === 'created');
    p.installation.id = 91;
    p.sender = { ...p.sender, login: installer };
    p.repositories = repos.map((full, k) => ({ id: k + 1, node_id: `r${k}`, name: full.split('/')[1], full_name: full, private: false }));
    return p;
  }

  it('opens one issue proposing a prefilled file (packages from package.json, installer and collaborators with equal shares), once per repository', async () => {
    fake.addRepo('acme/gears', {
      installationId: 91,
      files: { 'package.json': JSON.stringify({ name: '@acme/gears', version: '1.0.0' }), 'Cargo.toml': '[package]\nname = "acme-gears"\nversion = "0.1.0"\n' },
      permissions: { carol: 'admin', dave: 'write', reader: 'read' },
    });
    fake.addRepo('acme/site', { installationId: 91, files: { 'package.json': '{"name":"site","private":true}' } });
    const p = installation(['acme/gears', 'acme/site'], 'Octo-Installer');
    expect(await deliver('installation', p)).toBe(200);
    // Redelivered, or delivered again under another id (reinstall): no second issue.
    expect(await deliver('installation', p)).toBe(200);
    const added = example('installation_repositories', (e) => e.action === 'added');
    added.installation.id = 91;
    added.sender = { ...added.sender, login: 'octo-installer' };
    added.repositories_added = [{ id: 1, node_id: 'r0', name: 'gears', full_name: 'acme/gears', private: false }];
    added.repositories_removed = [];
    expect(await deliver('installation_repositories', added)).toBe(200);

    const gears = fake.issues.filter((i) => i.repo === 'acme/gears');
    expect(gears).toHaveLength(1);
    const issue = gears[0]!;
    artifact('first-run-github-install.md', `# ${issue.title}\n\n${issue.body}\n`);
    expect(issue.title).toBe('Upkeep: opt in to receive funding');
    const yaml = /```yaml\n([\s\S]*?)\n```/.exec(issue.body)![1]!;
    expect(yaml.split('\n')).toEqual([
      'packages: [npm:@acme/gears, cargo:acme-gears]',
      'maintainers:',
      expect.stringMatching(/^ {2}octo-installer: 3[34]$/),
      expect.stringMatching(/^ {2}carol: 3[34]$/),
      expect.stringMatching(/^ {2}dave: 3[34]$/),
      'accept_terms: 1',
    ]);
    // The proposal is a valid opt-in file: committing it as is opts the repository in.
    const read = readUpkeepFile(yaml);
    expect(read.ok).toBe(true);
    const valid = read.ok ? validateOptInFile(read.file) : null;
    expect(valid?.ok).toBe(true);
    if (valid?.ok) {
      expect(valid.value.packages).toEqual(['npm:@acme/gears', 'cargo:acme-gears']);
      expect(valid.value.maintainers.map((m) => m.login)).toEqual(['octo-installer', 'carol', 'dave']);
      expect(valid.value.maintainers.reduce((sum, m) => sum + m.share, 0)).toBe(100);
      expect(valid.value.maintainers.map((m) => m.share).sort()).toEqual([33, 33, 34]);
    }
    expect(issue.body).toContain('https://github.com/acme/gears/new/main?filename=.github%2Fupkeep.yml&value=');
    expect(issue.body).toContain('http://upkeep.test/account');
    expect(issue.body).not.toContain('reader');

    // A private package.json and no collaborators listed: placeholders, with what to replace.
    const site = fake.issues.filter((i) => i.repo === 'acme/site');
    expect(site).toHaveLength(1);
    expect(site[0]!.body).toContain('packages: [npm:your-package]');
    expect(site[0]!.body).toContain('  octo-installer: 100');
    expect(site[0]!.body).toContain('replace `npm:your-package`');
    expect(await s.repositories.find('acme/gears')).toBeNull();
  });

  it('a repository that already has the file gets the confirmation, not the proposal', async () => {
    fake.addRepo('acme/axles', { installationId: 91, license: 'MIT', files: { '.github/upkeep.yml': 'packages: [npm:axles]\nmaintainers:\n  erin: 100\naccept_terms: 1\n' } });
    expect(await deliver('installation', installation(['acme/axles'], 'erin'))).toBe(200);
    expect(fake.issues.filter((i) => i.repo === 'acme/axles').map((i) => i.title)).toEqual(['Upkeep: this repository is opted in']);
  });

  it('guesses packages from pyproject.toml and Cargo.toml, and never proposes a bot', () => {
    expect(publishedPackage('pyproject.toml', '[build-system]\nrequires = []\n[project]\nname = "Acme_Tools"\n')).toBe('pypi:acme-tools');
    expect(publishedPackage('pyproject.toml', '[tool.poetry]\nname = \'acme\'\n')).toBe('pypi:acme');
    expect(publishedPackage('Cargo.toml', '[workspace]\nmembers = []\n')).toBeNull();
    expect(publishedPackage('package.json', '{not json')).toBeNull();
    const p = proposeOptIn({ manifests: {}, logins: ['@Alice', 'dependabot[bot]', 'alice', 'bob'], repository: 'a/b' });
    expect(p.maintainers).toEqual([
      { login: 'alice', share: expect.any(Number) },
      { login: 'bob', share: expect.any(Number) },
    ]);
    expect(p.maintainers.map((m) => m.share)).toEqual([50, 50]);
  });
});
