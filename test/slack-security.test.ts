// Who may do what through Slack: signatures, workspaces, roles, retries, OAuth installs.
// Real Bolt app, signed requests, recording fake Slack API, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/ports/clock.ts';
import { ALLOCATION_CALLBACK, IMPORT_CALLBACK } from '../bots/slack/modals.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import {
  newTriggerId,
  slackSignature,
  startFakeSlackApi,
  startSlackTestApp,
  textOf,
  type FakeSlackApi,
  type SlackTestApp,
} from './fakes/slack-api.ts';

const NOW = new Date('2026-11-20T12:00:00Z');

let db: TestDatabase;
let fake: FakeSlackApi;
let t: SlackTestApp;

const points = (typed: Record<string, string>) => Object.fromEntries(Object.entries(typed).map(([pkg, v]) => [`p:${pkg}`, { points: { type: 'number_input', value: v } }]));

/** Everything a company's admins can change, as stored: compared before and after refused requests. */
async function snapshot() {
  const [companies, members, dependencies, owned, allocations, tokens, subscriptions] = await Promise.all([
    db.prisma.company.findMany({ orderBy: { workspace: 'asc' } }),
    db.prisma.member.findMany({ orderBy: [{ companyId: 'asc' }, { userRef: 'asc' }] }),
    db.prisma.dependency.findMany({ orderBy: [{ companyId: 'asc' }, { packageId: 'asc' }], select: { companyId: true, packageId: true } }),
    db.prisma.ownedPackage.findMany({ orderBy: [{ companyId: 'asc' }, { packageId: 'asc' }], select: { companyId: true, packageId: true } }),
    db.prisma.allocation.findMany({ orderBy: { id: 'asc' }, include: { lines: { orderBy: { packageId: 'asc' } } } }),
    db.prisma.apiToken.findMany({ orderBy: { id: 'asc' } }),
    db.prisma.subscription.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return JSON.stringify({ companies, members, dependencies, owned, allocations, tokens, subscriptions }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  fake = await startFakeSlackApi();
  t = await startSlackTestApp({ db, fake, clock: fixedClock(NOW) });
  const admin = (text: string) => t.driver.command('T1', 'UADMIN', text);
  // A name no usage example contains, so a leak of it cannot hide behind a hint.
  await admin('setup Initech');
  await admin('budget 1000');
  await admin('deps add npm:react npm:vite npm:lodash npm:left-pad');
  await admin('own npm:acme-ui');
  await admin('allocate npm:react=34 npm:vite=33 npm:lodash=33');
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await db?.close();
});

describe('request signatures', () => {
  const body = () =>
    new URLSearchParams({ team_id: 'T1', user_id: 'UADMIN', command: '/upkeep', text: 'budget 5', trigger_id: newTriggerId(), response_url: fake.responseUrl('x'), channel_id: 'C1' }).toString();

  it.each([
    ['signed with another secret', (b: string) => slackSignature(b, 'not-the-signing-secret')],
    ['stale (signed 6 minutes ago)', (b: string) => slackSignature(b, undefined, Math.floor(Date.now() / 1000) - 6 * 60)],
    ['signed for another body', (_b: string) => slackSignature('team_id=T1&text=status')],
    ['unsigned', (_b: string) => ({})],
    ['a garbage signature', (_b: string) => ({ 'x-slack-signature': 'v0=zz', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) })],
  ])('%s: refused with 401, nothing changes', async (_name, headers) => {
    const before = await snapshot();
    const b = body();
    const r = await t.driver.post(b, 'application/x-www-form-urlencoded', headers(b), false);
    expect(r.status).toBe(401);
    expect(r.text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(await snapshot()).toBe(before);
  });

  it('a correctly signed request is accepted (control)', async () => {
    const r = await t.driver.command('T1', 'UADMIN', 'status');
    expect(r.status).toBe(200);
    expect(textOf(r)).toContain('Initech');
  });
});

describe('a second workspace', () => {
  it('cannot read the first one’s data', async () => {
    for (const text of ['status', 'deps list', 'history', 'receipt 2026-10', 'export']) {
      const r = textOf(await t.driver.command('T2', 'UADMIN', text));
      expect(r).toContain('This workspace has no company yet');
      expect(r).not.toContain('Initech');
      expect(r).not.toContain('npm:react');
    }
  });

  it('cannot change it, even by submitting a form built for it, or from the same user id', async () => {
    const before = await snapshot();
    for (const text of ['budget 5', 'deps add npm:evil', 'deps remove npm:left-pad', 'own npm:react', 'allocate npm:react=34 npm:vite=33 npm:lodash=33', 'visibility identifiable', 'token', 'admin grant <@UEVE>']) {
      expect(textOf(await t.driver.command('T2', 'UADMIN', text))).toContain('This workspace has no company yet');
    }
    const sub = await t.driver.submitView('T2', 'UADMIN', { callback_id: ALLOCATION_CALLBACK, id: 'VALLOC' }, points({ 'npm:react': '34', 'npm:vite': '33', 'npm:left-pad': '33' }));
    expect(JSON.stringify(sub.json)).toContain('This workspace has no company yet');
    const imp = await t.driver.submitView('T2', 'UADMIN', { callback_id: IMPORT_CALLBACK, id: 'VIMP' }, { manifest: { text: { value: '{"dependencies":{"evil":"1"}}' } } });
    expect(JSON.stringify(imp.json)).toContain('This workspace has no company yet');
    expect(await snapshot()).toBe(before);
  });

  it('its own company is separate: same commands, its own data only', async () => {
    await t.driver.command('T2', 'UEVE', 'setup Evil Corp');
    await t.driver.command('T2', 'UEVE', 'deps add npm:evil');
    const status = textOf(await t.driver.command('T2', 'UEVE', 'status'));
    expect(status).toContain('Evil Corp');
    expect(status).not.toContain('Initech');
    expect(status).not.toContain('npm:left-pad');
    expect(textOf(await t.driver.command('T2', 'UEVE', 'deps list'))).not.toContain('npm:left-pad');
    // Its admin is no admin of the first workspace.
    expect(textOf(await t.driver.command('T1', 'UEVE', 'budget 1'))).toContain('Only company admins');
    // An enterprise workspace with the same team id is another workspace too.
    expect(textOf(await t.driver.command('T1', 'UADMIN', 'status', { enterprise: 'E1' }))).toContain('This workspace has no company yet');
    const acme = await db.prisma.company.findUniqueOrThrow({ where: { workspace: 'slack:T1' } });
    expect(acme.budget).toBe(100000n);
  });
});

describe('a member who is not an admin', () => {
  it('cannot change anything: every changing command is refused with how to get the right, and nothing changes', async () => {
    const before = await snapshot();
    const refusals = [
      'budget 5',
      'deps add npm:express',
      'deps remove npm:left-pad',
      'deps import',
      'own npm:acme-extra',
      'own remove npm:acme-ui',
      'allocate npm:react=34 npm:vite=33 npm:left-pad=33',
      'allocate',
      'visibility identifiable',
      'token',
      'admin grant <@UMEMBER>',
      'subscribe vitejs/vite',
    ];
    fake.reset();
    for (const text of refusals) {
      const r = await t.driver.command('T1', 'UMEMBER', text);
      expect(r.json?.response_type, text).toBe('ephemeral');
      expect(textOf(r), text).toContain('Only company admins can change budget, dependencies, ownership and allocation');
      // How to get the right, as the core's hint in Slack syntax.
      expect(textOf(r), text).toContain('Run `/upkeep admin grant &lt;@user&gt;`, e.g. `/upkeep admin grant @dana`.');
    }
    expect(textOf(await t.driver.command('T1', 'UMEMBER', 'setup Takeover'))).toContain('already has a company');
    const sub = await t.driver.submitView('T1', 'UMEMBER', { callback_id: IMPORT_CALLBACK, id: 'VIMP' }, { manifest: { text: { value: '{"dependencies":{"express":"1"}}' } } });
    expect(JSON.stringify(sub.json)).toContain('Only company admins');
    expect(JSON.stringify(sub.json)).toContain('Run /upkeep admin grant <@user>, e.g. /upkeep admin grant @dana.');
    expect(fake.of('views.open')).toHaveLength(0);
    expect(await snapshot()).toBe(before);
  });

  it('can still look', async () => {
    expect(textOf(await t.driver.command('T1', 'UMEMBER', 'status'))).toContain('you are a member');
    expect(textOf(await t.driver.command('T1', 'UMEMBER', 'deps list'))).toContain('npm:react');
  });
});

describe('Slack retries apply once', () => {
  it('a retried slash command (same trigger id, X-Slack-Retry-Num) is acknowledged and not applied again', async () => {
    const company = await db.prisma.company.findUniqueOrThrow({ where: { workspace: 'slack:T1' } });
    const tokens = await db.prisma.apiToken.count({ where: { companyId: company.id } });
    const allocations = await db.prisma.allocation.count({ where: { companyId: company.id } });
    const trigger = newTriggerId();
    const first = await t.driver.command('T1', 'UADMIN', 'token', { triggerId: trigger });
    expect(textOf(first)).toContain('upk_');
    const retry = await t.driver.command('T1', 'UADMIN', 'token', { triggerId: trigger, retryNum: 1 });
    expect(retry.status).toBe(200);
    expect(retry.text).not.toContain('upk_');
    expect(await db.prisma.apiToken.count({ where: { companyId: company.id } })).toBe(tokens + 1);

    const trigger2 = newTriggerId();
    await t.driver.command('T1', 'UADMIN', 'allocate npm:react=34 npm:vite=33 npm:left-pad=33', { triggerId: trigger2 });
    await t.driver.command('T1', 'UADMIN', 'allocate npm:react=34 npm:vite=33 npm:left-pad=33', { triggerId: trigger2, retryNum: 1 });
    await t.driver.command('T1', 'UADMIN', 'allocate npm:react=34 npm:vite=33 npm:left-pad=33', { triggerId: trigger2, retryNum: 2 });
    expect(await db.prisma.allocation.count({ where: { companyId: company.id } })).toBe(allocations + 1);
  });

  it('a refused request is answered again when retried (nothing was applied)', async () => {
    const trigger = newTriggerId();
    expect(textOf(await t.driver.command('T1', 'UADMIN', 'budget 10 USD', { triggerId: trigger }))).toContain('EUR');
    expect(textOf(await t.driver.command('T1', 'UADMIN', 'budget 10 USD', { triggerId: trigger, retryNum: 1 }))).toContain('EUR');
  });

  it('a retried view submission saves the allocation once', async () => {
    const company = await db.prisma.company.findUniqueOrThrow({ where: { workspace: 'slack:T1' } });
    const before = await db.prisma.allocation.count({ where: { companyId: company.id } });
    const values = points({ 'npm:react': '34', 'npm:vite': '34', 'npm:lodash': '32' });
    const first = await t.driver.submitView('T1', 'UADMIN', { callback_id: ALLOCATION_CALLBACK, id: 'VRETRY', hash: 'h9' }, values);
    expect(first.json?.response_action).toBe('update');
    await t.driver.submitView('T1', 'UADMIN', { callback_id: ALLOCATION_CALLBACK, id: 'VRETRY', hash: 'h9' }, values, { 'x-slack-retry-num': '1' });
    expect(await db.prisma.allocation.count({ where: { companyId: company.id } })).toBe(before + 1);
  });

  it('a retried event is handled once', async () => {
    fake.reset();
    const event = { type: 'app_home_opened', user: 'UADMIN', channel: 'D1', tab: 'home', event_ts: '1' };
    await t.driver.event('T1', event, { eventId: 'EvRETRY1' });
    await fake.waitFor((c) => c.method === 'views.publish');
    const retry = await t.driver.event('T1', event, { eventId: 'EvRETRY1', retryNum: 1 });
    expect(retry.status).toBe(200);
    // A later, distinct event is handled: once it is published, the retry would have been too.
    await t.driver.event('T1', { ...event, user: 'UOTHER' }, { eventId: 'EvRETRY2' });
    await fake.waitFor((c) => c.method === 'views.publish' && c.params.user_id === 'UOTHER');
    expect(fake.of('views.publish').filter((c) => c.params.user_id === 'UADMIN')).toHaveLength(1);
  });
});

describe('multi-workspace OAuth install', () => {
  let oauthApp: SlackTestApp;
  beforeAll(async () => {
    oauthApp = await startSlackTestApp({ db, fake, clock: fixedClock(NOW), oauth: true });
  });
  afterAll(async () => {
    await oauthApp?.close();
  });

  it('/slack/install → Slack → /slack/oauth_redirect stores the installation; its bot token then serves that workspace', async () => {
    fake.on('oauth.v2.access', () => ({
      ok: true,
      app_id: 'A0UPKEEP',
      authed_user: { id: 'UINSTALLER' },
      scope: 'commands,chat:write',
      token_type: 'bot',
      access_token: 'xoxb-installed-T3',
      bot_user_id: 'UB3',
      team: { id: 'T3', name: 'Three' },
      enterprise: null,
      is_enterprise_install: false,
    }));
    const install = await fetch(`${oauthApp.url}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(location.searchParams.get('scope')).toContain('commands');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    const callback = await fetch(`${oauthApp.url}/slack/oauth_redirect?code=C0DE&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
    expect(callback.status).toBe(200);
    const exchange = fake.of('oauth.v2.access').at(-1)!;
    expect(exchange.params.code).toBe('C0DE');
    const row = await db.prisma.slackInstallation.findUniqueOrThrow({ where: { id: 'T3' } });
    expect(row.teamId).toBe('T3');

    fake.reset();
    expect(textOf(await oauthApp.driver.command('T3', 'UINSTALLER', 'setup Three Inc'))).toContain('Three Inc');
    await oauthApp.driver.command('T3', 'UINSTALLER', 'deps add npm:react npm:vite npm:lodash');
    await oauthApp.driver.command('T3', 'UINSTALLER', 'allocate');
    expect(fake.of('views.open').map((c) => c.token)).toEqual(['xoxb-installed-T3']);
  });

  it('a callback with a forged state stores nothing', async () => {
    const before = await db.prisma.slackInstallation.count();
    const r = await fetch(`${oauthApp.url}/slack/oauth_redirect?code=C0DE&state=forged`, { redirect: 'manual' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(await db.prisma.slackInstallation.count()).toBe(before);
  });

  it('a workspace that never installed the app gets no answer from it', async () => {
    const r = await oauthApp.driver.command('T4', 'UX', 'setup Nobody');
    expect(r.text).not.toContain('Nobody');
    expect(await db.prisma.company.count({ where: { workspace: 'slack:T4' } })).toBe(0);
  });
});
