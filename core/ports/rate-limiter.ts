/** One counter to take from: its key, the fixed window it counts in and how many attempts that window allows. */
export interface RateLimitCounter {
  /** e.g. `pledge:user:60:github:alice`. */
  readonly key: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly limit: number;
}

/**
 * Counters of attempts per fixed window (the rules are core/rate-limits.ts), shared by every
 * instance of the platform (one database), so a limit holds however many processes answer.
 */
export interface RateLimiter {
  /**
   * Takes one attempt from every counter, all or none: when a counter's window is already full
   * nothing is taken and that counter is returned; otherwise null (the attempt may go ahead).
   */
  take<C extends RateLimitCounter>(counters: readonly C[]): Promise<C | null>;
}
