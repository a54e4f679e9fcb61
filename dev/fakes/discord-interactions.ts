// Discord's side of an interaction, for tests and `npm run demo`: an Ed25519 key pair like the
// developer portal's, and interactions in Discord's real payload shapes, signed as Discord signs them.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

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
