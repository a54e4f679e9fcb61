/**
 * Expected failures of the domain. Each carries a stable `code` (what adapters switch on),
 * a `userMessage` that says in plain language what is wrong, the `details` a renderer needs
 * (package id, points, limits...) and, where a command helps, a `hint` (built from the usage
 * table in core/commands/usage.ts). Log messages and stack traces never reach users.
 */
export const DOMAIN_ERROR_CODES = [
  // input
  'invalid_command',
  'invalid_package',
  'invalid_amount',
  'wrong_currency',
  'invalid_period',
  'invalid_manifest',
  'invalid_delay',
  'invalid_input',
  // companies and roles
  'company_exists',
  'company_not_found',
  'not_admin',
  'not_member',
  'unauthorized',
  'not_found',
  // allocation rules
  'allocation_points_total',
  'allocation_too_few_packages',
  'allocation_points_over_max',
  'allocation_not_dependency',
  'allocation_owned_package',
  'allocation_invalid_points',
  'allocation_duplicate_package',
  'budget_not_set',
  // periods
  'period_closed',
  'period_not_closed',
  'period_in_future',
  // maintainers' opt-in
  'invalid_optin',
  // wishlist
  'wish_not_found',
  'wish_exists',
  'wish_transition',
  'not_maintainer',
  'quote_missing',
  // identity links (chat user ↔ GitHub login)
  'link_expired',
  'identity_mismatch',
  // payments
  'payment_failed',
  'conflict',
  // abuse (core/rate-limits.ts)
  'rate_limited',
] as const;

/** Stable codes of expected failures; maps over them are `satisfies Record<DomainErrorCode, …>` so a new code fails the typecheck. */
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/**
 * What to run next, in the one command grammar and without any platform's syntax: each
 * front-end renders it its own way (Slack `/upkeep allocate`, a GitHub comment `/quote`, the
 * CLI `npm run upkeep -- allocate`).
 */
export interface ErrorHint {
  /** `company`: a company command (Slack, CLI); `issue`: a command in a GitHub issue comment. */
  readonly surface: 'company' | 'issue';
  /** The command's usage without prefix, e.g. `allocate <pkg>=<points> ...`. */
  readonly command: string;
  /** A complete example without prefix, e.g. `allocate npm:react=34 npm:vite=33 pypi:requests=33`. */
  readonly example?: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    /** Plain language with no platform syntax: every front-end shows it as it is. */
    readonly userMessage: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly hint: ErrorHint | null = null,
  ) {
    super(`${code}: ${userMessage}`);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** Outcome of a pure function whose failure is expected (bad input), not exceptional. */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Unwraps a Result, throwing its DomainError: for use-cases that let errors bubble to adapters. */
export function unwrap<T>(r: Result<T, DomainError>): T {
  if (!r.ok) throw r.error;
  return r.value;
}
