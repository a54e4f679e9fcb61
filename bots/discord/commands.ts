// The slash commands the app registers (the operator's `discord:register`), and the REST
// client every Discord call goes through.
import { REST } from '@discordjs/rest';
import {
  API,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from '@discordjs/core/http-only';

/** The Manage Channels permission bit (members need it to `/subscribe` a channel). */
export const MANAGE_CHANNELS = PermissionFlagsBits.ManageChannels;

/** A REST client on `apiUrl` (Discord's, or a local fake in tests); no retries, so failures show at once. */
export function createDiscordApi({ apiUrl, botToken }: { apiUrl: string; botToken: string | null }): API {
  const rest = new REST({ api: apiUrl.replace(/\/+$/, ''), retries: 0, timeout: 10_000 });
  if (botToken) rest.setToken(botToken);
  return new API(rest);
}

const guildOnly = { contexts: [InteractionContextType.Guild], integration_types: [ApplicationIntegrationType.GuildInstall] };
const anywhere = {
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/** Every slash command, in Discord's registration shape. */
export const COMMANDS: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    type: ApplicationCommandType.ChatInput,
    name: 'wishlist',
    description: 'Show the wishes (crowdfunded features) of a GitHub repository',
    options: [
      { type: ApplicationCommandOptionType.String, name: 'repo', description: 'owner/repo or its GitHub URL', required: true, autocomplete: true, max_length: 200 },
    ],
    ...anywhere,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'wish',
    description: 'Show one wish with its quote, progress and pledge buttons',
    options: [
      { type: ApplicationCommandOptionType.String, name: 'id', description: 'owner/repo#7 or the issue URL', required: true, autocomplete: true, max_length: 200 },
    ],
    ...anywhere,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'pledge',
    description: 'Pledge an amount to a wish',
    options: [
      { type: ApplicationCommandOptionType.String, name: 'wish', description: 'owner/repo#7 or the issue URL', required: true, autocomplete: true, max_length: 200 },
      { type: ApplicationCommandOptionType.String, name: 'amount', description: 'e.g. 20 or 20.50 EUR', required: true, max_length: 40 },
    ],
    ...anywhere,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'subscribe',
    description: "Post a repository's wish progress in this channel",
    options: [
      { type: ApplicationCommandOptionType.String, name: 'repo', description: 'owner/repo or its GitHub URL', required: true, autocomplete: true, max_length: 200 },
    ],
    default_member_permissions: String(MANAGE_CHANNELS),
    ...guildOnly,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'link',
    description: 'Link your Discord account to your GitHub login',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'github',
        description: 'Prove you own a GitHub login (you confirm it with a comment on GitHub)',
        options: [{ type: ApplicationCommandOptionType.String, name: 'login', description: 'Your GitHub login, e.g. octocat', required: true, max_length: 40 }],
      },
    ],
    ...anywhere,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'unlink',
    description: 'Unlink your Discord account from your GitHub login',
    options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'github', description: 'Your next pledges are recorded under your Discord name again' }],
    ...anywhere,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'pledges',
    description: 'Your own pledges: wish, amount and status; withdraw an unpaid one',
    ...anywhere,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'unsubscribe',
    description: "Stop posting a repository's wish progress in this channel",
    options: [
      { type: ApplicationCommandOptionType.String, name: 'repo', description: 'owner/repo or its GitHub URL', required: true, autocomplete: true, max_length: 200 },
    ],
    default_member_permissions: String(MANAGE_CHANNELS),
    ...guildOnly,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'subscriptions',
    description: 'The repositories this channel follows',
    ...guildOnly,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: 'help',
    description: 'What Upkeep does and its commands',
    ...anywhere,
  },
];

/** Replaces the application's commands, globally or in one guild (guild commands apply at once; global ones can take a while). */
export async function registerCommands({ api, applicationId, guildId }: { api: API; applicationId: string; guildId?: string | null }): Promise<{ scope: string; names: string[] }> {
  const result = guildId
    ? await api.applicationCommands.bulkOverwriteGuildCommands(
        applicationId,
        guildId,
        // Guild commands live in one server: contexts and install types do not apply there.
        COMMANDS.map(({ contexts: _c, integration_types: _t, dm_permission: _d, ...command }) => command),
      )
    : await api.applicationCommands.bulkOverwriteGlobalCommands(applicationId, COMMANDS);
  return { scope: guildId ? `guild ${guildId}` : 'global', names: result.map((c) => c.name) };
}
