// Private PostgreSQL and Redis servers for tests that stop and restart them (fault injection):
// never the machine's shared 127.0.0.1:5432 and :6379. PostgreSQL 15 runs from a temporary
// directory owned by the `postgres` OS user (initdb and pg_ctl refuse to run as root), on a free
// port with its socket in that directory; Redis runs as a child process without persistence.
// Each `stop()` is safe to call twice and in `afterAll` whatever state the test left.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
import { freePort } from '../dev/free-port.ts';

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

export const freeTcpPort = freePort;

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `cmd` as the `postgres` OS user when we are root (PostgreSQL's tools refuse root). */
function asPostgres(cmd: string, args: string[]): SpawnSyncReturns<string> {
  const root = process.getuid?.() === 0;
  const r = root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  return r;
}

function check(r: SpawnSyncReturns<string>, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
}

export interface PostgresInstance {
  readonly port: number;
  /** The server's `postgres` database, user `postgres`, trust auth. */
  readonly adminUrl: string;
  /** A URL of database `name` on this server. */
  urlOf(name: string): string;
  /** Creates database `name` and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m immediate`: every backend killed at once, no checkpoint (as in a crash). */
  kill(): Promise<void>;
  /** Starts the same data directory again on the same port; resolves once it accepts queries. */
  start(): Promise<void>;
  /** Stops the server (if running) and removes its directory. */
  stop(): Promise<void>;
}

/** A fresh PostgreSQL 15 cluster in a temporary directory, started on a free port. */
export async function startPostgres(): Promise<PostgresInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'upkeep-pg-'));
  const data = join(dir, 'data');
  const root = process.getuid?.() === 0;
  if (root) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  check(asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']), 'initdb');
  const port = await freeTcpPort();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let running = false;
  const ready = () =>
    until(`PostgreSQL on port ${port}`, async () => {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1_000 });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await c.end().catch(() => {});
      }
    });
  const start = async () => {
    // fsync off: the data of a test run need not survive the machine; it makes restarts fast.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    check(asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']), 'pg_ctl start');
    running = true;
    await ready();
  };
  await start();
  return {
    port,
    adminUrl,
    urlOf: (name) => `postgresql://postgres@127.0.0.1:${port}/${name}`,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    async kill() {
      check(asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), 'pg_ctl stop');
      running = false;
      await until(`PostgreSQL on port ${port} to stop listening`, async () => !(await listening(port)));
    },
    start,
    async stop() {
      if (running) asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('there is no `postgres` OS user to run PostgreSQL as (initdb refuses root)');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export interface RedisInstance {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: the server is gone at once, with everything it held (no persistence). */
  kill(): Promise<void>;
  /** Starts an empty server on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `redis-server --port <free> --save '' --appendonly no` as a child process. */
export async function startRedis(): Promise<RedisInstance> {
  const port = await freeTcpPort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = c;
    c.once('exit', () => {
      if (child === c) child = null;
    });
    await until(`Redis on port ${port}`, () => ping(port));
  };
  const kill = async () => {
    const c = child;
    if (!c) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
    await until(`Redis on port ${port} to stop listening`, async () => !(await listening(port)));
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, stop: kill };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
  });
}
