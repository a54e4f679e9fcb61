// Refusals in Slack: a title per error code, the core's plain message, and the hint (what to run)
// in Slack's own syntax. Pure functions.
import type { DomainError, DomainErrorCode, ErrorHint } from '../../core/errors.ts';
import type { AllocationViolation } from '../../core/use-cases/set-allocation.ts';
import { context, esc, reply, section, SLASH_PREFIX, type SlackReply } from './render.ts';

const NOT_ALLOWED = ':lock: Not allowed';
const REFUSED = ':warning: Could not do that';
const ALLOCATION = ':warning: Allocation refused';
const PERIOD = ':calendar: Not available for that month';
const NOT_FOUND = ':mag: Not found';
const PAYMENT = ':credit_card: Payment';

/** Short title per kind of refusal; the core's message says what to fix. */
export const ERROR_TITLE = {
  invalid_command: REFUSED,
  invalid_package: REFUSED,
  invalid_amount: REFUSED,
  wrong_currency: REFUSED,
  invalid_period: REFUSED,
  invalid_manifest: REFUSED,
  invalid_delay: REFUSED,
  invalid_input: REFUSED,
  company_exists: ':information_source: Already set up',
  company_not_found: ':wave: No company yet',
  not_admin: NOT_ALLOWED,
  not_member: NOT_ALLOWED,
  unauthorized: NOT_ALLOWED,
  not_found: NOT_FOUND,
  allocation_points_total: ALLOCATION,
  allocation_too_few_packages: ALLOCATION,
  allocation_points_over_max: ALLOCATION,
  allocation_not_dependency: ALLOCATION,
  allocation_owned_package: ALLOCATION,
  allocation_invalid_points: ALLOCATION,
  allocation_duplicate_package: ALLOCATION,
  budget_not_set: ':warning: No budget yet',
  period_closed: PERIOD,
  period_not_closed: PERIOD,
  period_in_future: PERIOD,
  invalid_optin: REFUSED,
  wish_not_found: NOT_FOUND,
  wish_exists: REFUSED,
  wish_transition: REFUSED,
  not_maintainer: NOT_ALLOWED,
  quote_missing: REFUSED,
  link_expired: REFUSED,
  identity_mismatch: REFUSED,
  payment_failed: PAYMENT,
  conflict: REFUSED,
  rate_limited: ':hourglass: Too many at once',
} as const satisfies Record<DomainErrorCode, string>;

const ISSUE_SURFACE = 'That is done in a comment on the wish’s GitHub issue.';

/**
 * The hint in Slack syntax: `/upkeep <command>` (and its example) for company commands; an
 * issue command is not typed in Slack, so only where to do it is said. `mrkdwn: false` gives
 * plain text (modal field errors).
 */
export function renderHint(hint: ErrorHint, { mrkdwn = true }: { mrkdwn?: boolean } = {}): string {
  if (hint.surface === 'issue') return ISSUE_SURFACE;
  const code = (text: string) => (mrkdwn ? `\`${esc(SLASH_PREFIX + text)}\`` : SLASH_PREFIX + text);
  return `Run ${code(hint.command)}${hint.example && hint.example !== hint.command ? `, e.g. ${code(hint.example)}` : ''}.`;
}

/** A refusal as one plain sentence with its hint: modal field errors and message modals. */
export function refusalText(e: Pick<DomainError, 'userMessage' | 'hint'>, opts: { mrkdwn?: boolean } = {}): string {
  const message = opts.mrkdwn === false ? e.userMessage : esc(e.userMessage);
  return e.hint ? `${message} ${renderHint(e.hint, opts)}` : message;
}

/** The ephemeral reply to a refusal: every violation of an allocation, or the core's message; then the hint. */
export function renderError(e: DomainError): SlackReply {
  const violations = Array.isArray(e.details.violations) ? (e.details.violations as AllocationViolation[]) : null;
  const several = violations !== null && violations.length > 1;
  const lines = several ? violations.map((v) => `• ${esc(v.userMessage)}`) : [esc(e.userMessage)];
  if (e.hint) lines.push(renderHint(e.hint));
  const title = ERROR_TITLE[e.code];
  const plain = several ? violations.map((v) => v.userMessage).join(' ') : e.userMessage;
  return reply(`${title.replace(/^:[a-z_]+: /, '')}: ${plain}${e.hint ? ` ${renderHint(e.hint, { mrkdwn: false })}` : ''}`, [
    section(`*${title}*\n${lines.join('\n')}`),
    context(`Type \`${SLASH_PREFIX}help\` for every command.`),
  ]);
}

/** Something unexpected failed: no details reach the user. */
export function renderInternalError(): SlackReply {
  return reply('Something went wrong on our side; it has been logged. Please try again in a minute.');
}

/** The same, inside a modal. */
export const INTERNAL_ERROR_TEXT = 'Something went wrong on our side; it has been logged. Please try again.';
