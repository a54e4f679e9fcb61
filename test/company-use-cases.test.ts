// Every company use-case through the real Prisma stores, on PostgreSQL and on embedded PGlite.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type DomainErrorCode } from '../core/errors.ts';
import { money } from '../core/money.ts';
import { ACTIVITY_WINDOW_DAYS, isActive, packageWarnings } from '../core/package-warnings.ts';
import type { PackageId } from '../core/packages.ts';
import { fixedClock } from '../core/ports/clock.ts';
import type { Actor } from '../core/ports/companies.ts';
import { addDependencies } from '../core/use-cases/add-dependencies.ts';
import { authenticateCompany } from '../core/use-cases/authenticate-company.ts';
import { declareOwned } from '../core/use-cases/declare-owned.ts';
import { getStatus } from '../core/use-cases/get-status.ts';
import { grantAdmin } from '../core/use-cases/grant-admin.ts';
import { importDependencies } from '../core/use-cases/import-dependencies.ts';
import { base64url, issueToken } from '../core/use-cases/issue-token.ts';
import { listDependencies } from '../core/use-cases/list-dependencies.ts';
import { removeDependencies } from '../core/use-cases/remove-dependencies.ts';
import { requireAdmin, requireCompany } from '../core/use-cases/require-company.ts';
import { setAllocation, type AllocationViolation } from '../core/use-cases/set-allocation.ts';
import { setBudget } from '../core/use-cases/set-budget.ts';
import { setVisibility } from '../core/use-cases/set-visibility.ts';
import { setupCompany } from '../core/use-cases/setup-company.ts';
import { PrismaCompanyStore } from '../prisma/company-store.ts';
import { PrismaPackageDirectory } from '../prisma/package-directory.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const clock = fixedClock(NOW);
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);
const pkg = (s: string) => s as PackageId;
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const hash = sha256;
const bytes = (n: number) => new Uint8Array(randomBytes(n));
const line = (p: string, points: number) => ({ package: p, points });

/** Awaits a refusal and checks it is a DomainError with `code`. */
async function refused(p: Promise<unknown>, code: DomainErrorCode): Promise<DomainError> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected ${code}, got a result: ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(DomainError);
  expect((e as DomainError).code).toBe(code);
  return e as DomainError;
}

describe('package warnings (pure)', () => {
  const profile = (lastActivityAt: Date | null, logins: string[]) => ({ lastActivityAt, maintainers: logins.map((login) => ({ login, share: 100 / logins.length })) });
  it.each([
    ['active within the window, two maintainers', profile(daysAgo(1), ['a', 'b']), []],
    ['exactly 90 days ago is still active', profile(daysAgo(ACTIVITY_WINDOW_DAYS), ['a', 'b']), []],
    ['91 days ago is inactive', profile(daysAgo(ACTIVITY_WINDOW_DAYS + 1), ['a', 'b']), ['inactive']],
    ['unknown activity is inactive', profile(null, ['a', 'b']), ['inactive']],
    ['no maintainer', profile(daysAgo(1), []), ['no_maintainer']],
    ['a single maintainer', profile(daysAgo(1), ['a']), ['single_maintainer']],
    ['everything at once', profile(null, []), ['inactive', 'no_maintainer']],
  ] as const)('%s', (_, p, expected) => {
    expect(packageWarnings(p, NOW)).toEqual(expected);
    expect(isActive(p, NOW)).toBe(!expected.includes('inactive' as never));
  });

  it('encodes base64url like node', () => {
    for (let n = 0; n < 40; n++) {
      const b = randomBytes(n);
      expect(base64url(new Uint8Array(b))).toBe(b.toString('base64url'));
    }
  });
});

describe.each(BACKENDS)('company use-cases on %s', (backend) => {
  let db: TestDatabase;
  let companies: PrismaCompanyStore;
  let packages: PrismaPackageDirectory;
  let repositories: PrismaRepositoryStore;
  let workspaceCount = 0;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    companies = new PrismaCompanyStore(db.prisma);
    packages = new PrismaPackageDirectory(db.prisma);
    repositories = new PrismaRepositoryStore(db.prisma);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  /** A fresh workspace with its admin and a plain member; `setup` also creates the company. */
  async function workspace(opts: { setup?: boolean; budget?: number; deps?: string[]; owned?: string[] } = {}) {
    const ws = `slack:T${++workspaceCount}`;
    const admin: Actor = { userRef: `slack:UADMIN${workspaceCount}`, workspace: ws };
    const member: Actor = { userRef: `slack:UMEMBER${workspaceCount}`, workspace: ws };
    let companyId = '';
    if (opts.setup ?? true) {
      companyId = (await setupCompany({ companies, actor: admin, name: `Company ${workspaceCount}`, currency: 'EUR' })).company.id;
      if (opts.budget !== undefined) await setBudget({ companies, actor: admin, amount: money(opts.budget, 'EUR') });
      if (opts.deps) await addDependencies({ companies, actor: admin, packages: opts.deps });
      if (opts.owned) await declareOwned({ companies, actor: admin, packages: opts.owned });
    }
    return { ws, admin, member, companyId };
  }

  /** What a company has chosen, to show a refused change left it untouched. */
  async function snapshot(companyId: string) {
    const [company, deps, owned, standing, history, tokens, members] = await Promise.all([
      companies.findById(companyId),
      companies.dependencies(companyId),
      companies.ownedPackages(companyId),
      companies.standingAllocation(companyId),
      companies.allocationHistory(companyId),
      db.prisma.apiToken.findMany({ where: { companyId }, orderBy: { createdAt: 'asc' } }),
      db.prisma.member.findMany({ where: { companyId }, orderBy: { userRef: 'asc' } }),
    ]);
    return { company, deps, owned, standing, history: history.length, tokens, members };
  }

  describe('setup', () => {
    it('creates the company with the actor as admin, the name tidied', async () => {
      const { admin, ws } = await workspace({ setup: false });
      const { company } = await setupCompany({ companies, actor: admin, name: '  Acme \n  Corp  ', currency: 'EUR' });
      expect(company).toMatchObject({ name: 'Acme Corp', workspace: ws, currency: 'EUR', budget: null, visibility: 'anonymous' });
      expect(await companies.roleOf(company.id, admin.userRef)).toBe('admin');
      expect(await requireAdmin({ companies, actor: admin })).toEqual(company);
      expect(await companies.findById(company.id)).toEqual(company);
    });

    it('refuses a second company in the same workspace, naming the first', async () => {
      const { ws } = await workspace();
      const other: Actor = { userRef: 'slack:USOMEONE', workspace: ws };
      const e = await refused(setupCompany({ companies, actor: other, name: 'Initech', currency: 'EUR' }), 'company_exists');
      expect(e.userMessage).toContain(`"Company ${workspaceCount}"`);
      expect(e.details.company).toBe(`Company ${workspaceCount}`);
      expect(await companies.roleOf((await requireCompany({ companies, actor: other })).id, other.userRef)).toBeNull();
    });

    it('lets exactly one of concurrent setups win', async () => {
      const { ws } = await workspace({ setup: false });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => setupCompany({ companies, actor: { userRef: `slack:URACE${i}`, workspace: ws }, name: `Race ${i}`, currency: 'EUR' })),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as DomainError).code).toBe('company_exists');
      expect(await db.prisma.company.count({ where: { workspace: ws } })).toBe(1);
      expect(await db.prisma.member.count({ where: { company: { workspace: ws } } })).toBe(1);
    });

    it.each([
      ['empty', ''],
      ['blank', '  \n '],
      ['81 characters', 'x'.repeat(81)],
      ['a control character', 'Acme\u0007'],
    ])('refuses a name that is %s', async (_, name) => {
      const { admin, ws } = await workspace({ setup: false });
      await refused(setupCompany({ companies, actor: admin, name, currency: 'EUR' }), 'invalid_input');
      expect(await companies.findByWorkspace(ws)).toBeNull();
    });

    it('accepts a name of 80 characters', async () => {
      const { admin } = await workspace({ setup: false });
      const name = 'é'.repeat(80);
      expect((await setupCompany({ companies, actor: admin, name, currency: 'EUR' })).company.name).toBe(name);
    });

    it('tells a workspace without a company how to set one up', async () => {
      const { admin, member } = await workspace({ setup: false });
      const e = await refused(getStatus({ companies, packages, clock, actor: member }), 'company_not_found');
      expect(e.userMessage).toBe('This workspace has no company yet; set one up first.');
      expect(e.hint).toEqual({ surface: 'company', command: 'setup <company name>', example: 'setup Acme Inc' });
      await refused(setBudget({ companies, actor: admin, amount: money(100, 'EUR') }), 'company_not_found');
    });
  });

  describe('budget and visibility', () => {
    it('sets the budget and refuses bad amounts without changing it', async () => {
      const { admin, companyId } = await workspace();
      const r = await setBudget({ companies, actor: admin, amount: money(200_000, 'EUR') });
      expect(r.budget).toEqual(money(200_000, 'EUR'));
      expect(r.previous).toBeNull();
      expect((await companies.findById(companyId))?.budget).toBe(200_000);
      const again = await setBudget({ companies, actor: admin, amount: money(150_050, 'EUR') });
      expect(again.previous).toEqual(money(200_000, 'EUR'));

      const wrong = await refused(setBudget({ companies, actor: admin, amount: money(1000, 'USD') }), 'wrong_currency');
      expect(wrong.userMessage).toContain('EUR');
      await refused(setBudget({ companies, actor: admin, amount: money(0, 'EUR') }), 'invalid_amount');
      await refused(setBudget({ companies, actor: admin, amount: money(-5, 'EUR') }), 'invalid_amount');
      await refused(setBudget({ companies, actor: admin, amount: money(10_000_000_001, 'EUR') }), 'invalid_amount');
      await refused(setBudget({ companies, actor: admin, amount: { amount: 1.5, currency: 'EUR' } }), 'invalid_amount');
      expect((await companies.findById(companyId))?.budget).toBe(150_050);
    });

    it('switches visibility', async () => {
      const { admin, companyId } = await workspace();
      const r = await setVisibility({ companies, actor: admin, visibility: 'identifiable' });
      expect(r).toMatchObject({ visibility: 'identifiable', previous: 'anonymous' });
      expect((await companies.findById(companyId))?.visibility).toBe('identifiable');
      await refused(setVisibility({ companies, actor: admin, visibility: 'public' as never }), 'invalid_input');
      expect((await companies.findById(companyId))?.visibility).toBe('identifiable');
    });
  });

  describe('roles', () => {
    it('refuses every change by a non-admin and changes nothing', async () => {
      const { admin, member, companyId } = await workspace({ budget: 90_000, deps: ['npm:a', 'npm:b', 'npm:c', 'npm:d'], owned: ['npm:ours'] });
      await setAllocation({ companies, clock, actor: admin, lines: [{ package: 'npm:a', points: 34 }, { package: 'npm:b', points: 33 }, { package: 'npm:c', points: 33 }] });
      await issueToken({ companies, actor: admin, randomBytes: bytes, hash });
      const before = await snapshot(companyId);

      const attempts: [string, Promise<unknown>][] = [
        ['budget', setBudget({ companies, actor: member, amount: money(1, 'EUR') })],
        ['visibility', setVisibility({ companies, actor: member, visibility: 'identifiable' })],
        ['grant', grantAdmin({ companies, actor: member, userRef: member.userRef })],
        ['deps add', addDependencies({ companies, actor: member, packages: ['npm:e'] })],
        ['deps remove', removeDependencies({ companies, actor: member, packages: ['npm:d'] })],
        ['deps import', importDependencies({ companies, actor: member, text: '{"dependencies":{"e":"1"}}', filename: 'package.json' })],
        ['own', declareOwned({ companies, actor: member, packages: ['npm:d'] })],
        ['own remove', declareOwned({ companies, actor: member, packages: ['npm:ours'], remove: true })],
        ['allocate', setAllocation({ companies, clock, actor: member, lines: [{ package: 'npm:b', points: 34 }, { package: 'npm:c', points: 33 }, { package: 'npm:d', points: 33 }] })],
        ['token', issueToken({ companies, actor: member, randomBytes: bytes, hash })],
      ];
      for (const [what, attempt] of attempts) {
        const e = await refused(attempt, 'not_admin');
        expect(e.userMessage, what).toBe(
          'Only company admins can change budget, dependencies, ownership and allocation; ask an admin to make you one.',
        );
        expect(e.hint, what).toEqual({ surface: 'company', command: 'admin grant <@user>', example: 'admin grant @dana' });
      }
      expect(await snapshot(companyId)).toEqual(before);

      // Members may still look.
      const status = await getStatus({ companies, packages, clock, actor: member });
      expect(status.role).toBe('member');
      expect(status.counts.allocated).toBe(3);
      expect((await listDependencies({ companies, packages, clock, actor: member })).dependencies).toHaveLength(4);
    });

    it('lets an admin grant admin, after which the new admin can change things', async () => {
      const { admin, member, companyId } = await workspace();
      const granted = await grantAdmin({ companies, actor: admin, userRef: member.userRef });
      expect(granted.alreadyAdmin).toBe(false);
      expect((await grantAdmin({ companies, actor: admin, userRef: member.userRef })).alreadyAdmin).toBe(true);
      await setBudget({ companies, actor: member, amount: money(5000, 'EUR') });
      expect((await companies.findById(companyId))?.budget).toBe(5000);
      expect((await getStatus({ companies, packages, clock, actor: member })).role).toBe('admin');
      await refused(grantAdmin({ companies, actor: admin, userRef: 'not a user' }), 'invalid_input');
    });
  });

  describe('dependencies', () => {
    it('adds (normalised), lists and removes', async () => {
      const { admin, companyId } = await workspace();
      const r = await addDependencies({ companies, actor: admin, packages: ['npm:React', 'pkg:npm/%40types/node@20.1.0', 'pypi:Foo_Bar.baz'] });
      expect(r.added).toEqual(['npm:react', 'npm:@types/node', 'pypi:foo-bar-baz']);
      expect(r.alreadyDeclared).toEqual([]);
      expect(r.total).toBe(3);
      const again = await addDependencies({ companies, actor: admin, packages: ['npm:react', 'cargo:serde'] });
      expect(again).toMatchObject({ added: ['cargo:serde'], alreadyDeclared: ['npm:react'], total: 4 });

      const list = await listDependencies({ companies, packages, clock, actor: admin });
      expect(list.dependencies.map((d) => d.package)).toEqual(['cargo:serde', 'npm:@types/node', 'npm:react', 'pypi:foo-bar-baz']);
      expect(list.dependencies[0]).toMatchObject({ repository: null, maintainers: [], active: false, owned: false, points: null, warnings: ['inactive', 'no_maintainer'] });

      const removed = await removeDependencies({ companies, actor: admin, packages: ['npm:react', 'gem:rails'] });
      expect(removed).toMatchObject({ removed: ['npm:react'], notDeclared: ['gem:rails'] });
      expect(await companies.dependencies(companyId)).toEqual(['cargo:serde', 'npm:@types/node', 'pypi:foo-bar-baz']);
    });

    it('refuses invalid package ids, listing every one, and an empty list', async () => {
      const { admin, companyId } = await workspace();
      const e = await refused(addDependencies({ companies, actor: admin, packages: ['npm:ok', 'react', 'foo:bar'] }), 'invalid_package');
      expect(e.details.invalid).toHaveLength(2);
      await refused(addDependencies({ companies, actor: admin, packages: [] }), 'invalid_input');
      await refused(removeDependencies({ companies, actor: admin, packages: ['  '] }), 'invalid_input');
      expect(await companies.dependencies(companyId)).toEqual([]);
    });

    it('refuses to remove a package of the standing allocation', async () => {
      const { admin, companyId } = await workspace({ deps: ['npm:a', 'npm:b', 'npm:c', 'npm:d'] });
      await setAllocation({ companies, clock, actor: admin, lines: [{ package: 'npm:a', points: 34 }, { package: 'npm:b', points: 33 }, { package: 'npm:c', points: 33 }] });
      const e = await refused(removeDependencies({ companies, actor: admin, packages: ['npm:d', 'npm:b'] }), 'invalid_input');
      expect(e.userMessage).toContain('npm:b');
      expect(e.userMessage).toMatch(/re-allocate/);
      expect(e.details.packages).toEqual(['npm:b']);
      expect(await companies.dependencies(companyId)).toEqual(['npm:a', 'npm:b', 'npm:c', 'npm:d']);
      // Once re-allocated without it, it can go.
      await setAllocation({ companies, clock, actor: admin, lines: [{ package: 'npm:a', points: 34 }, { package: 'npm:c', points: 33 }, { package: 'npm:d', points: 33 }] });
      expect((await removeDependencies({ companies, actor: admin, packages: ['npm:b'] })).removed).toEqual(['npm:b']);
    });

    it('imports a package.json', async () => {
      const { admin, companyId } = await workspace({ deps: ['npm:react'] });
      const text = JSON.stringify({
        name: 'our-app',
        dependencies: { react: '^18.2.0', '@Types/Node': '20.1.0', local: 'file:../local' },
        devDependencies: { vitest: '4.1.12' },
      });
      const r = await importDependencies({ companies, actor: admin, text, filename: 'package.json' });
      expect(r.format).toBe('package.json');
      expect(r.added).toEqual(['npm:@types/node', 'npm:vitest']);
      expect(r.alreadyDeclared).toEqual(['npm:react']);
      expect(r.ignored.map((i) => i.entry).join(' ')).toContain('local');
      expect(await companies.dependencies(companyId)).toEqual(['npm:@types/node', 'npm:react', 'npm:vitest']);
      const again = await importDependencies({ companies, actor: admin, text });
      expect(again.added).toEqual([]);
      await refused(importDependencies({ companies, actor: admin, text: '{"dependencies": ', filename: 'package.json' }), 'invalid_manifest');
      expect(await companies.dependencies(companyId)).toHaveLength(3);
    });
  });

  describe('ownership', () => {
    it('declares and withdraws owned packages; refuses owning an allocated one', async () => {
      const { admin, companyId } = await workspace({ deps: ['npm:a', 'npm:b', 'npm:c', 'npm:ours'] });
      const r = await declareOwned({ companies, actor: admin, packages: ['npm:ours', 'npm:sdk'] });
      expect(r).toMatchObject({ removed: false, changed: ['npm:ours', 'npm:sdk'], unchanged: [], owned: ['npm:ours', 'npm:sdk'] });
      expect((await declareOwned({ companies, actor: admin, packages: ['npm:sdk'] })).unchanged).toEqual(['npm:sdk']);
      const back = await declareOwned({ companies, actor: admin, packages: ['npm:sdk', 'npm:never'], remove: true });
      expect(back).toMatchObject({ removed: true, changed: ['npm:sdk'], unchanged: ['npm:never'], owned: ['npm:ours'] });

      const list = await listDependencies({ companies, packages, clock, actor: admin });
      expect(list.dependencies.find((d) => d.package === 'npm:ours')?.owned).toBe(true);

      await setAllocation({ companies, clock, actor: admin, lines: [{ package: 'npm:a', points: 34 }, { package: 'npm:b', points: 33 }, { package: 'npm:c', points: 33 }] });
      const e = await refused(declareOwned({ companies, actor: admin, packages: ['npm:a'] }), 'invalid_input');
      expect(e.userMessage).toContain('npm:a');
      expect(e.userMessage).toMatch(/own packages/);
      expect(await companies.ownedPackages(companyId)).toEqual(['npm:ours']);
    });
  });

  describe('allocation', () => {

    it('saves a valid allocation and gives each package its share of the budget', async () => {
      const { admin, companyId } = await workspace({ budget: 100_001, deps: ['npm:a', 'npm:b', 'npm:c', 'npm:d'] });
      const r = await setAllocation({ companies, clock, actor: admin, lines: [line('npm:c', 33), line('npm:a', 34), line('npm:b', 33)] });
      expect(r.period).toBe('2026-11');
      expect(r.budget).toEqual(money(100_001, 'EUR'));
      expect(r.lines.map((l) => [l.package, l.points])).toEqual([['npm:a', 34], ['npm:b', 33], ['npm:c', 33]]);
      expect(r.lines.reduce((s, l) => s + l.amount!.amount, 0)).toBe(100_001);
      for (const l of r.lines) expect(Math.abs(l.amount!.amount - l.points * 1000)).toBeLessThanOrEqual(1);
      const standing = await companies.standingAllocation(companyId);
      expect(standing?.lines).toEqual([{ package: 'npm:a', points: 34 }, { package: 'npm:b', points: 33 }, { package: 'npm:c', points: 33 }]);
      expect(standing?.createdBy).toBe(admin.userRef);
    });

    it('leaves amounts empty until a budget is set, and drops zero-point lines', async () => {
      const { admin, companyId } = await workspace({ deps: ['npm:a', 'npm:b', 'npm:c', 'npm:d'] });
      const r = await setAllocation({ companies, clock, actor: admin, lines: [line('npm:a', 34), line('npm:b', 33), line('npm:c', 33), line('npm:d', 0)] });
      expect(r.budget).toBeNull();
      expect(r.lines.map((l) => l.amount)).toEqual([null, null, null]);
      expect((await companies.standingAllocation(companyId))?.lines).toHaveLength(3);
    });

    it.each([
      ['points not adding up to 100', [line('npm:a', 34), line('npm:b', 33), line('npm:c', 32)], 'allocation_points_total', ['allocation_points_total']],
      ['fewer than 3 packages', [line('npm:a', 34), line('npm:b', 34)], 'allocation_points_total', ['allocation_points_total', 'allocation_too_few_packages']],
      ['more than 34 points on one package', [line('npm:a', 40), line('npm:b', 30), line('npm:c', 30)], 'allocation_points_over_max', ['allocation_points_over_max']],
      ['an undeclared package', [line('npm:a', 34), line('npm:b', 33), line('npm:zzz', 33)], 'allocation_not_dependency', ['allocation_not_dependency']],
      ['an owned package', [line('npm:a', 34), line('npm:b', 33), line('npm:ours', 33)], 'allocation_owned_package', ['allocation_owned_package']],
      ['fractional points', [line('npm:a', 34), line('npm:b', 33), line('npm:c', 32.5), line('npm:d', 0.5)], 'allocation_invalid_points', ['allocation_invalid_points', 'allocation_invalid_points', 'allocation_points_total', 'allocation_too_few_packages']],
      ['a package twice', [line('npm:a', 34), line('npm:A', 33), line('npm:b', 33)], 'allocation_duplicate_package', ['allocation_duplicate_package', 'allocation_points_total', 'allocation_too_few_packages']],
      ['an invalid package id', [line('react', 34), line('npm:a', 33), line('npm:b', 33)], 'invalid_package', ['invalid_package', 'allocation_points_total', 'allocation_too_few_packages']],
      ['nothing at all', [], 'allocation_points_total', ['allocation_points_total', 'allocation_too_few_packages']],
      [
        'several rules at once',
        [line('npm:a', 40), line('npm:b', 30), line('npm:zzz', 20)],
        'allocation_points_over_max',
        ['allocation_points_over_max', 'allocation_not_dependency', 'allocation_points_total'],
      ],
    ] as const)('refuses %s', async (_, lines, first, all) => {
      const { admin, companyId } = await workspace({ budget: 1000, deps: ['npm:a', 'npm:b', 'npm:c', 'npm:d', 'npm:ours'], owned: ['npm:ours'] });
      await setAllocation({ companies, clock, actor: admin, lines: [line('npm:b', 34), line('npm:c', 33), line('npm:d', 33)] });
      const before = await snapshot(companyId);
      const e = await refused(setAllocation({ companies, clock, actor: admin, lines }), first);
      const violations = e.details.violations as AllocationViolation[];
      expect(violations.map((v) => v.code)).toEqual(all);
      expect(violations[0]!.userMessage).toBe(e.userMessage);
      for (const v of violations) expect(v.userMessage.length).toBeGreaterThan(10);
      expect(await snapshot(companyId)).toEqual(before);
    });

    it('names the package of each per-line violation (for the modal fields)', async () => {
      const { admin } = await workspace({ deps: ['npm:a', 'npm:b'] });
      const e = await refused(setAllocation({ companies, clock, actor: admin, lines: [line('npm:a', 40), line('npm:b', 30), line('npm:zzz', 30)] }), 'allocation_points_over_max');
      const violations = e.details.violations as AllocationViolation[];
      expect(violations.map((v) => v.details.package ?? null)).toEqual(['npm:a', 'npm:zzz']);
      expect(e.details.package).toBe('npm:a');
    });

    it('keeps every earlier version as history', async () => {
      const { admin, companyId } = await workspace({ budget: 3000, deps: ['npm:a', 'npm:b', 'npm:c', 'npm:d'] });
      await setAllocation({ companies, clock, actor: admin, lines: [line('npm:a', 34), line('npm:b', 33), line('npm:c', 33)] });
      await setAllocation({ companies, clock, actor: admin, lines: [line('npm:b', 25), line('npm:c', 25), line('npm:d', 25), line('npm:a', 25)] });
      const history = await companies.allocationHistory(companyId);
      expect(history.map((h) => h.lines.map((l) => `${l.package}=${l.points}`).join(' '))).toEqual([
        'npm:a=25 npm:b=25 npm:c=25 npm:d=25',
        'npm:a=34 npm:b=33 npm:c=33',
      ]);
      expect((await companies.standingAllocation(companyId))?.lines).toEqual(history[0]!.lines);
      expect(await db.prisma.allocationLine.count({ where: { allocation: { companyId } } })).toBe(7);
      const status = await getStatus({ companies, packages, clock, actor: admin });
      expect(status.allocation?.lines.map((l) => l.amount?.amount)).toEqual([750, 750, 750, 750]);
    });
  });

  describe('status', () => {
    it('shows budget, allocation with amounts, and each package with its warnings', async () => {
      await repositories.optIn({
        repository: 'Acme/Lively',
        packages: [pkg('npm:lively')],
        maintainers: [{ login: 'Alice', share: 60 }, { login: 'bob', share: 40 }],
        termsVersion: 1,
        license: 'MIT',
        description: 'A lively project',
        needs: 'CI minutes',
        contact: 'https://example.org/contact',
      });
      await repositories.recordActivity('acme/lively', daysAgo(10));
      await repositories.optIn({
        repository: 'solo/sleepy',
        packages: [pkg('npm:sleepy')],
        maintainers: [{ login: 'Carol', share: 100 }],
        termsVersion: 1,
        license: 'Apache-2.0',
        description: null,
        needs: null,
        contact: null,
      });
      await repositories.recordActivity('solo/sleepy', daysAgo(200));
      await repositories.recordActivity('solo/sleepy', daysAgo(300)); // late webhooks never move it back
      await repositories.optIn({
        repository: 'gone/away',
        packages: [pkg('npm:withdrawn')],
        maintainers: [{ login: 'dave', share: 100 }],
        termsVersion: 1,
        license: 'MIT',
        description: 'Was here',
        needs: null,
        contact: null,
      });
      await repositories.recordActivity('gone/away', daysAgo(1));
      await repositories.withdraw('gone/away');

      const { admin, member } = await workspace({ budget: 100_000, deps: ['npm:lively', 'npm:sleepy', 'npm:orphan', 'npm:withdrawn'], owned: ['npm:ours'] });
      await setAllocation({ companies, clock, actor: admin, lines: [line('npm:lively', 34), line('npm:sleepy', 33), line('npm:orphan', 33)] });

      const status = await getStatus({ companies, packages, clock, actor: member });
      expect(status.role).toBe('member');
      expect(status.period).toBe('2026-11');
      expect(status.budget).toEqual(money(100_000, 'EUR'));
      expect(status.allocation?.createdBy).toBe(admin.userRef);
      expect(status.allocation?.lines).toEqual([
        { package: 'npm:lively', points: 34, amount: money(34_000, 'EUR') },
        { package: 'npm:orphan', points: 33, amount: money(33_000, 'EUR') },
        { package: 'npm:sleepy', points: 33, amount: money(33_000, 'EUR') },
      ]);
      const byId = new Map(status.packages.map((p) => [p.package, p]));
      expect([...byId.keys()]).toEqual(['npm:lively', 'npm:orphan', 'npm:sleepy', 'npm:withdrawn']);
      expect(byId.get(pkg('npm:lively'))).toMatchObject({
        repository: 'acme/lively',
        maintainers: [{ login: 'alice', share: 60 }, { login: 'bob', share: 40 }],
        singleMaintainer: false,
        active: true,
        lastActivityAt: daysAgo(10),
        description: 'A lively project',
        needs: 'CI minutes',
        contact: 'https://example.org/contact',
        warnings: [],
        points: 34,
        amount: money(34_000, 'EUR'),
        declared: true,
      });
      expect(byId.get(pkg('npm:sleepy'))).toMatchObject({
        maintainers: [{ login: 'carol', share: 100 }],
        singleMaintainer: true,
        active: false,
        lastActivityAt: daysAgo(200),
        warnings: ['inactive', 'single_maintainer'],
      });
      expect(byId.get(pkg('npm:orphan'))).toMatchObject({ repository: null, maintainers: [], warnings: ['inactive', 'no_maintainer'] });
      expect(byId.get(pkg('npm:withdrawn'))).toMatchObject({
        repository: 'gone/away',
        maintainers: [],
        active: true,
        description: null,
        warnings: ['no_maintainer'],
        points: null,
        amount: null,
      });
      expect(status.owned).toEqual(['npm:ours']);
      expect(status.counts).toEqual({ dependencies: 4, owned: 1, allocated: 3, inactive: 2, noMaintainer: 2, singleMaintainer: 1 });

      const list = await listDependencies({ companies, packages, clock, actor: member });
      expect(list.dependencies.find((d) => d.package === 'npm:sleepy')).toMatchObject({ singleMaintainer: true, points: 33, warnings: ['inactive', 'single_maintainer'] });
    });

    it('shows a company with nothing chosen yet', async () => {
      const { member } = await workspace();
      const status = await getStatus({ companies, packages, clock, actor: member });
      expect(status).toMatchObject({ budget: null, allocation: null, packages: [], owned: [], role: 'member' });
      expect(status.counts).toEqual({ dependencies: 0, owned: 0, allocated: 0, inactive: 0, noMaintainer: 0, singleMaintainer: 0 });
    });
  });

  describe('repositories', () => {
    const optIn = (repository: string, packages: string[], login: string) => ({
      repository,
      packages: packages.map(pkg),
      maintainers: [{ login, share: 100 }],
      termsVersion: 1,
      license: 'MIT',
      description: null,
      needs: null,
      contact: null,
    });

    it('gives each package one repository; a withdrawn claim can be taken over; unlisted ones are released', async () => {
      expect(await repositories.optIn(optIn('first/repo', ['npm:shared', 'npm:first'], 'erin'))).toEqual({ claimed: ['npm:first', 'npm:shared'], conflicts: [], released: [] });
      expect(await repositories.optIn(optIn('second/repo', ['npm:shared', 'npm:second'], 'finn'))).toEqual({
        claimed: ['npm:second'],
        conflicts: [{ package: 'npm:shared', repository: 'first/repo' }],
        released: [],
      });
      expect((await packages.profiles([pkg('npm:shared')])).get(pkg('npm:shared'))?.maintainers).toEqual([{ login: 'erin', share: 100 }]);
      await repositories.withdraw('First/Repo');
      expect((await packages.profiles([pkg('npm:shared')])).get(pkg('npm:shared'))?.maintainers).toEqual([]);
      expect((await repositories.optIn(optIn('second/repo', ['npm:shared'], 'finn'))).claimed).toEqual(['npm:shared']);
      expect((await repositories.find('second/repo'))?.packages).toEqual(['npm:shared']);
      expect((await packages.profiles([pkg('npm:shared')])).get(pkg('npm:shared'))).toMatchObject({ repository: 'second/repo', maintainers: [{ login: 'finn', share: 100 }] });
    });

    it('counts maintainers only while their repository is opted in', async () => {
      await repositories.optIn(optIn('paused/repo', ['npm:paused'], 'gina'));
      // A repository row switched off by other means keeps its maintainer rows; they still must not count.
      await db.prisma.repository.update({ where: { id: 'paused/repo' }, data: { optedIn: false } });
      expect((await packages.profiles([pkg('npm:paused')])).get(pkg('npm:paused'))).toMatchObject({ repository: 'paused/repo', maintainers: [] });
    });

    it('refuses maintainer shares that do not sum to 100', async () => {
      await expect(repositories.optIn({ ...optIn('bad/shares', ['npm:bad'], 'x'), maintainers: [{ login: 'x', share: 50 }] })).rejects.toThrow(RangeError);
      expect(await repositories.find('bad/shares')).toBeNull();
    });
  });

  describe('company API token', () => {
    it('is shown once, stored as a hash, and revoked by a re-issue', async () => {
      const { admin, companyId } = await workspace();
      const { token } = await issueToken({ companies, actor: admin, randomBytes: bytes, hash });
      expect(token).toMatch(/^upk_[A-Za-z0-9_-]{43}$/);
      const rows = await db.prisma.apiToken.findMany({ where: { companyId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.hash).toBe(sha256(token));
      expect(JSON.stringify(rows)).not.toContain(token.slice(4));

      expect((await authenticateCompany({ companies, hash, token })).company.id).toBe(companyId);
      expect((await authenticateCompany({ companies, hash, token: `Bearer ${token}` })).company.id).toBe(companyId);

      const second = await issueToken({ companies, actor: admin, randomBytes: bytes, hash });
      expect(second.token).not.toBe(token);
      await refused(authenticateCompany({ companies, hash, token }), 'unauthorized');
      expect((await authenticateCompany({ companies, hash, token: second.token })).company.id).toBe(companyId);
      expect(await db.prisma.apiToken.count({ where: { companyId, revokedAt: null } })).toBe(1);
    });

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['malformed', 'hello'],
      ['well-formed but unknown', `upk_${'A'.repeat(43)}`],
    ])('refuses a %s token', async (_, token) => {
      await refused(authenticateCompany({ companies, hash, token }), 'unauthorized');
    });
  });

  describe('isolation between companies', () => {
    it('a company in another workspace sees and changes only its own data', async () => {
      const a = await workspace({ budget: 10_000, deps: ['npm:a', 'npm:b', 'npm:c', 'npm:secret'], owned: ['npm:ours'] });
      await setAllocation({ companies, clock, actor: a.admin, lines: [line('npm:a', 34), line('npm:b', 33), line('npm:c', 33)] });
      const tokenA = (await issueToken({ companies, actor: a.admin, randomBytes: bytes, hash })).token;
      const beforeA = await snapshot(a.companyId);

      const b = await workspace({ deps: ['npm:x'] });
      const statusB = await getStatus({ companies, packages, clock, actor: b.member });
      expect(statusB.company.id).toBe(b.companyId);
      expect(statusB.packages.map((p) => p.package)).toEqual(['npm:x']);
      expect(statusB).toMatchObject({ budget: null, allocation: null, owned: [] });
      expect((await listDependencies({ companies, packages, clock, actor: b.admin })).dependencies.map((d) => d.package)).toEqual(['npm:x']);

      // A's dependencies are not B's: allocating to them is refused.
      const e = await refused(setAllocation({ companies, clock, actor: b.admin, lines: [line('npm:a', 34), line('npm:b', 33), line('npm:c', 33)] }), 'allocation_not_dependency');
      expect((e.details.violations as AllocationViolation[]).map((v) => v.code)).toEqual(Array(3).fill('allocation_not_dependency'));
      // A's admin acting from B's workspace is just a member of B.
      const aAdminInB: Actor = { userRef: a.admin.userRef, workspace: b.ws };
      await refused(setBudget({ companies, actor: aAdminInB, amount: money(1, 'EUR') }), 'not_admin');
      expect((await getStatus({ companies, packages, clock, actor: aAdminInB })).company.id).toBe(b.companyId);
      // B's changes and token leave A alone.
      await removeDependencies({ companies, actor: b.admin, packages: ['npm:a'] });
      await issueToken({ companies, actor: b.admin, randomBytes: bytes, hash });
      expect(await snapshot(a.companyId)).toEqual(beforeA);
      expect((await authenticateCompany({ companies, hash, token: tokenA })).company.id).toBe(a.companyId);
    });
  });
});
