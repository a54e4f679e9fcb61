// Benchmark: Slack ack latency under load. Signed `/upkeep` slash commands (reads and writes)
// are fired at the real Bolt app on our HTTP server, on PostgreSQL, with a local fake Slack API;
// the time to the HTTP answer (the ack Slack waits for, 3 s at most) is measured per request.
import { performance } from 'node:perf_hooks';
import { fixedClock } from '../core/ports/clock.ts';
import { openTestDatabase } from '../test/databases.ts';
import { startFakeSlackApi, startSlackTestApp } from '../test/fakes/slack-api.ts';

export interface SlackAckBenchResult {
  name: string;
  requests: number;
  concurrency: number;
  workspaces: number;
  mix: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  over3sCount: number;
  /** Acks that said "working on it" (the work finished later, through response_url). */
  deferredCount: number;
  errors: number;
  requestsPerSecond: number;
}

const MIX = [
  ['status', 'status'],
  ['deps list', 'deps list'],
  ['allocate (write)', 'allocate npm:react=34 npm:vite=33 npm:lodash=33'],
  ['budget (write)', 'budget 1,500'],
  ['help', 'help'],
] as const;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

export async function benchSlackAck(requests = 2_000, concurrency = 50, workspaces = 20): Promise<SlackAckBenchResult> {
  const db = await openTestDatabase('postgres');
  const fake = await startFakeSlackApi();
  const app = await startSlackTestApp({ db, fake, clock: fixedClock(new Date()) });
  try {
    for (let w = 0; w < workspaces; w++) {
      const team = `TB${w}`;
      await app.driver.command(team, 'UADMIN', `setup Bench ${w}`);
      await app.driver.command(team, 'UADMIN', 'deps add npm:react npm:vite npm:lodash pypi:requests');
    }
    const latencies: number[] = [];
    const mix: Record<string, number> = {};
    let deferred = 0;
    let errors = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < requests) {
        const i = next++;
        const [label, text] = MIX[i % MIX.length]!;
        mix[label] = (mix[label] ?? 0) + 1;
        const t0 = performance.now();
        try {
          const r = await app.driver.command(`TB${i % workspaces}`, 'UADMIN', text);
          latencies.push(performance.now() - t0);
          if (r.status !== 200) errors++;
          else if (r.text.includes('Working on it')) deferred++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = performance.now() - started;
    const sorted = [...latencies].sort((a, b) => a - b);
    const r = (n: number) => Math.round(n * 10) / 10;
    return {
      name: 'Slack slash-command ack latency under load',
      requests,
      concurrency,
      workspaces,
      mix,
      p50Ms: r(quantile(sorted, 0.5)),
      p95Ms: r(quantile(sorted, 0.95)),
      p99Ms: r(quantile(sorted, 0.99)),
      maxMs: r(sorted.at(-1) ?? 0),
      over3sCount: sorted.filter((x) => x > 3000).length,
      deferredCount: deferred,
      errors,
      requestsPerSecond: Math.round((requests / elapsed) * 1000),
    };
  } finally {
    await app.close();
    await fake.close();
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSlackAck(), null, 2));
}
