/** Platforms a notice can be delivered to (each has its deliverer, core/ports/deliverers.ts). */
export type DeliveryPlatform = 'slack' | 'discord' | 'github';

/**
 * Outgoing notices to the channels that follow something. A notice names what it is about
 * (`target`) and has a stable `key`: the outbox fans it out to every subscribed channel once
 * per (key, channel), however often it is enqueued.
 */
export interface Notice {
  /** Stable identity of the event, e.g. `wish:acme/ui#7:funded` or `wish:…:progress:50`. */
  readonly key: string;
  /**
   * `repo:owner/repo`, `package:npm:react`, `company:<uuid>` or `wish:owner/repo#n` (fanned out
   * to followers), or `direct:<platform>:<destination>` for one person (`direct:slack:T0123/U0456`).
   */
  readonly target: string;
  /**
   * More targets whose followers receive the notice too (a funded package's summary also goes
   * to the channels following its repository). A channel following several gets it once.
   */
  readonly also?: readonly string[];
  /**
   * What happened. `wish_status` is the wish's GitHub status comment and `wish_cards` its
   * posted Discord cards: both addressed to the wish, not to followers, and rendered from the
   * wish as it is when delivered. `wish_comment` is a new issue comment that mentions the
   * people an event concerns (funded, expired, cancelled, delivered).
   */
  readonly kind:
    | 'wish_progress'
    | 'wish_funded'
    | 'wish_started'
    | 'wish_delivered'
    | 'wish_quoted'
    | 'wish_requoted'
    | 'wish_expired'
    | 'wish_cancelled'
    | 'wish_reminder'
    | 'wish_status'
    | 'wish_cards'
    | 'wish_comment'
    | 'wish_thread'
    | 'month_end_summary';
  /** Plain-text line every platform can show; adapters may render `data` richer. */
  readonly text: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A notice for one known destination (not fanned out to followers), e.g. a wish's status comment. */
export interface AddressedNotice {
  readonly platform: DeliveryPlatform;
  /** `owner/repo#n` for a GitHub issue, `T0123/C0456` for Slack, a channel id for Discord. */
  readonly destination: string;
  readonly notice: Notice;
}

export interface NotificationOutbox {
  /** Records the notices for delivery to every subscribed channel (idempotent by key). */
  enqueue(notices: readonly Notice[]): Promise<void>;
}

/** An outbox that drops everything (for use-cases run where nobody listens, e.g. some tests). */
export const silentOutbox: NotificationOutbox = { enqueue: async () => {} };

/**
 * Where a delivered notice stands on its platform: Slack channel and `ts`, Discord channel and
 * message id, GitHub issue (`owner/repo#n`) and comment id.
 */
export interface MessageRef {
  readonly channel: string;
  readonly id: string;
}

/** One recorded delivery: a notice for one destination, delivered at most once. */
export interface RecordedNotification {
  readonly id: string;
  /** `<notice key>|<platform>:<destination>` (unique). */
  readonly key: string;
  readonly platform: string;
  readonly destination: string;
  readonly notice: Notice;
  readonly status: 'pending' | 'delivered' | 'failed';
  /** When the first attempt to deliver it began (null: never tried). */
  readonly sendingSince: Date | null;
  /** The message it was delivered as, when one message stands for it. */
  readonly message: MessageRef | null;
}

/**
 * The worker's side of the outbox: the recorded deliveries and their bookkeeping. A row's
 * status is the guard against sending twice, whatever the queue replays.
 */
export interface NotificationLog {
  get(id: string): Promise<RecordedNotification | null>;
  /**
   * Records, before anything is posted, that an attempt begins; returns when an earlier attempt
   * began (null: this is the first). An earlier attempt may have posted and died before
   * `markDelivered`: the deliverer then looks for its message instead of posting again.
   */
  beginAttempt(id: string): Promise<Date | null>;
  /** Counts a failed attempt and keeps its error; the row stays pending (retried). */
  countAttempt(id: string, error: string): Promise<void>;
  /** Counts the successful attempt and keeps the message it posted or found; a delivered row is never sent again. */
  markDelivered(id: string, message: MessageRef | null): Promise<void>;
  /** Marks other pending rows delivered without sending them (a later delivery covered them). */
  markCovered(ids: readonly string[]): Promise<void>;
  /** Gives up on a pending row: it stays, failed with its error, for operators. */
  markFailed(id: string, error: string): Promise<void>;
  /**
   * Pending rows for the same platform, destination and kind as `id` (itself excluded). A
   * status comment renders its wish as it is now, so delivering one covers these.
   */
  pendingAlike(id: string): Promise<string[]>;
  /** Pending rows recorded before `olderThan` (their delivery job may never have been added). */
  pendingBefore(olderThan: Date, limit: number): Promise<string[]>;
  /**
   * `fn` receives the ids of rows recorded from now on by this process (null: stop), so a
   * worker runtime in the process hands them to the queue at once.
   */
  onRecorded(fn: ((ids: readonly string[]) => Promise<void>) | null): void;
}
