// A short memory of what an image route answered for a wish, so a busy banner costs the database
// one read a second instead of one per request. An answer is kept `ttlMs` at most and forgotten
// as soon as this process changes the wish; a change made by another instance shows within
// `ttlMs`, far inside the minute of `Cache-Control` the answer itself allows browsers and CDNs.
import { performance } from 'node:perf_hooks';

export interface RememberedAnswer {
  status: number;
  type: string;
  body: Buffer;
  /** Strong ETag of `body`. */
  etag: string;
}

interface Entry {
  until: number;
  wish: string;
  answer: Promise<RememberedAnswer>;
}

export class RecentAnswers {
  private readonly entries = new Map<string, Entry>();
  private readonly keysByWish = new Map<string, Set<string>>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The answer under `key` (about `wish`), made by `make` when none is remembered; concurrent misses share one `make`. */
  get(key: string, wish: string, make: () => Promise<RememberedAnswer>): Promise<RememberedAnswer> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.answer;
    if (hit) this.drop(key);
    const answer = make();
    const entry: Entry = { until: this.now() + this.ttlMs, wish, answer };
    this.entries.set(key, entry);
    let keys = this.keysByWish.get(wish);
    if (!keys) this.keysByWish.set(wish, (keys = new Set()));
    keys.add(key);
    // A failed read is not remembered: the next request asks again.
    answer.catch(() => this.entries.get(key) === entry && this.drop(key));
    if (this.entries.size > this.capacity) this.drop(this.entries.keys().next().value!);
    return answer;
  }

  /** Forgets every answer about `wish` (it changed). */
  forget(wish: string): void {
    for (const key of this.keysByWish.get(wish) ?? []) this.entries.delete(key);
    this.keysByWish.delete(wish);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.keysByWish.get(entry.wish);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByWish.delete(entry.wish);
  }
}
