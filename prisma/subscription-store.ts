// SubscriptionStore on PostgreSQL (or PGlite): the `subscription` table, unique per (platform, channel, target).
import type { Subscription, SubscriptionPlatform, SubscriptionStore } from '../core/ports/subscriptions.ts';
import type { PrismaClient } from './generated/client.ts';

type Row = { platform: string; channel: string; target: string; companyId: string | null; createdBy: string; createdAt: Date };

const toSubscription = (r: Row): Subscription => ({
  platform: r.platform as SubscriptionPlatform,
  channel: r.channel,
  target: r.target,
  companyId: r.companyId,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PrismaSubscriptionStore implements SubscriptionStore {
  constructor(private readonly prisma: PrismaClient) {}

  async add(input: { platform: SubscriptionPlatform; channel: string; target: string; companyId: string | null; createdBy: string }) {
    const companyId = input.companyId !== null && UUID.test(input.companyId) ? input.companyId : null;
    // ON CONFLICT DO NOTHING: two racing subscribes both succeed, one row exists.
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO subscription (platform, channel, target, company_id, created_by)
      VALUES (${input.platform}, ${input.channel}, ${input.target}, ${companyId}::uuid, ${input.createdBy})
      ON CONFLICT (platform, channel, target) DO NOTHING`;
    const row = await this.prisma.subscription.findUniqueOrThrow({
      where: { platform_channel_target: { platform: input.platform, channel: input.channel, target: input.target } },
    });
    return { subscription: toSubscription(row), created: inserted > 0 };
  }

  async forTarget(target: string): Promise<Subscription[]> {
    return (await this.prisma.subscription.findMany({ where: { target }, orderBy: { id: 'asc' } })).map(toSubscription);
  }

  async forCompany(companyId: string): Promise<Subscription[]> {
    if (!UUID.test(companyId)) return [];
    return (await this.prisma.subscription.findMany({ where: { companyId }, orderBy: { id: 'asc' } })).map(toSubscription);
  }

  async forChannel(platform: SubscriptionPlatform, channel: string): Promise<Subscription[]> {
    return (await this.prisma.subscription.findMany({ where: { platform, channel }, orderBy: { id: 'asc' } })).map(toSubscription);
  }

  async remove({ platform, channel, target }: { platform: SubscriptionPlatform; channel: string; target: string }): Promise<boolean> {
    const { count } = await this.prisma.subscription.deleteMany({ where: { platform, channel, target } });
    return count > 0;
  }
}
