// `npm run upkeep -- discord:register [--guild <id>]`: replaces the application's slash
// commands with Upkeep's (PUT applications/{id}/commands, or the guild's commands).
import { COMMANDS, createDiscordApi, registerCommands } from './commands.ts';
import type { DiscordSettings } from './deps.ts';

const SNOWFLAKE = /^\d{15,21}$/;

/** Parses `--guild <id>` / `--guild=<id>`; the error says what is wrong. */
export function parseRegisterArgs(args: readonly string[]): { guildId: string | null } | { error: string } {
  let guildId: string | null = null;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--guild') guildId = args[++k] ?? '';
    else if (a.startsWith('--guild=')) guildId = a.slice('--guild='.length);
    else return { error: `Unknown argument "${a}". Usage: discord:register [--guild <server id>]` };
  }
  if (guildId !== null && !SNOWFLAKE.test(guildId)) {
    return { error: `"${guildId}" is not a Discord server id (a number like 123456789012345678; Developer Mode → right-click the server → Copy Server ID).` };
  }
  return { guildId };
}

/** Runs the command with the Discord settings (null when Discord is not configured); returns the process exit code. */
export async function registerFromCli(settings: DiscordSettings | null, args: readonly string[], out: (line: string) => void = console.log, errOut: (line: string) => void = console.error): Promise<number> {
  const parsed = parseRegisterArgs(args);
  if ('error' in parsed) {
    errOut(parsed.error);
    return 2;
  }
  if (!settings) {
    errOut('Discord is not configured: set DISCORD_APPLICATION_ID, DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN.');
    return 2;
  }
  if (!settings.botToken) {
    errOut('Registering commands needs DISCORD_BOT_TOKEN (Developer Portal → your application → Bot → Reset Token).');
    return 2;
  }
  const api = createDiscordApi({ apiUrl: settings.apiUrl, botToken: settings.botToken });
  try {
    const { scope, names } = await registerCommands({ api, applicationId: settings.applicationId, guildId: parsed.guildId });
    out(`Registered ${names.length} commands (${scope}): ${names.map((n) => `/${n}`).join(', ')}.`);
    if (!parsed.guildId) out('Global commands can take up to an hour to appear; use --guild <id> to test in one server at once.');
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    errOut(`Discord refused the registration: ${message}. Check DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN${parsed.guildId ? ', and that the bot is in that server' : ''}.`);
    return 1;
  }
}

export { COMMANDS };
