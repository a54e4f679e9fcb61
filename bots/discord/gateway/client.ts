// The Discord Gateway connection that receives messages posted in wish threads (guild messages
// and message content intents), held by exactly one process at a time: a process takes the
// `discord-gateway` lease before connecting, renews it while connected, and releases it on stop;
// the others try again every `retryMs`, so one takes over when the holder stops or dies (its
// lease expires). A new session starts with IDENTIFY → READY; Discord replays nothing to it, and
// whatever a resumed session replays is deduplicated by the relay (bots/discord/gateway/relay.ts).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, GatewayDispatchEvents, GatewayIntentBits } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { WebSocketManager } from '@discordjs/ws';
import type { Logger } from '../../../edge/logger.ts';
import type { Ports } from '../../../core/ports/index.ts';
import { relayDispatch, threadMessageOf, type ThreadRelayDeps } from './relay.ts';

export const GATEWAY_LEASE = 'discord-gateway';

export type ThreadGatewayDeps = ThreadRelayDeps &
  Pick<Ports, 'leases'> & {
    log: Logger;
    settings: { apiUrl: string; botToken: string };
    /** How long a holder's lease lasts unless renewed (renewed every third of it). */
    leaseMs?: number;
    /** How often a process without the lease tries to take it. */
    retryMs?: number;
    /** This process's name in the lease (defaults to host, pid and a random suffix). */
    holder?: string;
  };

export interface ThreadGateway {
  readonly holder: string;
  /** Whether this process holds the lease and the connection. */
  connected(): boolean;
  /** Disconnects and releases the lease (another process may take it at once). */
  stop(): Promise<void>;
}

const INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

export function startThreadGateway(deps: ThreadGatewayDeps): ThreadGateway {
  const leaseMs = deps.leaseMs ?? 30_000;
  const retryMs = deps.retryMs ?? 15_000;
  const holder = deps.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = deps.log.child({ component: 'discord-gateway', holder });
  let manager: WebSocketManager | null = null;
  let selfId: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function connect(): Promise<void> {
    const rest = new REST({ api: deps.settings.apiUrl.replace(/\/+$/, ''), retries: 1, timeout: 10_000 }).setToken(deps.settings.botToken);
    const m = new WebSocketManager({ token: deps.settings.botToken, intents: INTENTS, rest, shardCount: 1 });
    const client = new Client({ rest, gateway: m });
    client.on(GatewayDispatchEvents.Ready, ({ data }) => {
      selfId = data.user.id;
      log.info({ user: data.user.id }, 'Discord Gateway ready');
    });
    // Dispatches are handled one after the other, in the order the Gateway sent them (an edit
    // never overtakes its message).
    let handled: Promise<void> = Promise.resolve();
    const on = (event: 'created' | 'edited' | 'deleted') => ({ data }: { data: Parameters<typeof threadMessageOf>[1] }) => {
      const message = threadMessageOf(event, data);
      if (!message) return;
      handled = handled.then(async () => {
        try {
          const outcome = await relayDispatch(deps, selfId, message);
          log.debug({ message: message.id, event, outcome }, 'thread message');
        } catch (e) {
          log.warn({ err: e, message: message.id, event }, 'could not relay a thread message');
        }
      });
    };
    client.on(GatewayDispatchEvents.MessageCreate, on('created'));
    client.on(GatewayDispatchEvents.MessageUpdate, on('edited'));
    client.on(GatewayDispatchEvents.MessageDelete, on('deleted'));
    manager = m;
    await m.connect();
  }

  async function disconnect(): Promise<void> {
    const m = manager;
    manager = null;
    selfId = null;
    if (!m) return;
    try {
      await m.destroy();
    } catch (e) {
      log.warn({ err: e }, 'Discord Gateway did not close cleanly');
    }
  }

  async function tick(): Promise<void> {
    try {
      const mine = await deps.leases.acquire(GATEWAY_LEASE, holder, leaseMs);
      if (stopped) return;
      if (mine && !manager) await connect();
      else if (!mine && manager) {
        log.warn('lost the Discord Gateway lease; disconnecting');
        await disconnect();
      }
    } catch (e) {
      log.warn({ err: e }, 'Discord Gateway: will try again');
      await disconnect();
      await deps.leases.release(GATEWAY_LEASE, holder).catch(() => undefined);
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, manager ? leaseMs / 3 : retryMs);
  };
  running = tick().finally(schedule);

  return {
    holder,
    connected: () => manager !== null,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await disconnect();
      await deps.leases.release(GATEWAY_LEASE, holder);
    },
  };
}
