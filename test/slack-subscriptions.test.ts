// subscribeChannel (shared by Slack and Discord) on the real store, PostgreSQL and PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import { subscribeChannel } from '../core/use-cases/subscribe-channel.ts';
import { PrismaCompanyStore } from '../prisma/company-store.ts';
import { PrismaSubscriptionStore } from '../prisma/subscription-store.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';

describe.each(BACKENDS)('subscribeChannel on %s', (backend) => {
  let db: TestDatabase;
  let subscriptions: PrismaSubscriptionStore;
  let companies: PrismaCompanyStore;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    subscriptions = new PrismaSubscriptionStore(db.prisma);
    companies = new PrismaCompanyStore(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores a package or repository target once per channel; concurrent subscribes make one row', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => subscribeChannel({ subscriptions, platform: 'discord', channel: '1234', target: 'https://github.com/Vitejs/Vite', createdBy: 'discord:99' })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]!.key).toBe('repo:vitejs/vite');
    const pkg = await subscribeChannel({ subscriptions, platform: 'discord', channel: '1234', target: { kind: 'package', package: 'npm:react' as never }, createdBy: 'discord:99' });
    expect(pkg.key).toBe('package:npm:react');
    expect((await subscriptions.forTarget('repo:vitejs/vite')).map((s) => [s.platform, s.channel, s.companyId])).toEqual([['discord', '1234', null]]);
    expect(await subscriptions.forChannel('discord', '1234')).toHaveLength(2);
  });

  it('refuses a target that is neither, and a missing channel', async () => {
    await expect(subscribeChannel({ subscriptions, platform: 'slack', channel: 'T1/C1', target: 'react', createdBy: 'slack:U1' })).rejects.toBeInstanceOf(DomainError);
    await expect(subscribeChannel({ subscriptions, platform: 'slack', channel: ' ', target: 'npm:react', createdBy: 'slack:U1' })).rejects.toThrow(/channel/);
  });

  it('with the company port: the workspace company is attached and only its admins may subscribe', async () => {
    const company = (await companies.create({ name: 'Acme', workspace: 'slack:T1', currency: 'EUR', adminRef: 'slack:UA' }))!;
    const admin = { userRef: 'slack:UA', workspace: 'slack:T1' };
    const r = await subscribeChannel({ subscriptions, platform: 'slack', channel: 'T1/C1', target: 'npm:react', createdBy: admin.userRef, companies, actor: admin, companyId: 'ignored' });
    expect(r.subscription.companyId).toBe(company.id);
    expect((await subscriptions.forCompany(company.id)).map((s) => s.target)).toEqual(['package:npm:react']);
    const member = { userRef: 'slack:UM', workspace: 'slack:T1' };
    await expect(subscribeChannel({ subscriptions, platform: 'slack', channel: 'T1/C2', target: 'npm:react', createdBy: member.userRef, companies, actor: member })).rejects.toMatchObject({ code: 'not_admin' });
  });
});
