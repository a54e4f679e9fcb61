import { closability, type Closability } from '../closability.ts';
import { unwrap, type Result } from '../errors.ts';
import { monthEndNotices } from '../month-end-notices.ts';
import { planPeriodClose, summarisePlan, type PlanSummary } from '../month-end.ts';
import type { Period } from '../period.ts';
import type { Clock } from '../ports/clock.ts';
import type { CloseSnapshot, LedgerStore } from '../ports/ledger.ts';
import type { NotificationOutbox } from '../ports/notifications.ts';
import type { PackageId } from '../packages.ts';
import type { PackageDirectory } from '../ports/packages.ts';

/** Transactions handed to the store at a time; also the progress granularity. */
const CHUNK = 5_000;
/** Notices handed to the outbox at a time (each batch is one subscription lookup, and the outbox matches a batch's notices against its subscriptions pairwise). */
const NOTICE_CHUNK = 1_000;
/** Packages looked up at a time for their repositories (one query each, its list of ids bounded). */
const PROFILE_CHUNK = 5_000;

/**
 * Collects each company's budget before the close distributes it (Stripe off-session charges,
 * or offline: recorded as owed). Idempotent per company and period; returns the companies
 * whose money did not arrive: their allocation stays unfunded for the period.
 */
export interface BudgetCollector {
  collect(period: Period, companies: readonly { companyId: string; budget: number }[]): Promise<{ unfunded: readonly { companyId: string; reason: string }[] }>;
}

const EMPTY_SNAPSHOT: CloseSnapshot = { companies: [], maintainers: new Map(), escrowLots: [] };

/** A ledger that can drop unfunded companies from a close's frozen snapshot (so a resumed close plans the same). */
type ClosingLedger = LedgerStore & { excludeFromClose?(period: Period, companyIds: readonly string[]): Promise<void> };

export interface CloseReport {
  period: Period;
  /** False when the period was already closed: nothing was written. */
  closedNow: boolean;
  companies: number;
  planned: number;
  /** Transactions this run wrote (0 on a repeat; less than planned when resuming a crashed close). */
  written: number;
  summary: PlanSummary | null;
  /** Companies skipped by this run because their budget charge failed (see BudgetCollector). */
  unfunded: { companyId: string; reason: string }[];
}

/**
 * Closes a period: freezes the standing allocations, plans every movement (core/month-end.ts)
 * and appends them to the ledger. Idempotent: a second run, or a racing one, writes nothing
 * new; a run that died halfway is completed by the next one from the same snapshot.
 * The current month may be closed early; a future one may not.
 */
export async function closePeriod({
  ledger,
  clock,
  period,
  onProgress,
  budgets,
  announce,
}: {
  ledger: ClosingLedger;
  clock: Clock;
  period: Period;
  onProgress?: (done: number, total: number) => void;
  /** When given, budgets are collected first and companies whose charge failed are skipped. */
  budgets?: BudgetCollector;
  /** When given, month-end summaries go to the channels following each company and package (and, with `packages`, the package's repository). */
  announce?: { outbox: NotificationOutbox; currency: string; packages?: PackageDirectory };
}): Promise<CloseReport> {
  const now = clock.now();
  if (unwrap(await closabilityOf(ledger, now, period)) === 'closed') {
    return { period, closedNow: false, companies: 0, planned: 0, written: 0, summary: null, unfunded: [] };
  }
  await ledger.beginClose(period, now);
  let snapshot = await ledger.snapshot(period);
  let unfunded: { companyId: string; reason: string }[] = [];
  if (budgets) {
    unfunded = [...(await budgets.collect(period, snapshot.companies.map((c) => ({ companyId: c.companyId, budget: c.budget })))).unfunded];
    if (unfunded.length > 0) {
      const skip = new Set(unfunded.map((u) => u.companyId));
      await ledger.excludeFromClose?.(period, [...skip]);
      snapshot = { ...snapshot, companies: snapshot.companies.filter((c) => !skip.has(c.companyId)) };
    }
  }
  const plan = planPeriodClose({ period, ...snapshot });
  const companies = snapshot.companies.length;
  // The plan holds everything the rest needs; the snapshot's million allocation lines can go.
  snapshot = EMPTY_SNAPSHOT;
  let written = 0;
  for (let i = 0; i < plan.length; i += CHUNK) {
    written += await ledger.append(plan.slice(i, i + CHUNK));
    onProgress?.(Math.min(i + CHUNK, plan.length), plan.length);
  }
  if (plan.length === 0) onProgress?.(0, 0);
  const summary = summarisePlan(plan);
  // Before the period is marked closed, so a close that dies here announces on its next run.
  if (announce) {
    const repositoryOf = new Map<PackageId, string>();
    if (announce.packages) {
      // The funded packages are those with a summary (`fundedPackages`), here from the summary already made.
      const funded = [...summary.packages.keys()];
      for (let i = 0; i < funded.length; i += PROFILE_CHUNK) {
        for (const p of (await announce.packages.profiles(funded.slice(i, i + PROFILE_CHUNK))).values()) if (p.repository) repositoryOf.set(p.id, p.repository);
      }
    }
    const notices = monthEndNotices(period, plan, announce.currency, repositoryOf);
    for (let i = 0; i < notices.length; i += NOTICE_CHUNK) await announce.outbox.enqueue(notices.slice(i, i + NOTICE_CHUNK));
  }
  const state = await ledger.finishClose(period, clock.now());
  return {
    period,
    closedNow: state.status === 'closed',
    companies,
    planned: plan.length,
    written,
    summary,
    unfunded,
  };
}

async function closabilityOf(ledger: Pick<LedgerStore, 'period' | 'closedPeriods'>, now: Date, period: Period): Promise<Result<Closability>> {
  const [existing, closed] = await Promise.all([ledger.period(period), ledger.closedPeriods()]);
  return closability(period, { now, existing, closedPeriods: closed.map((p) => p.period) });
}

/**
 * Refuses, before anything is enqueued, a close that `closePeriod` would refuse (the CLI's
 * `close`, the admin route): the same rule, so the two never disagree. Returns whether the
 * close is new, resumes one that began, or has nothing left to do (`closed`).
 */
export async function refuseUnclosable({ ledger, clock }: { ledger: Pick<LedgerStore, 'period' | 'closedPeriods'>; clock: Clock }, period: Period): Promise<Closability> {
  return unwrap(await closabilityOf(ledger, clock.now(), period));
}
