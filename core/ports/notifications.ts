/**
 * Outgoing notices to the channels that follow something. A notice names what it is about
 * (`target`) and has a stable `key`: the outbox fans it out to every subscribed channel once
 * per (key, channel), however often it is enqueued.
 */
export interface Notice {
  /** Stable identity of the event, e.g. `wish:acme/ui#7:funded` or `wish:…:progress:50`. */
  readonly key: string;
  /** `repo:owner/repo`, `package:npm:react` or `company:<uuid>`. */
  readonly target: string;
  readonly kind: 'wish_progress' | 'wish_funded' | 'wish_started' | 'wish_delivered' | 'wish_quoted' | 'wish_requoted' | 'wish_expired' | 'wish_cancelled' | 'month_end_summary';
  /** Plain-text line every platform can show; adapters may render `data` richer. */
  readonly text: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface NotificationOutbox {
  /** Records the notices for delivery to every subscribed channel (idempotent by key). */
  enqueue(notices: readonly Notice[]): Promise<void>;
}

/** An outbox that drops everything (for use-cases run where nobody listens, e.g. some tests). */
export const silentOutbox: NotificationOutbox = { enqueue: async () => {} };
