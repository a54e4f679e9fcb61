/**
 * The one command grammar of Upkeep. Slack `/upkeep <text>` and the CLI go through
 * `parseCompanyCommand`; GitHub issue comments through `parseIssueCommands`; Discord's
 * typed options reuse the same argument parsers (`parseWishId`, `parseAmount`...).
 * One file per concern under core/commands/; this barrel keeps the one import path.
 */
export * from './commands/usage.ts';
export * from './commands/help.ts';
export * from './commands/arguments.ts';
export { closest } from './commands/words.ts';
export * from './commands/company.ts';
export * from './commands/issue.ts';
