// One close of a seeded database in a process of its own, so its peak RSS is the close's alone
// (bench/close-period.ts spawns it). Prints one JSON line: the close's time, peak RSS, counts,
// and, on PGlite (seeded here in memory), its own INSERT … SELECT limit.
//   node --import tsx bench/close-child.ts postgres <url> <period> <closeAt>
//   node --import tsx bench/close-child.ts pglite <companies> <period> <closeAt>
import { performance } from 'node:perf_hooks';
import type { Period } from '../core/period.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { budgetCollector } from '../core/use-cases/payments/collect-budgets.ts';
import { OfflineGateway } from '../payments/offline-gateway.ts';
import { openDatabase, pgliteSession, type Database } from '../prisma/db.ts';
import { PrismaLedgerStore } from '../prisma/ledger-store.ts';
import { PrismaNotificationOutbox } from '../prisma/notification-outbox.ts';
import { PrismaPackageDirectory } from '../prisma/package-directory.ts';
import { PrismaPaymentStore } from '../prisma/payment-store.ts';
import { ledgerLimit, seedStatements } from './close-period.ts';

const [kind, target, period, closeAt] = process.argv.slice(2) as ['postgres' | 'pglite', string, Period, string];

/** With BENCH_PHASES=1, the time spent in each port method goes to stderr (what the close waits on). */
const phases = new Map<string, number>();
function timed<T extends object>(name: string, o: T): T {
  if (!process.env.BENCH_PHASES) return o;
  return new Proxy(o, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const t = performance.now();
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const k = `${name}.${String(prop)}`;
          phases.set(k, (phases.get(k) ?? 0) + performance.now() - t);
        }
      };
    },
  });
}

/** The close as the scheduled job runs it: offline budgets, ledger, month-end summaries with the packages' repositories. */
async function close(db: Database): Promise<{ ms: number; planned: number; written: number }> {
  const payments = timed('payments', new PrismaPaymentStore(db.prisma));
  const outbox = timed('outbox', new PrismaNotificationOutbox(db.prisma));
  const clock = fixedClock(closeAt);
  const started = performance.now();
  const report = await closePeriod({
    ledger: timed('ledger', new PrismaLedgerStore(db.prisma)),
    clock,
    period,
    budgets: budgetCollector({ gateway: new OfflineGateway(payments), payments, outbox, currency: 'EUR', clock }),
    announce: { outbox, currency: 'EUR', packages: timed('packages', new PrismaPackageDirectory(db.prisma)) },
  });
  if (process.env.BENCH_PHASES) process.stderr.write(`${JSON.stringify(Object.fromEntries([...phases].map(([k, v]) => [k, Math.round(v)])))}\n`);
  return { ms: performance.now() - started, planned: report.planned, written: report.written };
}

const db = kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: target }) : await openDatabase({ kind: 'pglite', dataDir: null });
try {
  let limitMs: number | null = null;
  if (kind === 'pglite') {
    const session = pgliteSession(db.pglite!);
    for (const s of seedStatements(Number(target))) await session.exec(s);
    await session.exec('VACUUM ANALYZE');
  }
  const result = await close(db);
  if (kind === 'pglite') limitMs = await ledgerLimit(pgliteSession(db.pglite!));
  // maxRSS is in KiB.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMiB, limitMs })}\n`);
} finally {
  await db.close();
}
