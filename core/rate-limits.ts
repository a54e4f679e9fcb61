// How often one person or one address may create wishes, pledges and checkout links. Each
// action has a few fixed-window rules (a burst per minute, a sustained rate per hour); an attempt
// counts against every rule that applies to it, and is refused, changing nothing else, as soon
// as one rule's window is full. The counters live behind the RateLimiter port (PostgreSQL, so
// every instance of the platform shares them); the rules, the keys and the wording live here.
import { DomainError } from './errors.ts';
import type { RateLimitCounter, RateLimiter } from './ports/rate-limiter.ts';

/** What a limit guards: actions that write rows or open a payment provider's session. */
export type RateLimitedAction = 'wish' | 'pledge' | 'checkout';

/** Whose attempts a rule counts: one platform user (a pledger, a requester, an admin) or one client address (web). */
export type RateLimitScope = 'user' | 'address';

export interface RateLimitRule {
  readonly scope: RateLimitScope;
  /** Attempts allowed in one window. */
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * The limits. Generous for people (a maintainer's team opening a batch of wishes, a supporter
 * pledging to several wishes in a row), tight enough that a script cannot fill the wishlist or
 * open thousands of Checkout Sessions.
 */
export const RATE_LIMITS = {
  wish: [
    { scope: 'user', limit: 5, windowSeconds: 60 },
    { scope: 'user', limit: 30, windowSeconds: 3600 },
    { scope: 'address', limit: 10, windowSeconds: 60 },
  ],
  pledge: [
    { scope: 'user', limit: 10, windowSeconds: 60 },
    { scope: 'user', limit: 60, windowSeconds: 3600 },
    { scope: 'address', limit: 10, windowSeconds: 60 },
    { scope: 'address', limit: 100, windowSeconds: 3600 },
  ],
  checkout: [
    { scope: 'user', limit: 5, windowSeconds: 60 },
    { scope: 'user', limit: 30, windowSeconds: 3600 },
    { scope: 'address', limit: 10, windowSeconds: 60 },
  ],
} as const satisfies Record<RateLimitedAction, readonly RateLimitRule[]>;

/** Who is attempting: at least one of a user reference (e.g. `github:alice`) and a client address. */
export interface RateLimitSubject {
  readonly user?: string | null;
  readonly address?: string | null;
}

/** One counter an attempt takes from, with the rule it stands for. */
export interface RateLimitBucket extends RateLimitCounter {
  readonly rule: RateLimitRule;
}

/** The fixed window of `windowSeconds` that contains `at` (aligned on the epoch, the same in every process). */
export function windowOf(at: Date, windowSeconds: number): { start: Date; end: Date } {
  const ms = windowSeconds * 1000;
  const start = Math.floor(at.getTime() / ms) * ms;
  return { start: new Date(start), end: new Date(start + ms) };
}

/** The counters an attempt of `action` by `subject` at `at` takes from; a rule whose scope the subject lacks does not apply. */
export function rateLimitBuckets(action: RateLimitedAction, subject: RateLimitSubject, at: Date): RateLimitBucket[] {
  const buckets: RateLimitBucket[] = [];
  for (const rule of RATE_LIMITS[action] as readonly RateLimitRule[]) {
    const who = rule.scope === 'user' ? subject.user : subject.address;
    if (!who) continue;
    const { start, end } = windowOf(at, rule.windowSeconds);
    buckets.push({ key: `${action}:${rule.scope}:${rule.windowSeconds}:${who.toLowerCase()}`, windowStart: start, windowEnd: end, limit: rule.limit, rule });
  }
  return buckets;
}

const NOUNS: Record<RateLimitedAction, [one: string, many: string]> = {
  wish: ['wish', 'wishes'],
  pledge: ['pledge', 'pledges'],
  checkout: ['payment link', 'payment links'],
} satisfies Record<RateLimitedAction, [string, string]>;

const span = (seconds: number): string => {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'an hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'a minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
};

/** "in 42 seconds", "in 3 minutes": rounded up, so trying again then succeeds. */
const wait = (seconds: number): string => {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
};

/** Seconds until the refused bucket's window ends (at least 1), for the message and `Retry-After`. */
export const retryAfterSeconds = (bucket: RateLimitBucket, now: Date): number => Math.max(1, Math.ceil((bucket.windowEnd.getTime() - now.getTime()) / 1000));

/** The refusal: how many were allowed, in what span, and when to try again (plain language, no platform syntax). */
export function rateLimitedError(action: RateLimitedAction, bucket: RateLimitBucket, now: Date): DomainError {
  const [one, many] = NOUNS[action];
  const retryAfter = retryAfterSeconds(bucket, now);
  const who = bucket.rule.scope === 'user' ? 'one person' : 'one address';
  const noun = bucket.limit === 1 ? one : many;
  return new DomainError(
    'rate_limited',
    `Too many ${many}: ${who} can create at most ${bucket.limit} ${noun} in ${span(bucket.rule.windowSeconds)}. Nothing was recorded; try again ${wait(retryAfter)} (after ${bucket.windowEnd.toISOString().slice(11, 19)} UTC).`,
    { action, scope: bucket.rule.scope, limit: bucket.limit, windowSeconds: bucket.rule.windowSeconds, retryAfterSeconds: retryAfter, retryAt: bucket.windowEnd.toISOString() },
  );
}

/**
 * Counts one attempt of `action` by `subject`, or refuses it with `rate_limited` (nothing else
 * is written): use-cases call it before they change anything.
 */
export async function enforceRateLimit({
  rateLimiter,
  action,
  subject,
  now,
}: {
  rateLimiter: RateLimiter;
  action: RateLimitedAction;
  subject: RateLimitSubject;
  now: Date;
}): Promise<void> {
  const full = await rateLimiter.take(rateLimitBuckets(action, subject, now));
  if (full) throw rateLimitedError(action, full, now);
}
