// `npm run upkeep -- <command>`: the operator's tools.
import { isDomainError, unwrap } from '../core/errors.ts';
import { parsePeriod, type Period } from '../core/period.ts';
import { systemClock } from '../core/ports/clock.ts';
import { closePeriod, refuseUnclosable } from '../core/use-cases/close-period.ts';
import { openDatabase, type Database } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { foreignPayments, reconcilePayments } from '../prisma/payment-store.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from '../edge/logger.ts';
import { createServices, type Services } from './services.ts';
import { findCompany, issueOperatorToken } from './operator.ts';
import { startWorker } from './worker.ts';
import { closeBudgets, PAYMENT_COMMANDS, PAYMENTS_USAGE, runPaymentsCommand, type OperatorDeps } from '../payments/operator-commands.ts';

const USAGE = `Usage: npm run upkeep -- <command>

  migrate              apply database migrations
  close <YYYY-MM>      enqueue the close of a month for the worker (idempotent)
  close <YYYY-MM> --inline
                       close it in this process, with a progress bar
  check                verify ledger invariants; exit 1 on any violation
  token <company>      issue a company API token (company id, name or workspace), shown once
  discord:register [--guild <id>]
                       register the Discord slash commands (globally, or in one server at once)
${PAYMENTS_USAGE}
  help                 this text`;

/** The payment commands' dependencies, from the services. */
export function operatorDeps(s: Services): OperatorDeps {
  const { clock, companies, ledger, wishes, payments, gateway, outbox } = s;
  return { clock, companies, ledger, wishes, payments, gateway, outbox, currency: s.config.currency, publicUrl: s.config.publicUrl, findCompany: (ref) => findCompany(s, ref) };
}

async function withServices<T>(config: Config, fn: (s: Services, db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.database);
  try {
    const services = createServices({ config, db, clock: systemClock, log: createLogger(process.env.LOG_LEVEL ?? 'warn') });
    // Notices this command records (a settled pledge's status comment, month-end summaries)
    // are handed to the queue before exiting, so a running worker delivers them now.
    const recorded: string[] = [];
    services.notifications.onRecorded(async (ids) => void recorded.push(...ids));
    const result = await fn(services, db);
    services.notifications.onRecorded(null);
    if (recorded.length > 0) await handToWorker(services, recorded);
    return result;
  } finally {
    await db.close();
  }
}

/** Enqueues the deliveries of rows recorded by this process; if the queue is out of reach, the worker's sweep finds them. */
async function handToWorker(s: Services, ids: readonly string[]): Promise<void> {
  try {
    const jobs = await startWorker(s, { workers: false, schedules: false });
    try {
      await jobs.deliver(ids);
    } finally {
      await jobs.stop();
    }
  } catch (e) {
    console.error(`${ids.length} notice(s) recorded; the queue did not answer (${e instanceof Error ? e.message : String(e)}), so the worker's periodic sweep will deliver them.`);
  }
}

/** `close <YYYY-MM>`: hands the close to the worker through the queue. */
async function enqueueClose(s: Services, period: Period): Promise<number> {
  if ((await refuseUnclosable(s, period)) === 'closed') {
    console.log(`${period} was already closed; nothing changed.`);
    return 0;
  }
  const jobs = await startWorker(s, { workers: false, schedules: false });
  try {
    const job = await jobs.enqueueClose(period);
    const state = await job.getState();
    console.log(`Close of ${period} enqueued (job ${job.id}, ${state}) on ${jobs.backend.description}.`);
    console.log(
      s.db.kind === 'pglite'
        ? 'The worker of `npm start` (or `npm run worker`) runs it when it starts on this data directory; `--inline` closes it now.'
        : 'A running worker (`npm start` or `npm run worker`) picks it up; `--inline` closes it in this process instead.',
    );
    return 0;
  } finally {
    await jobs.stop();
  }
}

/** Stripe's reports (stored events, payment rows) against the ledger: lines for `upkeep check`. */
async function reconciliationLines(s: Services): Promise<{ differences: string[]; notOurs: string[] }> {
  const diffs = await reconcilePayments(s.db.prisma);
  const foreign = await foreignPayments(s.db.prisma);
  return { differences: diffs.map((d) => `DIFFERENCE [${d.check}] ${d.detail}`), notOurs: foreign.map((f) => `NOT OURS ${f.detail}`) };
}

function progressBar(done: number, total: number): void {
  if (!process.stderr.isTTY || total === 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} movements`);
  if (done === total) process.stderr.write('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate':
      return withServices(config, async (_s, db) => {
        const { applied, alreadyApplied } = db.migrations;
        console.log(applied.length ? `Applied ${applied.join(', ')}` : `Database is up to date (${alreadyApplied} migrations).`);
        return 0;
      });
    case 'close': {
      const inline = args.includes('--inline');
      const period = unwrap(parsePeriod(args.find((a) => a !== '--inline') ?? ''));
      if (!inline) return withServices(config, (s) => enqueueClose(s, period));
      return withServices(config, async (s) => {
        const report = await closePeriod({
          ledger: s.ledger,
          clock: s.clock,
          period,
          onProgress: progressBar,
          budgets: closeBudgets(operatorDeps(s)),
          announce: { outbox: s.outbox, currency: s.config.currency },
        });
        if (!report.closedNow && report.planned === 0) {
          console.log(`${period} was already closed; nothing changed.`);
        } else {
          console.log(`${period} closed: ${report.companies} companies, ${report.planned} movements planned, ${report.written} written.`);
        }
        for (const u of report.unfunded) console.log(`UNFUNDED company ${u.companyId}: budget charge failed (${u.reason}); its allocation is not funded for ${period}.`);
        return 0;
      });
    }
    case 'check':
      return withServices(config, async (s) => {
        const violations = await checkLedgerInvariants(s.db.prisma);
        const { differences, notOurs } = await reconciliationLines(s); // payments vs ledger
        // Others' charges on a shared Stripe account are told, never a failure.
        for (const line of notOurs) console.log(line);
        for (const d of differences) console.log(d);
        for (const v of violations) console.log(`VIOLATION [${v.check}] ${v.detail || '(no detail)'}`);
        if (violations.length === 0 && differences.length === 0) {
          console.log(`Ledger OK: every invariant holds${notOurs.length ? `; ${notOurs.length} Stripe refund(s) of charges that are not Upkeep's were ignored` : ''}.`);
          return 0;
        }
        console.log(`${violations.length} violation(s), ${differences.length} difference(s) with Stripe.`);
        return 1;
      });
    case 'token': {
      const ref = args.join(' ').trim();
      if (!ref) throw new UsageError('Say which company: `token <company id, name or workspace>`.');
      return withServices(config, async (s) => {
        const { company, token } = await issueOperatorToken(s, ref);
        console.log(`API token for ${company.name} (shown once; it replaces earlier tokens):\n${token}`);
        return 0;
      });
    }
    case 'discord:register': {
      const { registerFromCli } = await import('../bots/discord/register.ts');
      return registerFromCli(config.discord, args);
    }
    case PAYMENT_COMMANDS.find((c) => c === command) ?? '\0': // payments:list, refunds, payouts, charge...
      return withServices(config, async (s) => {
        const { code, lines } = await runPaymentsCommand(operatorDeps(s), command!, args);
        for (const l of lines) console.log(l);
        return code;
      });
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

class UsageError extends Error {}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof ConfigError) console.error(e.message);
      else if (isDomainError(e)) console.error(e.userMessage);
      else if (e instanceof UsageError) console.error(`${e.message}\n\n${USAGE}`);
      else console.error('Failed:', e instanceof Error ? e.message : e);
      process.exit(e instanceof UsageError || isDomainError(e) || e instanceof ConfigError ? 2 : 1);
    },
  );
}
