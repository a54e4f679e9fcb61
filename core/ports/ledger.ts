import type { LedgerTransaction } from '../ledger.ts';
import type { Period } from '../period.ts';
import type { PackageId } from '../packages.ts';

export interface PeriodState {
  readonly period: Period;
  readonly status: 'closing' | 'closed';
  readonly startedAt: Date;
  readonly closedAt: Date | null;
}

/** Everything a close plans from, frozen when the close began. */
export interface CloseSnapshot {
  readonly companies: { companyId: string; budget: number; allocation: { package: PackageId; points: number }[] }[];
  readonly maintainers: ReadonlyMap<PackageId, { login: string; share: number }[]>;
  readonly escrowLots: { package: PackageId; companyId: string; originPeriod: Period; amount: number }[];
}

/** Persistence of periods and the ledger. Implemented in prisma/. */
export interface LedgerStore {
  period(period: Period): Promise<PeriodState | null>;
  /**
   * Starts the close of `period` if nobody has: freezes the standing allocations, budgets and
   * maintainer shares. Idempotent and safe when several closers race.
   */
  beginClose(period: Period, at: Date): Promise<PeriodState>;
  snapshot(period: Period): Promise<CloseSnapshot>;
  /** Writes transactions whose key is new; returns how many were new. Never duplicates. */
  append(transactions: readonly LedgerTransaction[]): Promise<number>;
  finishClose(period: Period, at: Date): Promise<PeriodState>;
  /** Transactions touching any of the company's accounts (optionally in one period). */
  companyTransactions(companyId: string, period?: Period): Promise<LedgerTransaction[]>;
  closedPeriods(): Promise<PeriodState[]>;
  /** The latest `limit` periods that began closing (closing or closed), newest first. */
  recentPeriods(limit: number): Promise<PeriodState[]>;
  /** Every transaction touching `maintainer:<login>` (whole, every entry), oldest first, with when it was written. */
  maintainerTransactions(login: string): Promise<RecordedTransaction[]>;
  /**
   * What each company contributed to these package pools in these periods (contribution
   * transactions only, one row per company, period and package); for maintainers' funders.
   */
  contributors(pools: readonly { period: Period; package: PackageId }[]): Promise<PoolContribution[]>;
}

/** A ledger transaction as stored, with the moment it was written. */
export interface RecordedTransaction {
  readonly transaction: LedgerTransaction;
  readonly recordedAt: Date;
}

/** One company's contribution to one package pool in one period. */
export interface PoolContribution {
  readonly companyId: string;
  readonly period: Period;
  readonly package: PackageId;
  readonly amount: number;
}
