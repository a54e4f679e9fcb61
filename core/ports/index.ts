// Every port the core defines, in one bundle. The composition root (app/) implements it once;
// each adapter, route plugin and job declares the part it uses (`Pick<Ports, ...>`), so its
// signature says what it needs and nothing hands it a database or the configuration.
import type { Clock } from './clock.ts';
import type { CompanyStore } from './companies.ts';
import type { WishDiscussion } from './discussion.ts';
import type { FundingStats } from './funding-stats.ts';
import type { IdentityLinkStore } from './identity-links.ts';
import type { InboundLog, InboundTransactions } from './inbound.ts';
import type { LedgerStore } from './ledger.ts';
import type { NotificationLog, NotificationOutbox } from './notifications.ts';
import type { PackageDirectory } from './packages.ts';
import type { PaymentProvider, PaymentStore } from './payments.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { RepositoryActivitySource, RepositoryStore } from './repositories.ts';
import type { SubscriptionStore } from './subscriptions.ts';
import type { UnfundedMonthStore } from './unfunded-months.ts';
import type { WishStore } from './wishes.ts';
import type { WishSearch } from './wish-search.ts';
import type { WishMessageStore } from './wish-messages.ts';
import type { WishThreadStore } from './threads.ts';
import type { LeaseStore } from './leases.ts';

export interface Ports {
  clock: Clock;
  companies: CompanyStore;
  packages: PackageDirectory;
  ledger: LedgerStore;
  fundingStats: FundingStats;
  /** Chat users' GitHub logins, confirmed from GitHub (Discord `/link github`). */
  identityLinks: IdentityLinkStore;
  /** Chat channels following packages and repositories. */
  subscriptions: SubscriptionStore;
  /** Wishes (GitHub issues crowdfunded by pledges). */
  wishes: WishStore;
  /** Messages posted about wishes and kept up to date (Discord cards, GitHub `/pledge` replies). */
  wishMessages: WishMessageStore;
  /** The comments of each wish's GitHub issue, as GitHub delivered them (shown on the wish page). */
  discussion: WishDiscussion;
  /** Each wish's Discord discussion threads and the issue comments relayed into them. */
  threads: WishThreadStore;
  /** Named leases: work exactly one process does at a time (the Discord Gateway connection). */
  leases: LeaseStore;
  /** Wishes and repositories matching typed text (chat autocomplete). */
  wishSearch: WishSearch;
  /** Repositories' opt-ins, maintainers and activity. */
  repositories: RepositoryStore;
  /** Reads repositories' latest activity from GitHub (null when the GitHub App is not configured). */
  activity: RepositoryActivitySource | null;
  /** Notices: rows delivered by the worker, whatever process recorded them. */
  outbox: NotificationOutbox;
  /** The outbox's recorded deliveries, for the worker (the same rows `outbox` writes). */
  notifications: NotificationLog;
  /** Stripe, or the offline gateway (commitments settled by an operator): never null. */
  gateway: PaymentProvider;
  /** Payment attempts, saved payment methods and payout accounts. */
  payments: PaymentStore;
  /** Allocations of months a failed budget charge left unfunded (for a late charge). */
  unfundedMonths: UnfundedMonthStore;
  /** Inbound deliveries already handled (use through core/inbound.ts `receiveOnce`). */
  inbound: InboundLog;
  /** A delivery's record and its effect in one database transaction (use through core/inbound.ts `applyOnce`). */
  inboundEffects: InboundTransactions;
  /** Abuse counters shared by every instance (use through core/rate-limits.ts `enforceRateLimit`). */
  rateLimiter: RateLimiter;
  /** SHA-256 of a company API token (only hashes are stored). */
  hashToken(token: string): string;
}
