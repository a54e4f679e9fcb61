// Linking end to end, both adapters on one server: `/link github <login>` as a signed Discord
// interaction, then the `/link <code>` comment as a signed GitHub delivery through the real
// Probot middleware (payload from @octokit/webhooks-examples), against fake Discord and
// GitHub APIs; the GitHub bot's reply and the identity_link row are checked.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { createServices, type Services } from '../app/services.ts';
import { githubDeps } from '../app/github.ts';
import { createDiscordMount } from '../bots/discord/app.ts';
import { githubContribution, signWebhook } from '../bots/github/index.ts';
import { systemClock } from '../core/ports/clock.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { APP_ID, BOT_TOKEN, discordDepsOf, ed25519, guildInteraction, signHeaders, subcommand, user } from './discord-support.ts';

const require = createRequire(import.meta.url);
type Example = Record<string, any>;
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[];

const SECRET = 'test-webhook-secret';
const keys = ed25519();
let db: TestDatabase;
let github: FakeGithubApi;
let discord: FakeDiscord;
let s: Services;
let http: HttpApp;
let base: string;

beforeAll(async () => {
  github = await startFakeGithubApi();
  discord = await new FakeDiscord(BOT_TOKEN).start();
  db = await openTestDatabase('postgres');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const config = loadConfig({
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: SECRET,
    GITHUB_API_URL: github.url,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_BOT_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discord.url,
    CURRENCY: 'EUR',
  });
  s = createServices({ config, db, clock: systemClock, log: createLogger('silent') });
  http = createHttpApp({ log: s.log, mounts: [(await githubContribution(githubDeps(s, s.config.github!), { retries: false })).mounts![0]!, createDiscordMount(discordDepsOf(s))] });
  base = await http.listen(0, '127.0.0.1');
  github.addRepo('acme/widgets', { license: 'MIT' });
});
afterAll(async () => {
  await http?.close();
  await db?.close();
  await github?.close();
  await discord?.stop();
});

async function askForCode(login: string) {
  const who = user('ada');
  const i = guildInteraction(2, subcommand('link', 'github', [{ name: 'login', value: login }]), who);
  const body = JSON.stringify(i);
  const res = await fetch(`${base}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(keys.privateKey, body) }, body });
  const json = (await res.json()) as any;
  const content: string = json.type === 4 ? json.data.content : (await discord.editOf(String(i.token))).body.content;
  return { who, code: /\/link ([0-9A-Z-]{19})/.exec(content)![1]! };
}

async function comment(login: string, text: string) {
  const p = structuredClone(EXAMPLES.find((d) => d.name === 'issue_comment')!.examples.find((e) => e.action === 'created')!);
  p.installation = { id: 4242, node_id: 'x' };
  p.repository.full_name = 'acme/widgets';
  p.repository.name = 'widgets';
  p.repository.owner.login = 'acme';
  p.issue.number = 3;
  delete p.issue.pull_request;
  p.comment.id = Math.floor(Math.random() * 1e9);
  p.comment.body = text;
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.sender.type = 'User';
  const body = JSON.stringify(p);
  const res = await fetch(`${base}/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(SECRET, body), 'user-agent': 'GitHub-Hookshot/test' },
    body,
  });
  expect(res.status).toBeLessThan(300);
}

const repliesOnIssue = () => github.of('POST', /\/repos\/acme\/widgets\/issues\/3\/comments$/).map((c) => String(c.body?.body));

/** The reply to the n-th comment (1-based), waiting for it if the bot is still answering. */
async function reply(n: number): Promise<string> {
  for (let waited = 0; repliesOnIssue().length < n; waited += 20) {
    if (waited > 10_000) throw new Error(`no reply #${n}: ${JSON.stringify(repliesOnIssue())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return repliesOnIssue()[n - 1]!;
}

describe('/link github, confirmed by a GitHub comment', () => {
  it('an impostor posting the code is refused; the login owner posting it links the accounts', async () => {
    const { who, code } = await askForCode('octocat');

    await comment('mallory', `/link ${code}`);
    expect(await reply(1)).toContain('only @octocat can confirm it');
    expect((await s.identityLinks.find(`discord:${who.id}`))!.githubLogin).toBeNull();

    await comment('Octocat', `/link ${code}`);
    expect(await reply(2)).toContain('@Octocat your GitHub account is now linked');
    expect(await s.identityLinks.find(`discord:${who.id}`)).toMatchObject({ githubLogin: 'octocat', pendingLogin: null });

    // The code is spent.
    await comment('Octocat', `/link ${code}`);
    expect(await reply(3)).toContain('unknown or was already used');
    expect(repliesOnIssue()).toHaveLength(3);
  });
});
