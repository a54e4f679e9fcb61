// A small recording fake of the Stripe API endpoints Upkeep uses, on 127.0.0.1 (ephemeral
// port). It honours `Idempotency-Key` like Stripe does (a repeated key replays the first
// response and creates nothing; the same key with other parameters is refused), records every
// call, and can inject failures: a declined card, a server error, or a request that takes
// effect but whose response never arrives (a "crash halfway") or arrives too late (a timeout).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = Record<string, any>;

export interface RecordedCall {
  method: string;
  path: string;
  /** The form body (or query) decoded into nested objects; every leaf is a string. */
  body: Obj;
  idempotencyKey: string | null;
  /** True when the fake replayed an earlier response for the same idempotency key. */
  replayed: boolean;
}

/** What to do to a matching request instead of answering normally. */
export type Fault =
  | { kind: 'error'; status: number; error: Obj }
  /** The effect happens (and is stored under the idempotency key), but the connection drops. */
  | { kind: 'drop-after-effect' }
  /**
   * The effect happens (and is stored under the idempotency key), but the answer is sent only
   * after `ms`: a client with a shorter timeout has given up by then (a Stripe timeout after the
   * charge succeeded).
   */
  | { kind: 'delay-after-effect'; ms: number };

interface FaultRule {
  match: (method: string, path: string, body: Obj) => boolean;
  fault: Fault;
  remaining: number;
}

/** Parses Stripe's form encoding (`a[b][0][c]=x`) into nested objects and arrays. */
export function parseForm(text: string): Obj {
  const root: Obj = {};
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = decodeURIComponent((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    const parts = rawKey.split('[').map((p, i) => (i === 0 ? p : p.replace(/\]$/, '')));
    let node: Obj = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      node[part] ??= {};
      node = node[part] as Obj;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return arrays(root) as Obj;
}

function arrays(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as Obj;
  const keys = Object.keys(o);
  for (const k of keys) o[k] = arrays(o[k]);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => o[k]);
  return o;
}

export class FakeStripe {
  readonly calls: RecordedCall[] = [];
  readonly sessions = new Map<string, Obj>();
  readonly paymentIntents = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  readonly transfers = new Map<string, Obj>();
  readonly accounts = new Map<string, Obj>();
  readonly customers = new Map<string, Obj>();
  readonly setupIntents = new Map<string, Obj>();
  readonly paymentMethods = new Map<string, Obj>();
  /** Payment methods whose off-session charges are declined. */
  readonly decliningPaymentMethods = new Set<string>();
  private readonly idempotent = new Map<string, { status: number; body: Obj; request: string }>();
  /** Answers held back by a `delay-after-effect` fault, so `stop()` does not wait for them. */
  private readonly held = new Set<NodeJS.Timeout>();
  private readonly faults: FaultRule[] = [];
  private seq = 0;
  private server: Server | null = null;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }

  /**
   * The next `times` requests matching `match` get `fault` instead of a normal answer. Note that
   * stripe-node retries a dropped connection once even with retries off (same idempotency key),
   * so a lost answer needs `times: 2`.
   */
  inject(match: FaultRule['match'], fault: Fault, times = 1): void {
    this.faults.push({ match, fault, remaining: times });
  }

  callsTo(method: string, path: string | RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
  }

  private id(prefix: string): string {
    this.seq += 1;
    return `${prefix}_test_${String(this.seq).padStart(6, '0')}`;
  }

  /**
   * Pays a checkout session as a customer would (payment mode: a payment intent and a charge;
   * setup mode: a setup intent with a card payment method, `card` overriding the default
   * Visa 4242 12/2030) and returns the completed session, the object of a
   * `checkout.session.completed` event.
   */
  completeSession(sessionId: string, card: { brand?: string; last4?: string; exp_month?: number; exp_year?: number } = {}): Obj {
    const s = this.sessions.get(sessionId);
    if (!s) throw new Error(`no session ${sessionId}`);
    if (s.status === 'complete') return s;
    if (s.mode === 'payment') {
      const pi = this.paymentIntentFor(s.amount_total, s.currency, s.payment_intent_data?.metadata ?? s.metadata, 'succeeded');
      s.payment_intent = pi.id;
      s.payment_status = 'paid';
    } else {
      const pm = this.id('pm');
      this.paymentMethods.set(pm, {
        id: pm,
        object: 'payment_method',
        type: 'card',
        customer: s.customer,
        card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, funding: 'credit', country: 'DE', ...card },
      });
      const si = { id: this.id('seti'), object: 'setup_intent', status: 'succeeded', payment_method: pm, customer: s.customer, metadata: s.metadata };
      this.setupIntents.set(si.id, si);
      s.setup_intent = si.id;
      s.payment_status = 'no_payment_required';
    }
    s.status = 'complete';
    return s;
  }

  /** A signed-ready Stripe event envelope around `object`. */
  event(type: string, object: Obj, id = this.id('evt')): Obj {
    return { id, object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, type, data: { object } };
  }

  private paymentIntentFor(amount: number, currency: string, metadata: Obj | undefined, status: string, extra: Obj = {}): Obj {
    const pi: Obj = { id: this.id('pi'), object: 'payment_intent', amount, currency, status, metadata: metadata ?? {}, latest_charge: null, ...extra };
    if (status === 'succeeded') {
      const ch = this.id('ch');
      pi.latest_charge = ch;
    }
    this.paymentIntents.set(pi.id, pi);
    return pi;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'DELETE' ? parseForm(url.search.slice(1)) : parseForm(Buffer.concat(chunks).toString('utf8'));
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const path = url.pathname;
    const call: RecordedCall = { method, path, body, idempotencyKey: key, replayed: false };
    this.calls.push(call);

    const reply = (status: number, payload: Obj, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': this.id('req'), ...headers });
      res.end(text);
    };

    // Stripe keys are per account, whatever the endpoint; a key reused for another request is refused.
    const storeKey = key;
    const request = `${method} ${path} ${JSON.stringify(body)}`;
    const rule = this.faults.find((f) => f.remaining > 0 && f.match(method, path, body));
    if (rule) rule.remaining -= 1;
    if (rule?.fault.kind === 'error') {
      reply(rule.fault.status, { error: rule.fault.error });
      return;
    }
    const late = (send: () => void) => {
      if (rule?.fault.kind === 'drop-after-effect') return void req.socket.destroy();
      if (rule?.fault.kind !== 'delay-after-effect') return send();
      const t = setTimeout(() => {
        this.held.delete(t);
        if (!res.destroyed && !res.writableEnded) send();
      }, rule.fault.ms);
      this.held.add(t);
    };
    if (storeKey && this.idempotent.has(storeKey)) {
      const stored = this.idempotent.get(storeKey)!;
      if (stored.request !== request) {
        reply(400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${storeKey}' if you meant to execute a different request.`,
          },
        });
        return;
      }
      call.replayed = true;
      late(() => reply(stored.status, stored.body, { 'idempotent-replayed': 'true' }));
      return;
    }
    let status = 200;
    let out: Obj;
    try {
      [status, out] = this.route(method, path, body);
    } catch (e) {
      [status, out] = [400, { error: { type: 'invalid_request_error', message: e instanceof Error ? e.message : String(e) } }];
    }
    // Stripe keeps the result of an idempotent request that ran (including a card decline).
    if (storeKey && status < 500 && status !== 400) this.idempotent.set(storeKey, { status, body: out, request });
    late(() => reply(status, out));
  }

  /** Objects of one kind whose metadata matches `metadata` (e.g. the charges of one company and month). */
  created(kind: 'paymentIntents' | 'transfers' | 'refunds' | 'sessions', metadata: Obj): Obj[] {
    return [...this[kind].values()].filter((o) => Object.entries(metadata).every(([k, v]) => o.metadata?.[k] === v));
  }

  private route(method: string, path: string, b: Obj): [number, Obj] {
    const seg = path.split('/').filter(Boolean); // ['v1', ...]
    const notFound: [number, Obj] = [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } }];
    if (seg[0] !== 'v1') return notFound;
    // `checkout/sessions` is one resource in two segments.
    const parts = seg[1] === 'checkout' ? ['v1', `checkout/${seg[2] ?? ''}`, ...seg.slice(3)] : seg;
    const [, resource, id, action] = parts;
    switch (`${method} ${resource}${id ? '/:id' : ''}${action ? `/${action}` : ''}`) {
      case 'POST checkout/sessions': {
        const mode = b.mode as string;
        if (mode !== 'payment' && mode !== 'setup') throw new Error('mode must be payment or setup');
        if (!b.success_url) throw new Error('Missing required param: success_url.');
        const s: Obj = {
          id: this.id('cs'),
          object: 'checkout.session',
          mode,
          status: 'open',
          payment_status: 'unpaid',
          customer: b.customer ?? null,
          client_reference_id: b.client_reference_id ?? null,
          metadata: b.metadata ?? {},
          payment_intent: null,
          setup_intent: null,
          success_url: b.success_url,
          cancel_url: b.cancel_url ?? null,
        };
        if (mode === 'payment') {
          const line = (b.line_items as Obj[] | undefined)?.[0];
          if (!line?.price_data?.unit_amount) throw new Error('Missing line_items[0][price_data][unit_amount].');
          s.amount_total = Number(line.price_data.unit_amount) * Number(line.quantity ?? 1);
          s.currency = line.price_data.currency;
          s.payment_intent_data = b.payment_intent_data ?? {};
        } else {
          s.currency = b.currency ?? null;
          s.amount_total = null;
        }
        s.url = `https://checkout.stripe.test/c/pay/${s.id}`;
        this.sessions.set(s.id, s);
        return [200, s];
      }
      case 'GET checkout/sessions/:id': {
        const s = this.sessions.get(id!);
        return s ? [200, s] : [404, { error: { type: 'invalid_request_error', message: `No such checkout.session: '${id}'` } }];
      }
      case 'POST checkout/sessions/:id/expire': {
        const s = this.sessions.get(id!);
        if (!s) return [404, { error: { type: 'invalid_request_error', message: `No such checkout.session: '${id}'` } }];
        if (s.status !== 'open') throw new Error(`Only open sessions can be expired; this one is ${s.status}.`);
        s.status = 'expired';
        return [200, s];
      }
      case 'POST customers': {
        const c = { id: this.id('cus'), object: 'customer', name: b.name ?? null, metadata: b.metadata ?? {} };
        this.customers.set(c.id, c);
        return [200, c];
      }
      case 'GET setup_intents/:id': {
        const si = this.setupIntents.get(id!);
        return si ? [200, si] : [404, { error: { type: 'invalid_request_error', message: `No such setupintent: '${id}'` } }];
      }
      case 'GET payment_methods/:id': {
        const pm = this.paymentMethods.get(id!);
        return pm ? [200, pm] : [404, { error: { type: 'invalid_request_error', message: `No such PaymentMethod: '${id}'` } }];
      }
      case 'POST payment_intents': {
        const amount = Number(b.amount);
        if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('Invalid positive integer: amount');
        if (this.decliningPaymentMethods.has(b.payment_method as string)) {
          const pi = this.paymentIntentFor(amount, b.currency, b.metadata, 'requires_payment_method', { customer: b.customer, payment_method: b.payment_method });
          pi.last_payment_error = { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
          return [402, { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.', payment_intent: pi } }];
        }
        const pi = this.paymentIntentFor(amount, b.currency, b.metadata, 'succeeded', { customer: b.customer, payment_method: b.payment_method });
        return [200, pi];
      }
      case 'POST refunds': {
        const pi = this.paymentIntents.get(b.payment_intent as string);
        if (!pi) return [404, { error: { type: 'invalid_request_error', message: `No such payment_intent: '${String(b.payment_intent)}'` } }];
        const amount = b.amount ? Number(b.amount) : pi.amount;
        const already = [...this.refunds.values()].filter((r) => r.payment_intent === pi.id).reduce((s, r) => s + r.amount, 0);
        if (already + amount > pi.amount) {
          return [400, { error: { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Charge ${pi.latest_charge} has already been refunded.` } }];
        }
        const r = { id: this.id('re'), object: 'refund', amount, currency: pi.currency, payment_intent: pi.id, charge: pi.latest_charge, status: 'succeeded', metadata: b.metadata ?? {} };
        this.refunds.set(r.id, r);
        return [200, r];
      }
      case 'POST accounts': {
        const a = { id: this.id('acct'), object: 'account', type: b.type ?? 'express', payouts_enabled: false, charges_enabled: false, details_submitted: false, metadata: b.metadata ?? {} };
        this.accounts.set(a.id, a);
        return [200, a];
      }
      case 'GET accounts/:id': {
        const a = this.accounts.get(id!);
        return a ? [200, a] : [404, { error: { type: 'invalid_request_error', message: `No such account: '${id}'` } }];
      }
      case 'POST account_links': {
        if (!this.accounts.has(b.account as string)) return [404, { error: { type: 'invalid_request_error', message: `No such account: '${String(b.account)}'` } }];
        return [200, { object: 'account_link', url: `https://connect.stripe.test/setup/e/${String(b.account)}/${this.id('al')}`, created: 0, expires_at: 0 }];
      }
      case 'POST transfers': {
        const a = this.accounts.get(b.destination as string);
        if (!a) return [404, { error: { type: 'invalid_request_error', message: `No such destination: '${String(b.destination)}'` } }];
        const t = { id: this.id('tr'), object: 'transfer', amount: Number(b.amount), currency: b.currency, destination: a.id, metadata: b.metadata ?? {}, transfer_group: b.transfer_group ?? null };
        this.transfers.set(t.id, t);
        return [200, t];
      }
      default:
        return notFound;
    }
  }

  /** Marks a connected account as onboarded (what Stripe does when the maintainer finishes). */
  enablePayouts(accountId: string): Obj {
    const a = this.accounts.get(accountId);
    if (!a) throw new Error(`no account ${accountId}`);
    Object.assign(a, { payouts_enabled: true, charges_enabled: true, details_submitted: true });
    return a;
  }
}

export async function startFakeStripe(): Promise<FakeStripe> {
  return new FakeStripe().start();
}
