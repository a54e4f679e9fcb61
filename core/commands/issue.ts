// GitHub issue-comment commands (`/wish`, `/quote 1,500 EUR 3w`...): found line by line in a
// comment, each parsed into a command or a refusal with the command's usage as its hint.
import { DomainError, err, ok, type Result } from '../errors.ts';
import { parseAmount, type Money } from '../money.ts';
import { isDelayUnit, parseDelay } from '../wishlist.ts';
import { ISSUE_COMMANDS, issueHintFor } from './usage.ts';
import { invalidCommand, words } from './words.ts';

export type WishCommand =
  /** `amount: null` when `/wish` has no (or a zero) contribution. */
  | { type: 'wish'; amount: Money | null }
  | { type: 'spec'; text: string }
  | { type: 'quote'; amount: Money; delayDays: number }
  | { type: 'pledge'; amount: Money }
  | { type: 'start' }
  | { type: 'deliver'; pr: number | null }
  | { type: 'cancel' };

export type WishCommandType = WishCommand['type'];
// Every command of the usage table has a parsed shape (and issueUsage's call checks the converse).
ISSUE_COMMANDS satisfies readonly WishCommandType[];

function issueUsage(type: WishCommandType, problem: string): Result<never> {
  return invalidCommand(problem, { command: type }, issueHintFor(type));
}

function parseQuoteArgs(rest: string, currency: string): Result<WishCommand> {
  const t = words(rest);
  if (t.length === 0) return issueUsage('quote', 'The quote needs an amount and a delay.');
  // The delay is the last token (`3w`) or the last two (`2 weeks`); the amount is what precedes.
  const last = t[t.length - 1]!;
  const currencyLike = /^[a-z]{3}$/i.test(last) && !isDelayUnit(last);
  const twoWordDelay = t.length >= 3 && /^[a-z]+$/i.test(last) && !currencyLike && /^\d+$/.test(t[t.length - 2]!);
  const lastIsDelay = /^\d/.test(last) || /^[+-]\d/.test(last) || isDelayUnit(last);
  if (t.length === 1) return issueUsage('quote', 'The quote needs an amount and a delay.');
  if (!lastIsDelay && currencyLike) return issueUsage('quote', 'The quote needs a delay after the amount.');
  const delayText = twoWordDelay ? t.slice(-2).join(' ') : last;
  const amountText = t.slice(0, twoWordDelay ? -2 : -1).join(' ');
  // `/quote 2 weeks`: a delay alone.
  if (t.length === 2 && isDelayUnit(last) && /^\d+$/.test(t[0]!)) return issueUsage('quote', 'The quote needs an amount before the delay.');
  const amount = parseAmount(amountText, currency);
  if (!amount.ok) return amount;
  const delay = parseDelay(delayText);
  if (!delay.ok) return delay;
  return ok({ type: 'quote', amount: amount.value, delayDays: delay.value });
}

function parsePr(token: string): number | null | undefined {
  const m = /^(?:#?(\d+)|(?:https?:\/\/)?(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+\/pull\/(\d+)\/?(?:[?#]\S*)?)$/i.exec(token);
  if (!m) return undefined;
  const n = Number(m[1] ?? m[2]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function parseIssueCommand(name: WishCommandType, rest: string, currency: string): Result<WishCommand> {
  const args = rest.trim();
  switch (name) {
    case 'wish': {
      if (args === '') return ok({ type: 'wish', amount: null });
      const amount = parseAmount(args, currency, { allowZero: true });
      if (!amount.ok) return amount;
      return ok({ type: 'wish', amount: amount.value.amount === 0 ? null : amount.value });
    }
    case 'spec':
      if (args === '') return issueUsage('spec', 'The spec is empty.');
      return ok({ type: 'spec', text: args });
    case 'quote':
      return parseQuoteArgs(args, currency);
    case 'pledge': {
      if (args === '') return issueUsage('pledge', 'The pledge needs an amount.');
      const amount = parseAmount(args, currency);
      return amount.ok ? ok({ type: 'pledge', amount: amount.value }) : amount;
    }
    case 'deliver': {
      const first = words(args)[0];
      if (first === undefined) return ok({ type: 'deliver', pr: null });
      const pr = parsePr(first);
      if (pr !== undefined) return ok({ type: 'deliver', pr });
      // Prose after /deliver is fine; something that tries to be a PR reference is not.
      if (/^(#|\d|https?:|github\.com)/i.test(first)) {
        return err(new DomainError('invalid_input', `"${first}" is not a pull request.`, { input: first }, issueHintFor('deliver')));
      }
      return ok({ type: 'deliver', pr: null });
    }
    case 'start':
      return ok({ type: 'start' });
    case 'cancel':
      return ok({ type: 'cancel' });
  }
}

/**
 * Finds the commands of a GitHub comment: lines starting with `/wish`, `/spec`, `/quote`,
 * `/pledge`, `/start`, `/deliver`, `/cancel` (leading whitespace allowed, any case).
 * Other lines, quoted replies (`> /quote …`, someone else's words), fenced code blocks and
 * HTML comments are ignored. `/spec` takes the rest of the comment, so nothing after it
 * is a command. One Result per command, in order; [] when there is none.
 */
export function parseIssueCommands(body: string, currency: string): Result<WishCommand>[] {
  const text = body.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  const lines = text.split('\n');
  const results: Result<WishCommand>[] = [];
  let fence: { char: string; length: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence.char && f[1]!.length >= fence.length && f[2]!.trim() === '') fence = null;
      continue;
    }
    if (f && !(f[1]![0] === '`' && f[2]!.includes('`'))) {
      fence = { char: f[1]![0]!, length: f[1]!.length };
      continue;
    }
    const m = /^\s*\/([a-z]+)(?=\s|$)(.*)$/i.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase() as WishCommandType;
    if (!(ISSUE_COMMANDS as readonly string[]).includes(name)) continue;
    if (name === 'spec') {
      results.push(parseIssueCommand('spec', [m[2]!, ...lines.slice(i + 1)].join('\n'), currency));
      break;
    }
    results.push(parseIssueCommand(name, m[2]!, currency));
  }
  return results;
}
