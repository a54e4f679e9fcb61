// Benchmark: close a period of 100,000 allocation lines (20,000 companies × 5 packages) on
// PostgreSQL as the scheduled close does (offline budget collection, ledger, month-end
// summaries), and a second time (the idempotent no-op). Prints and returns the timings.
import { performance } from 'node:perf_hooks';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { openTestDatabase } from '../test/databases.ts';

export interface CloseBenchResult {
  name: string;
  companies: number;
  allocationLines: number;
  transactions: number;
  firstCloseMs: number;
  repeatCloseMs: number;
  checkMs: number;
}

export async function benchClosePeriod(companies = 20_000, packagesPerCompany = 5): Promise<CloseBenchResult> {
  const db = await openTestDatabase('postgres');
  try {
    // Seeding in SQL: 200 packages, a third of them without maintainers (escrow path).
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO repository (id, opted_in, terms_version, license, last_activity_at)
      SELECT 'org/repo' || g, true, 1, 'MIT', now() FROM generate_series(1, 133) g`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO repository_maintainer (repository_id, login, share)
      SELECT 'org/repo' || g, m.login, m.share FROM generate_series(1, 133) g,
        (VALUES ('alice', 60), ('bob', 40)) AS m(login, share)`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO package_claim (package_id, repository_id)
      SELECT 'npm:pkg-' || g, 'org/repo' || g FROM generate_series(1, 133) g`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO company (id, name, workspace, budget, currency)
      SELECT gen_random_uuid(), 'company ' || g, 'bench:' || g, 10000 + (g * 37) % 90000, 'EUR' FROM generate_series(1, ${companies}) g`);
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO allocation (company_id, created_by, created_at)
      SELECT id, 'bench', '2026-01-01' FROM company`);
    // Points 20 each over 5 packages chosen per company.
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO allocation_line (allocation_id, package_id, points)
      SELECT a.id, 'npm:pkg-' || (1 + ((a.id * 7 + k * 41) % 200)), 20
      FROM allocation a, generate_series(0, ${packagesPerCompany - 1}) k`);
    const ledger = new PrismaLedgerStore(db.prisma);
    const clock = fixedClock('2026-11-01T00:00:00Z');
    const period = '2026-10' as Period;
    // As the scheduled close runs it, offline: every budget recorded as owed, summaries announced.
    const paymentStore = new PrismaPaymentStore(db.prisma);
    const budgets = budgetCollector({ gateway: new OfflineGateway(paymentStore), payments: paymentStore, outbox: silentOutbox, currency: 'EUR' });
    let t = performance.now();
    const report = await closePeriod({ ledger, clock, period, budgets, announce: { outbox: new PrismaNotificationOutbox(db.prisma), currency: 'EUR' } });
    const firstCloseMs = performance.now() - t;
    t = performance.now();
    await closePeriod({ ledger, clock, period });
    const repeatCloseMs = performance.now() - t;
    t = performance.now();
    const violations = await checkLedgerInvariants(db.prisma);
    const checkMs = performance.now() - t;
    if (violations.length > 0) throw new Error(`ledger invariants violated: ${JSON.stringify(violations.slice(0, 3))}`);
    return {
      name: 'close period on PostgreSQL',
      companies,
      allocationLines: companies * packagesPerCompany,
      transactions: report.planned,
      firstCloseMs: Math.round(firstCloseMs),
      repeatCloseMs: Math.round(repeatCloseMs),
      checkMs: Math.round(checkMs),
    };
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchClosePeriod();
  console.log(JSON.stringify(r, null, 2));
}
