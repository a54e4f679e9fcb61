// The composition root's ports: every port implemented once on the database; app/ hands each
// adapter, route plugin and job the part it declares.
import { createHash } from 'node:crypto';
import type { Clock } from '../core/ports/clock.ts';
import { createPaymentGateway } from '../payments/create-gateway.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { PrismaUnfundedMonthStore } from '../prisma/unfunded-months.ts';
import { githubActivitySource } from '../bots/github/activity.ts';
import type { Database } from '../prisma/db.ts';
import { PrismaCompanyStore } from '../prisma/company-store.ts';
import { PrismaFundingStats } from '../prisma/funding-stats.ts';
import { PrismaIdentityLinkStore } from '../prisma/identity-link-store.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaPackageDirectory } from '../prisma/package-directory.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { PrismaWishSearch } from '../prisma/wish-search.ts';
import { PrismaWishMessageStore } from '../prisma/wish-messages.ts';
import { PrismaWishDiscussion } from '../prisma/discussion-store.ts';
import { PrismaWishThreadStore } from '../prisma/thread-store.ts';
import { PrismaLeaseStore } from '../prisma/lease-store.ts';
import { PrismaSubscriptionStore } from '../prisma/subscription-store.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import type { Logger } from '../edge/logger.ts';
import type { Ports } from '../core/ports/index.ts';
import { PrismaInboundLog, PrismaInboundTransactions, type InboundStoreFactory } from '../prisma/inbound-log.ts';
import { PrismaRateLimiter } from '../prisma/rate-limiter.ts';
import type { Config } from './config.ts';

/** The ports, plus what only the composition root may hold (the configuration, the database, the logger). */
export interface Services extends Ports {
  config: Config;
  db: Database;
  log: Logger;
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export function createServices({ config, db, clock, log }: { config: Config; db: Database; clock: Clock; log: Logger }): Services {
  // Built the same way on the database and on an inbound delivery's transaction.
  const effectStores: InboundStoreFactory = (client, outbox) => ({
    companies: new PrismaCompanyStore(client),
    ledger: new PrismaLedgerStore(client),
    // Every wish change also records, with the GitHub App, its status-comment and announcement
    // notices and, with a Discord bot, the update of its posted cards.
    wishes: new PrismaWishStore(client, config.github || config.discord?.botToken ? outbox : null, { github: config.github !== null, discord: Boolean(config.discord?.botToken) }),
    payments: new PrismaPaymentStore(client),
    unfundedMonths: new PrismaUnfundedMonthStore(client),
  });
  const outbox = new PrismaNotificationOutbox(db.prisma);
  const stores = effectStores(db.prisma, outbox);
  return {
    config,
    db,
    clock,
    log,
    ...stores,
    packages: new PrismaPackageDirectory(db.prisma),
    fundingStats: new PrismaFundingStats(db.prisma),
    identityLinks: new PrismaIdentityLinkStore(db.prisma),
    subscriptions: new PrismaSubscriptionStore(db.prisma),
    hashToken: sha256Hex,
    wishMessages: new PrismaWishMessageStore(db.prisma),
    wishSearch: new PrismaWishSearch(db.prisma),
    discussion: new PrismaWishDiscussion(db.prisma),
    threads: new PrismaWishThreadStore(db.prisma),
    leases: new PrismaLeaseStore(db.prisma),
    repositories: new PrismaRepositoryStore(db.prisma),
    activity: config.github ? githubActivitySource(config.github, log) : null,
    outbox,
    notifications: outbox,
    gateway: createPaymentGateway(config, stores.payments),
    inbound: new PrismaInboundLog(db.prisma),
    inboundEffects: new PrismaInboundTransactions(db.prisma, outbox, effectStores),
    rateLimiter: new PrismaRateLimiter(db.prisma),
  };
}
