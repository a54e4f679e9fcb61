// Issue 14, faults: SIGKILL of `npm run worker` at 23 points of one large close on Redis (the
// production queue); the PostgreSQL-queue variant is test/worker-crash-postgres.test.ts.
import { killScenario } from './worker-crash.ts';

killScenario('redis', { start: 2, budget: 8, ledger: 8 });
