// `npm start` under the V8 CPU profiler, for the benchmarks' --cpu-prof: the profile of the
// main thread is written to CPU_PROFILE_FILE on SIGUSR2, whatever shutdown does afterwards (a
// worker draining a throttled queue can outlast any grace period, and --cpu-prof writes only
// at a clean exit).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 500 });
await session.post('Profiler.start');
process.on('SIGUSR2', () => {
  void session.post('Profiler.stop').then(({ profile }) => {
    writeFileSync(process.env.CPU_PROFILE_FILE!, JSON.stringify(profile));
    process.stdout.write('cpu profile written\n');
  });
});
await import('../app/main.ts');
