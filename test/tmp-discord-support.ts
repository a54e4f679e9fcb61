// Shared by the Discord tests: an Ed25519 key pair like the developer portal's, signed
// interactions in Discord's real payload shapes, and the running app against a fake REST API.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../edge/logger.ts';
import { createServer } from 'node:http';
type HttpApp = any;
import { createServices, type Services } from '../app/services.ts';
import { createDiscordMount, type DiscordDeps, type DiscordMountOptions } from '../bots/discord/app.ts';
import { systemClock } from '../core/ports/clock.ts';
import { FakeDiscord } from './fakes/discord-api.ts';
import type { TestDatabase } from './databases.ts';

export const APP_ID = '1300000000000000001';
export const GUILD_ID = '1300000000000000002';
export const CHANNEL_ID = '1300000000000000003';
export const BOT_TOKEN = 'test-bot-token';
/** Permissions of an ordinary member (view, send, read history...) without Manage Channels. */
export const MEMBER_PERMISSIONS = '1126967206737472';
/** The same plus Manage Channels (1 << 4). */
export const MODERATOR_PERMISSIONS = String(BigInt(MEMBER_PERMISSIONS) | 16n);

export interface KeyPair {
  privateKey: KeyObject;
  publicKeyHex: string;
}

/** A fresh Ed25519 key pair; the public key in the portal's hex form. */
export function ed25519(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return { privateKey, publicKeyHex: Buffer.from(jwk.x, 'base64url').toString('hex') };
}

export function signHeaders(key: KeyObject, body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  return {
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'),
    'x-signature-timestamp': timestamp,
  };
}

let snowflake = 1_310_000_000_000_000_000n;
export const nextSnowflake = (): string => String(snowflake++);

export interface DiscordUser {
  id: string;
  username: string;
  global_name: string | null;
}

export const user = (username: string): DiscordUser => ({ id: nextSnowflake(), username, global_name: username[0]!.toUpperCase() + username.slice(1) });

/** The envelope Discord sends for an interaction in a guild channel (fields as of API v10). */
export function guildInteraction(type: number, data: unknown, who: DiscordUser, permissions = MEMBER_PERMISSIONS, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const id = nextSnowflake();
  return {
    app_permissions: '2248473465835073',
    application_id: APP_ID,
    authorizing_integration_owners: { '0': GUILD_ID },
    channel: { flags: 0, guild_id: GUILD_ID, id: CHANNEL_ID, last_message_id: null, name: 'funding', nsfw: false, parent_id: null, permissions, position: 0, rate_limit_per_user: 0, topic: null, type: 0 },
    channel_id: CHANNEL_ID,
    context: 0,
    data,
    entitlement_sku_ids: [],
    entitlements: [],
    guild: { features: [], id: GUILD_ID, locale: 'en-US' },
    guild_id: GUILD_ID,
    guild_locale: 'en-US',
    id,
    locale: 'en-GB',
    member: {
      avatar: null,
      banner: null,
      communication_disabled_until: null,
      deaf: false,
      flags: 0,
      joined_at: '2026-01-01T00:00:00.000000+00:00',
      mute: false,
      nick: null,
      pending: false,
      permissions,
      premium_since: null,
      roles: [],
      unusual_dm_activity_until: null,
      user: { avatar: null, avatar_decoration_data: null, clan: null, collectibles: null, discriminator: '0', global_name: who.global_name, id: who.id, primary_guild: null, public_flags: 0, username: who.username },
    },
    token: `aW50ZXJhY3Rpb246${id}OlRva2Vu`,
    type,
    version: 1,
    ...extra,
  };
}

/** The same interaction from a DM with the bot (no member, no guild). */
export function dmInteraction(type: number, data: unknown, who: DiscordUser): Record<string, unknown> {
  const i = guildInteraction(type, data, who);
  const { member: _m, guild: _g, guild_id: _gi, guild_locale: _gl, ...rest } = i;
  return { ...rest, context: 1, authorizing_integration_owners: { '1': who.id }, channel: { id: CHANNEL_ID, type: 1 }, user: { ...who, discriminator: '0', public_flags: 0, avatar: null } };
}

export const slash = (name: string, options: { name: string; value: string; type?: number; focused?: boolean }[]) => ({
  id: nextSnowflake(),
  name,
  type: 1,
  options: options.map((o) => ({ type: 3, ...o })),
});

export const subcommand = (name: string, sub: string, options: { name: string; value: string }[]) => ({
  id: nextSnowflake(),
  name,
  type: 1,
  options: [{ name: sub, type: 1, options: options.map((o) => ({ type: 3, ...o })) }],
});

export const button = (customId: string) => ({ component_type: 2, custom_id: customId });

/** A modal submission, in the action-row shape. */
export const modalSubmit = (customId: string, amount: string) => ({
  custom_id: customId,
  components: [{ type: 1, id: 1, components: [{ type: 4, id: 2, custom_id: 'amount', value: amount }] }],
});

/** The Discord adapter's deps from a test's services: the ports it names, as the composition root hands them. */
export function discordDepsOf(services: Services): DiscordDeps {
  const settings = services.config.discord;
  if (!settings) throw new Error('Discord is not configured');
  const { clock, wishes, wishSearch, gateway, outbox, subscriptions, identityLinks, inbound, hashToken, log } = services;
  return { clock, wishes, wishSearch, gateway, outbox, subscriptions, identityLinks, inbound, hashToken, log, currency: services.config.currency, settings };
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
  const server = createServer((req, res) => { if (req.url === mount.path) void mount.listener(req, res); else { res.statusCode = 404; res.end(); } });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as any).port}`;
  const app = { close: () => new Promise<void>((r) => server.close(() => r())) };
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
