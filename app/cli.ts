// `npm run upkeep -- <command>`: the operator's tools.
import { isDomainError, unwrap } from '../core/errors.ts';
import { parsePeriod } from '../core/period.ts';
import { systemClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { openDatabase, type Database } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createServices, type Services } from './services.ts';
import { issueOperatorToken } from './operator.ts';

const USAGE = `Usage: npm run upkeep -- <command>

  migrate              apply database migrations
  close <YYYY-MM>      close a month now: plan and write every movement (idempotent)
  check                verify ledger invariants; exit 1 on any violation
  token <company>      issue a company API token (company id, name or workspace), shown once
  help                 this text`;

async function withServices<T>(config: Config, fn: (s: Services, db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.database);
  try {
    const services = createServices({ config, db, clock: systemClock, log: createLogger(process.env.LOG_LEVEL ?? 'warn') });
    return await fn(services, db);
  } finally {
    await db.close();
  }
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
      const period = unwrap(parsePeriod(args[0] ?? ''));
      return withServices(config, async (s) => {
        const report = await closePeriod({ ledger: s.ledger, clock: s.clock, period, onProgress: progressBar });
        if (!report.closedNow && report.planned === 0) {
          console.log(`${period} was already closed; nothing changed.`);
        } else {
          console.log(`${period} closed: ${report.companies} companies, ${report.planned} movements planned, ${report.written} written.`);
        }
        return 0;
      });
    }
    case 'check':
      return withServices(config, async (s) => {
        const violations = await checkLedgerInvariants(s.db.prisma);
        if (violations.length === 0) {
          console.log('Ledger OK: every invariant holds.');
          return 0;
        }
        for (const v of violations) console.log(`VIOLATION [${v.check}] ${v.detail}`);
        console.log(`${violations.length} violation(s).`);
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
