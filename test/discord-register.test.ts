// `npm run upkeep -- discord:register [--guild <id>]` through the CLI entry point, against the
// recording fake Discord REST API: the real @discordjs/rest client PUTs the command list.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../app/cli.ts';
import { loadConfig } from '../app/config.ts';
import { COMMANDS, registerFromCli } from '../bots/discord/register.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { APP_ID, BOT_TOKEN, ed25519 } from './discord-support.ts';

let fake: FakeDiscord;
const saved = { ...process.env };

beforeAll(async () => {
  fake = await new FakeDiscord(BOT_TOKEN).start();
});
afterAll(async () => {
  await fake?.stop();
});
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

function env(extra: Record<string, string> = {}) {
  Object.assign(process.env, {
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: ed25519().publicKeyHex,
    DISCORD_BOT_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: fake.url,
    ...extra,
  });
}

describe('discord:register', () => {
  it('registers every command in one guild with the bot token', async () => {
    env();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await runCli(['discord:register', '--guild', '1300000000000000042'])).toBe(0);
    const [call] = fake.callsTo(/^\/applications\/\d+\/guilds\/\d+\/commands$/, 'PUT');
    expect(call!.path).toBe(`/applications/${APP_ID}/guilds/1300000000000000042/commands`);
    expect(call!.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(call!.body.map((c: any) => c.name)).toEqual(['wishlist', 'wish', 'pledge', 'subscribe', 'link', 'unlink', 'pledges', 'unsubscribe', 'subscriptions', 'help']);
    // Guild commands carry no global-only fields.
    expect(call!.body.every((c: any) => c.contexts === undefined && c.integration_types === undefined)).toBe(true);
    expect(log.mock.calls.flat().join('\n')).toContain(
      'Registered 10 commands (guild 1300000000000000042): /wishlist, /wish, /pledge, /subscribe, /link, /unlink, /pledges, /unsubscribe, /subscriptions, /help.',
    );
  });

  it('registers globally without --guild; the command shapes are what Discord expects', async () => {
    env();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await runCli(['discord:register'])).toBe(0);
    const [call] = fake.callsTo(/^\/applications\/\d+\/commands$/, 'PUT');
    expect(call!.body).toEqual(JSON.parse(JSON.stringify(COMMANDS)));
    const byName = Object.fromEntries(call!.body.map((c: any) => [c.name, c]));
    expect(byName.subscribe.default_member_permissions).toBe('16');
    expect(byName.subscribe.contexts).toEqual([0]);
    // Changing what a channel follows needs Manage Channels, in a server; /help, /pledges and /unlink work anywhere.
    expect([byName.unsubscribe.default_member_permissions, byName.unsubscribe.contexts]).toEqual(['16', [0]]);
    expect(byName.unsubscribe.options.map((o: any) => [o.name, o.required, o.autocomplete])).toEqual([['repo', true, true]]);
    for (const name of ['help', 'pledges', 'unlink']) expect(byName[name].contexts).toEqual([0, 1]);
    expect(byName.unlink.options.map((o: any) => [o.type, o.name])).toEqual([[1, 'github']]);
    expect(byName.pledge.options.map((o: any) => [o.name, o.required, o.autocomplete ?? false])).toEqual([
      ['wish', true, true],
      ['amount', true, false],
    ]);
    expect(byName.wishlist.options[0]).toMatchObject({ name: 'repo', autocomplete: true });
    expect(byName.wish.options[0]).toMatchObject({ name: 'id', autocomplete: true });
    expect(byName.link.options[0]).toMatchObject({ type: 1, name: 'github', options: [{ name: 'login', required: true }] });
    for (const c of call!.body) {
      expect(c.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(c.description.length).toBeLessThanOrEqual(100);
    }
  });

  it.each([
    [['--guild'], 2, 'is not a Discord server id'],
    [['--guild', 'my-server'], 2, 'is not a Discord server id'],
    [['--global'], 2, 'Unknown argument'],
  ])('refuses %j with a clear message', async (args, code, message) => {
    const config = loadConfig({ DISCORD_APPLICATION_ID: APP_ID, DISCORD_PUBLIC_KEY: ed25519().publicKeyHex, DISCORD_BOT_TOKEN: BOT_TOKEN, DISCORD_API_URL: fake.url });
    const errors: string[] = [];
    expect(await registerFromCli(config.discord, args, () => {}, (l) => errors.push(l))).toBe(code);
    expect(errors.join('\n')).toContain(message);
  });

  it('says what is missing when Discord is not configured or has no bot token', async () => {
    const errors: string[] = [];
    expect(await registerFromCli(loadConfig({}).discord, [], () => {}, (l) => errors.push(l))).toBe(2);
    const noToken = loadConfig({ DISCORD_APPLICATION_ID: APP_ID, DISCORD_PUBLIC_KEY: ed25519().publicKeyHex, DISCORD_API_URL: fake.url });
    expect(await registerFromCli(noToken.discord, [], () => {}, (l) => errors.push(l))).toBe(2);
    expect(errors).toEqual([expect.stringContaining('DISCORD_APPLICATION_ID'), expect.stringContaining('DISCORD_BOT_TOKEN')]);
  });

  it('reports a refusal by Discord (wrong token) without a stack trace', async () => {
    const config = loadConfig({ DISCORD_APPLICATION_ID: APP_ID, DISCORD_PUBLIC_KEY: ed25519().publicKeyHex, DISCORD_BOT_TOKEN: 'wrong', DISCORD_API_URL: fake.url });
    const errors: string[] = [];
    expect(await registerFromCli(config.discord, ['--guild', '1300000000000000042'], () => {}, (l) => errors.push(l))).toBe(1);
    expect(errors[0]).toMatch(/^Discord refused the registration: /);
    expect(errors[0]).toMatch(/401|Unauthorized/);
    expect(errors[0]).not.toContain('    at ');
  });
});
