// Real entry points as child processes (`npm start` = app/main.ts, `npm run worker` =
// app/worker-main.ts, `npm run upkeep` = app/cli.ts, each through tsx as package.json runs
// them), with their output kept for failure messages, and a seeded random source so a run's
// random choices can be replayed from the seed it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../dev/free-port.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface UpkeepProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the process printed its start-up line; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
  /** SIGTERM (a graceful stop) or SIGKILL; waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Only what the child needs: never the test runner's own DATABASE_URL, REDIS_URL or secrets. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env };
}

export function startUpkeep(name: string, entry: 'app/main.ts' | 'app/worker-main.ts', env: Record<string, string>): UpkeepProcess {
  const readyLine = entry === 'app/main.ts' ? 'Upkeep serves ' : 'Upkeep worker running';
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes(readyLine)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output.slice(-3000)}`)));
  });
  // A process killed before it was ready is not an unhandled rejection of the test.
  ready.catch(() => {});
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : exitedP);
  return {
    name,
    child,
    ready,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited();
    },
  };
}

/** Runs `npm run upkeep -- <args>` (app/cli.ts through tsx) to its end. */
export function runUpkeepCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`upkeep ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export { freePort };

/** mulberry32: a small seeded generator, so a run's random kill points replay from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: `UPKEEP_TEST_SEED` when set (to replay a failure), otherwise a new one. */
export function runSeed(): number {
  const fixed = process.env.UPKEEP_TEST_SEED;
  return fixed && /^\d+$/.test(fixed) ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
}
