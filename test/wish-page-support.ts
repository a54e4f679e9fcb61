// The wish page's tests share this: the web app (pages, API, sessions) with the Stripe webhook on
// the fake Stripe API, or offline; a quoted wish with pledges from GitHub, Slack and the web; and
// Stripe's signed `checkout.session.completed` for a session the fake completed.
import Stripe from 'stripe';
import { loadConfig, type Config } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { httpBasics, paymentRoutes, webRoutes } from '../app/web.ts';
import type { Clock } from '../core/ports/clock.ts';
import { silentOutbox } from '../core/ports/notifications.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import type { Database } from '../prisma/db.ts';
import type { FakeStripe } from './fakes/stripe-api.ts';
import { optInToQuote } from './opt-in-support.ts';
import { freePort } from './web-support.ts';

export const WEBHOOK_SECRET = 'whsec_wish_page';
const signer = new Stripe('sk_test_signer');

export interface WishPageApp {
  url: string;
  config: Config;
  services: Services;
  http: HttpApp;
  close(): Promise<void>;
}

/** The web routes and, with `stripe`, payments on the fake plus POST /stripe/webhooks; offline otherwise. */
export async function startWishPageApp({ db, clock, stripe }: { db: Database; clock: Clock; stripe: FakeStripe | null }): Promise<WishPageApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = { PUBLIC_URL: url, PORT: String(port), CURRENCY: 'EUR' };
  if (stripe) Object.assign(env, { STRIPE_SECRET_KEY: 'sk_test_wish_page', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url });
  const config = loadConfig(env);
  const services = createServices({ config, db, clock, log: createLogger('silent') });
  const http = createHttpApp({ ...httpBasics(services), routes: [...webRoutes(services), ...paymentRoutes(services)] });
  await http.listen(port, '127.0.0.1');
  return { url, config, services, http, close: () => http.close() };
}

/**
 * acme/ui#7, quoted €300.00 by `maint` (after a first quote of €400.00): alice pledged €100.00 from
 * GitHub (paid), a Slack user €20.00 (committed), a web guest with an e-mail €30.00 (paid).
 */
export async function seedQuotedWish(s: Services, clock: Clock, id = 'acme/ui#7' as WishId, description = 'Please add a **dark theme**.'): Promise<WishId> {
  const base = { wishes: s.wishes, outbox: silentOutbox, clock, id };
  await openWish({ ...base, gateway: s.gateway, currency: 'EUR', title: 'Dark mode', description, requester: 'zoe' });
  await optInToQuote(s.repositories, id.split('#')[0]!);
  await quoteWish({ ...base, repositories: s.repositories, amount: { amount: 40_000, currency: 'EUR' }, delayDays: 21, by: 'maint', isMaintainer: true });
  await quoteWish({ ...base, repositories: s.repositories, amount: { amount: 30_000, currency: 'EUR' }, delayDays: 14, by: 'maint', isMaintainer: true });
  const pay = (pledgeId: string) => confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: silentOutbox, clock, wishId: id, pledgeId, provider: 'offline' });
  const alice = await placePledge({ ...base, gateway: s.gateway, pledger: { source: 'github', id: 'alice', display: 'Alice' }, amount: { amount: 10_000, currency: 'EUR' } });
  await pay(alice.pledgeId);
  await placePledge({ ...base, gateway: s.gateway, pledger: { source: 'slack', id: 'slack:T1:U9', display: 'Secret Slacker' }, amount: { amount: 2_000, currency: 'EUR' } });
  const guest = await placePledge({ ...base, gateway: s.gateway, pledger: { source: 'web', id: 'email:abc', display: 'Gita Guest', email: 'gita@example.org' }, amount: { amount: 3_000, currency: 'EUR' } });
  await pay(guest.pledgeId);
  return id;
}

/** Stripe's signed delivery of `event` to the app's webhook. */
export async function deliverStripeEvent(base: string, event: object): Promise<Response> {
  const payload = JSON.stringify(event);
  const header = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  return fetch(`${base}/stripe/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
}

/** The public JSON of a wish, from the API. */
export async function apiWish(base: string, path: string): Promise<{ paid: { amount: number }; pledged: { amount: number }; quote: { amount: number } | null; pledgers: number; percent: number }> {
  const res = await fetch(`${base}/api/v1/wishes/${path}`);
  if (res.status !== 200) throw new Error(`API answered ${res.status}`);
  return res.json() as never;
}
