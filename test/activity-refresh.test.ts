import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createServices, type Services } from '../app/services.ts';
import { githubActivitySource } from '../bots/github/activity.ts';
import { packageWarnings } from '../core/package-warnings.ts';
import type { PackageId } from '../core/packages.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { refreshActivity } from '../core/use-cases/refresh-activity.ts';
import { SCHEDULES } from '../worker/jobs.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeGithubApi, type FakeGithubApi } from '../dev/fakes/github-api.ts';

const NOW = new Date('2026-11-20T00:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

describe('refreshing package activity from GitHub', () => {
  let db: TestDatabase;
  let fake: FakeGithubApi;
  let s: Services;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    fake = await startFakeGithubApi();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const config = loadConfig({ GITHUB_APP_ID: '123', GITHUB_PRIVATE_KEY: privateKey, GITHUB_WEBHOOK_SECRET: 'secret', GITHUB_API_URL: fake.url });
    s = createServices({ config, db, clock: fixedClock(NOW), log: createLogger('silent') });
    fake.addRepo('acme/fresh', { installationId: 7, pushedAt: daysAgo(10), releasedAt: daysAgo(40), issueUpdatedAt: daysAgo(2) });
    fake.addRepo('acme/stale', { installationId: 7, pushedAt: daysAgo(200), releasedAt: daysAgo(120), issueUpdatedAt: daysAgo(95) });
    fake.addRepo('acme/broken', { installationId: 7, pushedAt: daysAgo(1) });
    const optIn = (repository: string, pkg: string, installationId: number | null) =>
      s.repositories.optIn({ repository, installationId, packages: [pkg as PackageId], maintainers: [{ login: 'alice', share: 100 }], termsVersion: 1, license: 'MIT', description: null, needs: null, contact: null });
    await optIn('acme/fresh', 'npm:fresh', 7);
    await optIn('acme/stale', 'npm:stale', 7);
    await optIn('acme/broken', 'npm:broken', 7);
    await optIn('acme/uninstalled', 'npm:uninstalled', null);
  });
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  it('records the latest commit, release or issue activity, and keeps going past a repository it cannot read', async () => {
    fake.failNext('GET', /^\/repos\/acme\/broken$/, 502);
    const source = githubActivitySource(s.config.github!, s.log, { retries: false });
    const result = await refreshActivity({ repositories: s.repositories, source, clock: s.clock });
    expect(result).toMatchObject({ checked: 3, updated: 2, skipped: ['acme/uninstalled'] });
    expect(result.failed.map((f) => f.repository)).toEqual(['acme/broken']);
    expect((await s.repositories.find('acme/fresh'))?.lastActivityAt?.toISOString()).toBe(daysAgo(2));
    expect((await s.repositories.find('acme/stale'))?.lastActivityAt?.toISOString()).toBe(daysAgo(95));
    // Read with the App's installation token.
    expect(fake.of('POST', /^\/app\/installations\/7\/access_tokens$/).length).toBeGreaterThan(0);
    expect(fake.of('GET', /^\/repos\/acme\/fresh\/releases/)[0]?.authorization).toMatch(/ghs_installation_7/);
  });

  it('drives the inactivity warning companies see', async () => {
    const profiles = await s.packages.profiles(['npm:fresh', 'npm:stale'] as PackageId[]);
    expect(packageWarnings(profiles.get('npm:fresh' as PackageId)!, NOW)).toEqual(['single_maintainer']);
    expect(packageWarnings(profiles.get('npm:stale' as PackageId)!, NOW)).toEqual(['inactive', 'single_maintainer']);
  });

  it('never moves activity backwards, and reads the failed repository on the next run', async () => {
    fake.addRepo('acme/fresh', { installationId: 7, pushedAt: daysAgo(300) });
    const source = githubActivitySource(s.config.github!, s.log, { retries: false });
    const result = await refreshActivity({ repositories: s.repositories, source, clock: s.clock });
    expect(result.failed).toEqual([]);
    expect((await s.repositories.find('acme/fresh'))?.lastActivityAt?.toISOString()).toBe(daysAgo(2));
    expect((await s.repositories.find('acme/broken'))?.lastActivityAt?.toISOString()).toBe(daysAgo(1));
  });

  it('runs daily on the worker', () => {
    expect(SCHEDULES.find((x) => x.job === 'refresh-activity')).toMatchObject({ pattern: '0 3 * * *', queue: 'maintenance' });
  });
});
