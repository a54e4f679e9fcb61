// The composition root: every port implemented once, handed to routes, bots and jobs.
import { createHash } from 'node:crypto';
import type { Clock } from '../core/ports/clock.ts';
import type { CompanyStore } from '../core/ports/companies.ts';
import type { FundingStats } from '../core/ports/funding-stats.ts';
import type { LedgerStore } from '../core/ports/ledger.ts';
import type { PackageDirectory } from '../core/ports/packages.ts';
import type { Database } from '../prisma/db.ts';
import { PrismaCompanyStore } from '../prisma/company-store.ts';
import { PrismaFundingStats } from '../prisma/funding-stats.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaPackageDirectory } from '../prisma/package-directory.ts';
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
  hashToken(token: string): string;
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export function createServices({ config, db, clock, log }: { config: Config; db: Database; clock: Clock; log: Logger }): Services {
  return {
    config,
    db,
    clock,
    log,
    companies: new PrismaCompanyStore(db.prisma),
    packages: new PrismaPackageDirectory(db.prisma),
    ledger: new PrismaLedgerStore(db.prisma),
    fundingStats: new PrismaFundingStats(db.prisma),
    hashToken: sha256Hex,
  };
}
