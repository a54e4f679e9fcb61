// How fresh a signed request must be: Slack says refuse anything more than five minutes from
// now, either way, and Discord interactions get the same window. A signature proves who sent a
// request, the window that it is not a captured one replayed later; a date in the future is
// refused as well, or a request signed ahead of time could be replayed for as long as it says.

/** How far a signed request's timestamp may be from now, either way. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** True when `timestamp` (Unix seconds, digits only) is within the window around `nowMs`, in either direction. */
export function freshTimestamp(timestamp: string | undefined, nowMs: number, windowSeconds = SIGNATURE_WINDOW_SECONDS): boolean {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - nowMs / 1000) <= windowSeconds;
}
