// The allocation modal, the dependency-import modal and the App Home tab through the real Bolt
// app: views.open / views.update / views.publish recorded by the fake Slack API, signed
// view_submission and block_actions payloads, per-field errors, database effects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { ALLOCATION_CALLBACK, IMPORT_CALLBACK, OPEN_ALLOCATION_ACTION, OPEN_IMPORT_ACTION } from '../bots/slack/modals.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeSlackApi, startSlackTestApp, textOf, type FakeSlackApi, type RecordedCall, type SlackTestApp } from './fakes/slack-api.ts';
import { seedRepository } from './seed.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

let db: TestDatabase;
let fake: FakeSlackApi;
let t: SlackTestApp;

type Block = { type: string; block_id?: string; label?: { text: string }; hint?: { text: string }; element?: Record<string, unknown> };
type View = { callback_id?: string; blocks: Block[]; title: { text: string } };

const viewOf = (c: RecordedCall) => c.params.view as View;
const inputs = (v: View) => v.blocks.filter((b) => b.type === 'input');
/** Submitted values for the allocation modal: `{ 'p:npm:react': { points: { value: '34' } } }`. */
const points = (typed: Record<string, string | null>) =>
  Object.fromEntries(Object.entries(typed).map(([pkg, v]) => [`p:${pkg}`, { points: { type: 'number_input', value: v } }]));

async function allocationRows(workspace: string) {
  const company = await db.prisma.company.findUniqueOrThrow({ where: { workspace } });
  return db.prisma.allocation.findMany({ where: { companyId: company.id }, include: { lines: true }, orderBy: { id: 'asc' } });
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  fake = await startFakeSlackApi();
  t = await startSlackTestApp({ db, fake, clock: fixedClock(NOW) });
  await seedRepository(db.prisma, 'facebook/react', ['npm:react'], { alice: 60, bob: 40 }, new Date(NOW.getTime() - DAY));
  await seedRepository(db.prisma, 'vitejs/vite', ['npm:vite'], { evan: 100 }, new Date(NOW.getTime() - DAY));
  await seedRepository(db.prisma, 'lodash/lodash', ['npm:lodash'], { jd: 100 }, new Date(NOW.getTime() - 200 * DAY));
  await t.driver.command('T1', 'UADMIN', 'setup Acme');
  await t.driver.command('T1', 'UADMIN', 'budget 1000');
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await db?.close();
});

describe('dependency import modal', () => {
  it('`deps import` opens the modal; a pasted package.json declares its packages and lists what was ignored and why', async () => {
    fake.reset();
    const r = await t.driver.command('T1', 'UADMIN', 'deps import');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const opened = fake.of('views.open');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.token).toBe('xoxb-single-workspace');
    expect(viewOf(opened[0]!).callback_id).toBe(IMPORT_CALLBACK);

    const manifest = JSON.stringify({
      dependencies: { react: '^18.3.1', vite: '^5.0.0', lodash: '4.17.21', 'acme-ui': '1.0.0' },
      devDependencies: { 'local-thing': 'file:../local-thing', '@types/node': '^20' },
    });
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: IMPORT_CALLBACK, id: 'VIMPORT' }, {
      manifest: { text: { type: 'plain_text_input', value: manifest } },
      format: { format: { type: 'static_select', selected_option: { value: 'package.json' } } },
    });
    expect(sub.json?.response_action).toBe('update');
    const text = textOf(sub.json!.view as Record<string, unknown>);
    expect(text).toContain('*5* added');
    expect(text).toContain('npm:@types/node');
    expect(text).toContain('`local-thing@file:../local-thing` — a local package');
    const company = await db.prisma.company.findUniqueOrThrow({ where: { workspace: 'slack:T1' } });
    expect((await db.prisma.dependency.findMany({ where: { companyId: company.id } })).map((d) => d.packageId).sort()).toEqual([
      'npm:@types/node',
      'npm:acme-ui',
      'npm:lodash',
      'npm:react',
      'npm:vite',
    ]);
  });

  it('an uploaded lockfile (larger than a Slack text field) is read through files.info with the bot token', async () => {
    const packages: Record<string, unknown> = { '': { name: 'acme', dependencies: {} } };
    for (let i = 0; i < 120; i++) packages[`node_modules/pkg-number-${i}`] = { version: '1.0.0', resolved: `https://registry.npmjs.org/pkg-number-${i}/-/pkg-number-${i}-1.0.0.tgz` };
    const lock = JSON.stringify({ name: 'acme', lockfileVersion: 3, packages });
    expect(lock.length).toBeGreaterThan(3000);
    fake.reset();
    const fileUrl = fake.serveFile('/files-pri/T1-F1/package-lock.json', lock);
    fake.on('files.info', (c) => (c.params.file === 'F1' ? { ok: true, file: { id: 'F1', name: 'package-lock.json', size: lock.length, url_private_download: fileUrl } } : { ok: false, error: 'file_not_found' }));
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: IMPORT_CALLBACK, id: 'VUPLOAD' }, {
      manifest_file: { file: { type: 'file_input', files: [{ id: 'F1', name: 'package-lock.json' }] } },
    });
    expect(sub.json?.response_action).toBe('update');
    expect(textOf(sub.json!.view as Record<string, unknown>)).toContain('Read a *package-lock.json*: *120* added');
    expect(fake.of('files.info')[0]!.params.file).toBe('F1');
    expect(fake.of('/files-pri/T1-F1/package-lock.json')[0]!.token).toBe('xoxb-single-workspace');
    const company = await db.prisma.company.findUniqueOrThrow({ where: { workspace: 'slack:T1' } });
    expect(await db.prisma.dependency.count({ where: { companyId: company.id, packageId: { startsWith: 'npm:pkg-number-' } } })).toBe(120);
    await db.prisma.dependency.deleteMany({ where: { companyId: company.id, packageId: { startsWith: 'npm:pkg-number-' } } });
  });

  it('a slow upload shows "reading" at once, then the result in the same form', async () => {
    const slow = await startSlackTestApp({ db, fake, clock: fixedClock(NOW), ackBudgetMs: 0 });
    try {
      fake.reset();
      const fileUrl = fake.serveFile('/files-pri/T1-F2/requirements.txt', 'requests==2.31.0\n-e ./local\n');
      fake.on('files.info', () => ({ ok: true, file: { id: 'F2', name: 'requirements.txt', size: 30, url_private_download: fileUrl } }));
      const sub = await slow.driver.submitView('T1', 'UADMIN', { callback_id: IMPORT_CALLBACK, id: 'VSLOW' }, {
        manifest_file: { file: { type: 'file_input', files: [{ id: 'F2' }] } },
      });
      expect(sub.json?.response_action).toBe('update');
      expect(textOf(sub.json!.view as Record<string, unknown>)).toContain('Reading your file');
      const updated = await fake.waitFor((c) => c.method === 'views.update' && c.params.view_id === 'VSLOW');
      const text = JSON.stringify(viewOf(updated).blocks);
      expect(text).toContain('Read a *requirements.txt*');
      expect(text).toContain('pypi:requests');
      expect(text).toContain('Ignored');
    } finally {
      await slow.close();
    }
  });

  it('an empty form asks for a file or a text', async () => {
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: IMPORT_CALLBACK, id: 'VEMPTY' }, {});
    expect(sub.json).toEqual({ response_action: 'errors', errors: { manifest: 'Upload a manifest file, or paste its contents.' } });
  });

  it('an unreadable manifest is refused next to the field, and nothing changes', async () => {
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: IMPORT_CALLBACK, id: 'VIMPORT2' }, { manifest: { text: { type: 'plain_text_input', value: '{ not json' } } });
    expect(sub.json?.response_action).toBe('errors');
    expect((sub.json!.errors as Record<string, string>).manifest).toMatch(/package\.json/);
  });
});

describe('allocation modal', () => {
  let view: View;
  it('`allocate` with no arguments opens one input per declared (not owned) dependency, rules and warnings shown', async () => {
    await t.driver.command('T1', 'UADMIN', 'own npm:acme-ui');
    await t.driver.command('T1', 'UADMIN', 'deps add pypi:requests');
    fake.reset();
    const r = await t.driver.command('T1', 'UADMIN', 'allocate');
    expect(r.text).toBe('');
    const opened = fake.of('views.open');
    expect(opened).toHaveLength(1);
    view = viewOf(opened[0]!);
    expect(view.callback_id).toBe(ALLOCATION_CALLBACK);
    expect(inputs(view).map((b) => b.block_id)).toEqual(['p:npm:@types/node', 'p:npm:lodash', 'p:npm:react', 'p:npm:vite', 'p:pypi:requests']);
    const all = JSON.stringify(view.blocks);
    expect(all).toContain('100 points');
    expect(all).toContain('at least *3 packages*');
    expect(all).toContain('at most *34*');
    expect(all).toContain('Your own packages cannot receive points: npm:acme-ui');
    const hint = (id: string) => inputs(view).find((b) => b.block_id === id)?.hint?.text ?? '';
    expect(hint('p:pypi:requests')).toContain('no maintainer yet — held in escrow');
    expect(hint('p:npm:lodash')).toContain('no activity in 90 days');
    expect(hint('p:npm:react')).toContain('alice 60%');
    expect(hint('p:npm:react')).not.toContain('⚠');
  });

  it.each([
    ['over the maximum', { 'npm:react': '40', 'npm:vite': '30', 'npm:lodash': '30' }, { 'p:npm:react': 'npm:react has 40 points; the maximum per package is 34' }],
    ['total not 100', { 'npm:react': '30', 'npm:vite': '30', 'npm:lodash': '30' }, { 'p:npm:react': 'add up to 90; they must add up to exactly 100' }],
    ['too few packages', { 'npm:react': '34', 'npm:vite': '66' }, { 'p:npm:vite': 'npm:vite has 66 points' }],
    ['not a declared dependency (a tampered form)', { 'npm:react': '34', 'npm:vite': '33', 'cargo:tokio': '33' }, { 'p:cargo:tokio': 'cargo:tokio is not one of your declared dependencies' }],
    ['own package (a tampered form)', { 'npm:react': '34', 'npm:vite': '33', 'npm:acme-ui': '33' }, { 'p:npm:acme-ui': 'npm:acme-ui is your own package' }],
    ['points not a whole number', { 'npm:react': '34', 'npm:vite': '33', 'npm:lodash': '3.5' }, { 'p:npm:lodash': 'points are whole numbers' }],
  ])('%s: refused with the message next to the field', async (_name, typed, expected) => {
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: ALLOCATION_CALLBACK, id: 'VALLOC' }, points(typed));
    expect(sub.status).toBe(200);
    expect(sub.json?.response_action).toBe('errors');
    const errors = sub.json!.errors as Record<string, string>;
    for (const [block, message] of Object.entries(expected)) expect(errors[block]).toContain(message);
    expect(await allocationRows('slack:T1')).toHaveLength(0);
  });

  it('rules about the whole go next to the first filled field', async () => {
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: ALLOCATION_CALLBACK, id: 'VALLOC' }, points({ 'npm:lodash': null, 'npm:react': '34', 'npm:vite': '33' }));
    const errors = sub.json!.errors as Record<string, string>;
    expect(Object.keys(errors)).toEqual(['p:npm:react']);
    expect(errors['p:npm:react']).toContain('add up to 67');
    expect(errors['p:npm:react']).toContain('at least 3');
  });

  it('typing redraws the form with the running total (live rules)', async () => {
    fake.reset();
    const r = await t.driver.interaction({
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: 'UADMIN', team_id: 'T1' },
      trigger_id: 'x',
      view: { id: 'VALLOC', hash: 'h1', callback_id: ALLOCATION_CALLBACK, state: { values: points({ 'npm:react': '34', 'npm:vite': '33' }) } },
      actions: [{ type: 'number_input', action_id: 'points', block_id: 'p:npm:vite', value: '33' }],
    });
    expect(r.status).toBe(200);
    const updated = await fake.waitFor((c) => c.method === 'views.update');
    expect(updated.params.view_id).toBe('VALLOC');
    expect(updated.params.hash).toBe('h1');
    expect(JSON.stringify(viewOf(updated).blocks)).toContain('Placed *67* of 100 (33 left) on 2 packages');
  });

  it('a valid submission saves the allocation and shows it', async () => {
    const sub = await t.driver.submitView('T1', 'UADMIN', { callback_id: ALLOCATION_CALLBACK, id: 'VALLOC' }, points({ 'npm:react': '34', 'npm:vite': '33', 'pypi:requests': '33', 'npm:lodash': '0', 'npm:@types/node': null }));
    expect(sub.json?.response_action).toBe('update');
    expect(textOf(sub.json!.view as Record<string, unknown>)).toContain('Saved');
    const rows = await allocationRows('slack:T1');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.lines.map((l) => [l.packageId, l.points]).sort()).toEqual([
      ['npm:react', 34],
      ['npm:vite', 33],
      ['pypi:requests', 33],
    ]);
    // The next opening is filled with the standing allocation.
    fake.reset();
    await t.driver.command('T1', 'UADMIN', 'allocate');
    const v = viewOf(fake.of('views.open')[0]!);
    expect(inputs(v).find((b) => b.block_id === 'p:npm:react')?.element?.initial_value).toBe('34');
  });

  it('a member cannot open it, nor submit it', async () => {
    fake.reset();
    const r = await t.driver.command('T1', 'UMEMBER', 'allocate');
    expect(textOf(r)).toContain('Only company admins');
    expect(fake.of('views.open')).toHaveLength(0);
    const sub = await t.driver.submitView('T1', 'UMEMBER', { callback_id: ALLOCATION_CALLBACK, id: 'VALLOC' }, points({ 'npm:react': '34', 'npm:vite': '33', 'npm:lodash': '33' }));
    expect(JSON.stringify(sub.json)).toContain('Only company admins');
    expect(await allocationRows('slack:T1')).toHaveLength(1);
  });
});

describe('App Home', () => {
  it('shows budget, the allocation as a bar chart, last receipts and warnings', async () => {
    await closePeriod({ ledger: t.services.ledger, clock: fixedClock(new Date(Math.max(Date.now(), NOW.getTime()))), period: '2026-11' as Period });
    fake.reset();
    const r = await t.driver.event('T1', { type: 'app_home_opened', user: 'UADMIN', channel: 'D1', tab: 'home', event_ts: '1' });
    expect(r.status).toBe(200);
    const published = await fake.waitFor((c) => c.method === 'views.publish');
    expect(published.params.user_id).toBe('UADMIN');
    expect(published.token).toBe('xoxb-single-workspace');
    const text = JSON.stringify(viewOf(published).blocks);
    expect(text).toContain('Upkeep — Acme');
    expect(text).toContain('€1,000.00');
    expect(text).toMatch(/`█{17}` \*34\* pts · npm:react · €340\.00/);
    expect(text).toContain('*2026-11* — €1,000.00 to 3 packages');
    expect(text).toContain('npm:lodash: :warning: no activity in 90 days');
    expect(text).toContain('pypi:requests: :warning: no activity in 90 days · no maintainer yet — held in escrow');
    expect(text).toContain(OPEN_ALLOCATION_ACTION);
  });

  it('a workspace without a company sees how to start; a member sees no edit buttons', async () => {
    fake.reset();
    await t.driver.event('T2', { type: 'app_home_opened', user: 'UX', channel: 'D2', tab: 'home', event_ts: '1' });
    expect(JSON.stringify(viewOf(await fake.waitFor((c) => c.method === 'views.publish')).blocks)).toContain('/upkeep setup');
    fake.reset();
    await t.driver.event('T1', { type: 'app_home_opened', user: 'UMEMBER', channel: 'D3', tab: 'home', event_ts: '1' });
    expect(JSON.stringify(viewOf(await fake.waitFor((c) => c.method === 'views.publish')).blocks)).not.toContain(OPEN_ALLOCATION_ACTION);
  });

  it('the Home buttons open the allocation and import modals (block actions)', async () => {
    fake.reset();
    await t.driver.clickButton('T1', 'UADMIN', OPEN_ALLOCATION_ACTION);
    expect(viewOf(await fake.waitFor((c) => c.method === 'views.open')).callback_id).toBe(ALLOCATION_CALLBACK);
    fake.reset();
    await t.driver.clickButton('T1', 'UADMIN', OPEN_IMPORT_ACTION);
    expect(viewOf(await fake.waitFor((c) => c.method === 'views.open')).callback_id).toBe(IMPORT_CALLBACK);
    fake.reset();
    await t.driver.clickButton('T1', 'UMEMBER', OPEN_ALLOCATION_ACTION);
    const refused = viewOf(await fake.waitFor((c) => c.method === 'views.open'));
    expect(refused.callback_id).toBeUndefined();
    expect(JSON.stringify(refused.blocks)).toContain('Only company admins');
  });
});
