// The kill scenario of test/worker-crash.ts with BullMQ on PostgreSQL, on fewer kill points
// (test/reliability-kills.test.ts runs 24 on Redis).
import { killScenario } from './worker-crash.ts';

killScenario('postgres', { start: 1, budget: 2, ledger: 2 });
