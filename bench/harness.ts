// What the HTTP benchmarks share: the platform as `npm start` runs it (app/main.ts) in a child
// process, a Redis of its own, and the load generator (autocannon) in another child process, so
// neither the load nor the fakes of the providers' APIs share the server's event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../dev/free-port.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export { freePort };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident set of a live process (VmHWM), in MiB; null once it is gone. */
export async function peakRssMiB(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** Waits for a child to exit; SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
}

/** A Redis of the benchmark's own (the machine's is other people's), without persistence. */
export async function startRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await canConnect(port)) return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
    await sleep(50);
  }
  await stopChild(child);
  throw new Error('redis-server did not start');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  });
}

export interface PlatformProcess {
  url: string;
  pid: number;
  /** Peak RSS so far, MiB. */
  peakRss(): Promise<number | null>;
  /** Stops it (SIGTERM, as an operator would) and returns the CPU profile's path when one was asked. */
  stop(): Promise<string | null>;
  /** The last lines it logged (for a failure's message). */
  logTail(): Promise<string>;
}

export interface PlatformOptions {
  /** Variables beyond PORT/PUBLIC_URL (DATABASE_URL, REDIS_URL, adapters…). */
  env: Record<string, string>;
  /** Write a V8 CPU profile of the main thread into this directory (bench/profiled-main.ts). */
  cpuProfileDir?: string;
  /** A script other than app/main.ts (relative to the repository root). */
  script?: string;
}

/** `npm start` in a child process, on a free port; resolves once `/healthz` answers 200. */
export async function startPlatform({ env, cpuProfileDir, script = 'app/main.ts' }: PlatformOptions): Promise<PlatformProcess> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'upkeep-bench-'));
  const logFile = path.join(dir, 'server.log');
  const fd = openSync(logFile, 'w');
  const profileFile = cpuProfileDir ? path.join(cpuProfileDir, `server-${Date.now()}.cpuprofile`) : null;
  const args = ['--import', 'tsx', profileFile && script === 'app/main.ts' ? 'bench/profiled-main.ts' : script];
  // Only what the platform reads: nothing of the caller's environment switches an adapter on.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' };
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...base, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...(profileFile ? { CPU_PROFILE_FILE: profileFile } : {}), ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const logTail = async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
  const stop = async () => {
    let written: string | null = null;
    if (profileFile && child.exitCode === null) {
      child.kill('SIGUSR2');
      for (let i = 0; i < 100 && !written; i++) {
        await sleep(100);
        if ((await readFile(logFile, 'utf8').catch(() => '')).includes('cpu profile written')) written = profileFile;
      }
    }
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    return written;
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = await logTail();
      await rm(dir, { recursive: true, force: true });
      throw new Error(`the platform exited with ${child.exitCode}:\n${tail}`);
    }
    const ok = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return { url, pid: child.pid!, peakRss: () => peakRssMiB(child.pid!), stop, logTail };
    await sleep(200);
  }
  const tail = await logTail();
  await stop();
  throw new Error(`the platform did not answer /healthz within 90 s:\n${tail}`);
}

/**
 * Runs `exportName` of `module` (a path under bench/) in a child process with `args` and
 * returns what it resolved to: the load generator runs there, never beside the server or the fakes.
 */
export async function inChild<T>(module: string, exportName: string, args: unknown): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/load-child.ts'), module, exportName], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin!.end(JSON.stringify(args));
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${module} ${exportName} exited with ${code}: ${last}`);
  return JSON.parse(last) as T;
}

/** Median of latencies etc. are computed by autocannon; this turns its result into what a figure needs. */
export interface LoadResult {
  requests: number;
  /** Transport errors, timeouts and non-2xx answers. */
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers per second, on average over the run. */
  rate: number;
}
