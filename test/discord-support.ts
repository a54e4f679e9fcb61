// Shared by the Discord tests: the running app against the fake REST API, fed signed
// interactions in Discord's real payload shapes (dev/fakes/discord-interactions.ts).
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createHttpApp, type HttpApp } from '../edge/server.ts';
import { createServices, type Services } from '../app/services.ts';
import { discordDeps } from '../app/platform.ts';
import { createDiscordMount, type DiscordDeps, type DiscordMountOptions } from '../bots/discord/app.ts';
import { systemClock } from '../core/ports/clock.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { APP_ID, BOT_TOKEN, ed25519, signHeaders, type KeyPair } from '../dev/fakes/discord-interactions.ts';
import type { TestDatabase } from './databases.ts';

export * from '../dev/fakes/discord-interactions.ts';

/** The Discord adapter's deps from a test's services: the ports it names, as the composition root hands them. */
export function discordDepsOf(services: Services): DiscordDeps {
  const settings = services.config.discord;
  if (!settings) throw new Error('Discord is not configured');
  return discordDeps(services, settings);
}

export interface Harness {
  services: Services;
  app: HttpApp;
  url: string;
  fake: FakeDiscord;
  keys: KeyPair;
  /** POSTs a correctly signed interaction (or with the given headers). */
  post(body: Record<string, unknown> | string, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  /** The message a user finally sees: the immediate reply, or the edit of a deferred one. */
  finalMessage(interaction: Record<string, unknown>, response: { json: any }): Promise<{ deferred: boolean; ephemeral: boolean; message: any }>;
  close(): Promise<void>;
}

export async function startHarness(db: TestDatabase, env: Record<string, string> = {}, mountOptions: DiscordMountOptions = {}): Promise<Harness> {
  const keys = ed25519();
  const fake = await new FakeDiscord(BOT_TOKEN).start();
  const config = loadConfig({
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_BOT_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: fake.url,
    CURRENCY: 'EUR',
    PUBLIC_URL: 'http://upkeep.test',
    ...env,
  });
  const services = createServices({ config, db, clock: systemClock, log: createLogger('silent') });
  const mount = createDiscordMount(discordDepsOf(services), mountOptions);
  const app = createHttpApp({ log: services.log, mounts: [mount] });
  const url = await app.listen(0, '127.0.0.1');
  const post = async (body: Record<string, unknown> | string, headers?: Record<string, string>) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${url}/discord/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(headers ?? signHeaders(keys.privateKey, text)) },
      body: text,
    });
    const raw = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(raw);
    } catch {
      json = raw;
    }
    return { status: res.status, json };
  };
  const finalMessage = async (interaction: Record<string, unknown>, response: { json: any }) => {
    if (response.json?.type === 4) return { deferred: false, ephemeral: (response.json.data.flags ?? 0) === 64, message: response.json.data };
    if (response.json?.type !== 5) throw new Error(`not a message response: ${JSON.stringify(response.json)}`);
    const edit = await fake.editOf(String(interaction.token));
    return { deferred: true, ephemeral: (response.json.data?.flags ?? 0) === 64, message: edit.body };
  };
  return {
    services,
    app,
    url,
    fake,
    keys,
    post,
    finalMessage,
    async close() {
      await app.close();
      await fake.stop();
    },
  };
}
