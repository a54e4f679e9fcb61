// A local fake of Discord's Gateway v10 on 127.0.0.1 (ephemeral port), speaking enough of the
// protocol for @discordjs/ws: HELLO on connect, IDENTIFY → READY (a new session each time),
// RESUME → RESUMED, heartbeats answered with HEARTBEAT_ACK, and the dispatches a test pushes
// (`dispatch('MESSAGE_CREATE', {...})`) sent to every identified connection with a sequence
// number. Point the fake REST API's `GET /gateway/bot` at `url` (`fakeDiscord.gatewayUrl`).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const GATEWAY_BOT_USER_ID = '900000000000000001';

export interface GatewayIdentify {
  token: string;
  intents: number;
  sessionId: string;
}

interface Connection {
  socket: WebSocket;
  sessionId: string | null;
}

export class FakeDiscordGateway {
  /** Every IDENTIFY received (one per new session). */
  readonly identifies: GatewayIdentify[] = [];
  /** Every RESUME received. */
  readonly resumes: { sessionId: string; seq: number }[] = [];
  heartbeats = 0;
  private server: WebSocketServer | null = null;
  private readonly connections = new Set<Connection>();
  private seq = 0;
  port = 0;

  /** `heartbeatMs`: the interval sent in HELLO. */
  constructor(private readonly opts: { heartbeatMs?: number; botUserId?: string } = {}) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Connections that identified (or resumed) and are still open. */
  get sessions(): number {
    return [...this.connections].filter((c) => c.sessionId !== null && c.socket.readyState === c.socket.OPEN).length;
  }

  async start(): Promise<this> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    this.server.on('connection', (socket) => this.accept(socket));
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Sends a dispatch (`t`, `d`) to every identified connection; returns how many got it. */
  dispatch(t: string, d: unknown): number {
    const s = ++this.seq;
    let sent = 0;
    for (const c of this.connections) {
      if (c.sessionId === null || c.socket.readyState !== c.socket.OPEN) continue;
      c.socket.send(JSON.stringify({ op: 0, t, s, d }));
      sent++;
    }
    return sent;
  }

  private accept(socket: WebSocket): void {
    const c: Connection = { socket, sessionId: null };
    this.connections.add(c);
    socket.on('close', () => this.connections.delete(c));
    socket.on('message', (raw) => this.receive(c, String(raw)));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.opts.heartbeatMs ?? 5_000 }, s: null, t: null }));
  }

  private receive(c: Connection, raw: string): void {
    let payload: { op?: number; d?: any };
    try {
      payload = JSON.parse(raw);
    } catch {
      c.socket.close(4002, 'Decode error');
      return;
    }
    const send = (p: unknown) => c.socket.send(JSON.stringify(p));
    switch (payload.op) {
      case 1: // HEARTBEAT
        this.heartbeats++;
        send({ op: 11, d: null, s: null, t: null });
        return;
      case 2: {
        // IDENTIFY → READY (a new session; nothing from before is replayed)
        const sessionId = randomUUID().replace(/-/g, '');
        c.sessionId = sessionId;
        this.identifies.push({ token: String(payload.d?.token ?? ''), intents: Number(payload.d?.intents ?? 0), sessionId });
        const s = ++this.seq;
        send({
          op: 0,
          t: 'READY',
          s,
          d: {
            v: 10,
            user: { id: this.opts.botUserId ?? GATEWAY_BOT_USER_ID, username: 'upkeep', discriminator: '0', global_name: null, avatar: null, bot: true },
            guilds: [],
            session_id: sessionId,
            resume_gateway_url: this.url,
            shard: [0, 1],
            application: { id: '1', flags: 0 },
          },
        });
        return;
      }
      case 6: // RESUME → RESUMED
        c.sessionId = String(payload.d?.session_id ?? '');
        this.resumes.push({ sessionId: c.sessionId, seq: Number(payload.d?.seq ?? 0) });
        send({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} });
        return;
      default:
        return;
    }
  }
}
