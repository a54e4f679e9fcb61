// The composition root: every port implemented once, handed to routes, bots and jobs.
import { createHash } from 'node:crypto';
import type { Clock } from '../core/ports/clock.ts';
import type { CompanyStore } from '../core/ports/companies.ts';
import type { FundingStats } from '../core/ports/funding-stats.ts';
import type { IdentityLinkStore } from '../core/ports/identity-links.ts';
import type { LedgerStore } from '../core/ports/ledger.ts';
import type { PackageDirectory } from '../core/ports/packages.ts';
import type { NotificationOutbox } from '../core/ports/notifications.ts';
import type { PaymentProvider, PaymentStore } from '../core/ports/payments.ts';
import { createPaymentGateway } from '../payments/create-gateway.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import type { RepositoryActivitySource, RepositoryStore } from '../core/ports/repositories.ts';
import { githubActivitySource } from '../bots/github/activity.ts';
import type { WishStore } from '../core/ports/wishes.ts';
import type { SubscriptionStore } from '../core/ports/subscriptions.ts';
import type { Database } from '../prisma/db.ts';
import { PrismaCompanyStore } from '../prisma/company-store.ts';
import { PrismaFundingStats } from '../prisma/funding-stats.ts';
import { PrismaIdentityLinkStore } from '../prisma/identity-link-store.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaPackageDirectory } from '../prisma/package-directory.ts';
import { PrismaRepositoryStore } from '../prisma/repository-store.ts';
import { PrismaWishStore } from '../prisma/wish-store.ts';
import { PrismaSubscriptionStore } from '../prisma/subscription-store.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import type { Logger } from './logger.ts';
import type { Config } from './config.ts';

export interface Services {
  config: Config;
  db: Database;
  clock: Clock;
  log: Logger;
  companies: CompanyStore;
  packages: PackageDirectory;
  ledger: LedgerStore;
  fundingStats: FundingStats;
  /** Chat users' GitHub logins, confirmed from GitHub (Discord `/link github`). */
  identityLinks: IdentityLinkStore;
  /** Chat channels following packages and repositories (Slack and Discord `subscribe`). */
  subscriptions: SubscriptionStore;
  hashToken(token: string): string;
  /** Wishes (GitHub issues crowdfunded by pledges). */
  wishes: WishStore;
  /** Repositories' opt-ins, maintainers and activity (the GitHub App writes them). */
  repositories: RepositoryStore;
  /** Reads repositories' latest activity from GitHub (null when the App is not configured). */
  activity: RepositoryActivitySource | null;
  /** Notices to subscribed channels: notification rows, delivered by the worker (worker/jobs.ts). */
  outbox: NotificationOutbox;
  /** Stripe (STRIPE_SECRET_KEY set) or offline gateway; the type allows null for tests that run without payments. */
  payments: PaymentProvider | null;
  /** Payment attempts, saved payment methods and payout accounts (the payments adapter's rows). */
  paymentStore: PaymentStore;
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export function createServices({ config, db, clock, log }: { config: Config; db: Database; clock: Clock; log: Logger }): Services {
  const paymentStore = new PrismaPaymentStore(db.prisma);
  return {
    config,
    db,
    clock,
    log,
    companies: new PrismaCompanyStore(db.prisma),
    packages: new PrismaPackageDirectory(db.prisma),
    ledger: new PrismaLedgerStore(db.prisma),
    fundingStats: new PrismaFundingStats(db.prisma),
    identityLinks: new PrismaIdentityLinkStore(db.prisma),
    subscriptions: new PrismaSubscriptionStore(db.prisma),
    hashToken: sha256Hex,
    wishes: new PrismaWishStore(db.prisma),
    repositories: new PrismaRepositoryStore(db.prisma),
    activity: config.github ? githubActivitySource(config.github, log) : null,
    outbox: new PrismaNotificationOutbox(db.prisma),
    payments: createPaymentGateway(config, paymentStore),
    paymentStore,
  };
}
