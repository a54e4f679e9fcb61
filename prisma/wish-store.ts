// WishStore on PostgreSQL/PGlite. The core's Wish value is stored whole as JSON in `state`,
// with the columns queries need (status, deadline, title). Every change locks the row with
// SELECT … FOR UPDATE inside one transaction that also appends the wish_event rows, so
// concurrent pledges and payments apply one after the other and `funded` happens once.
import { issueHintFor } from '../core/commands/usage.ts';
import { DomainError } from '../core/errors.ts';
import type { Result } from '../core/errors.ts';
import type { WishStore } from '../core/ports/wishes.ts';
import { wishIdParts, type Pledger, type RepoId, type Wish, type WishChange, type WishEvent, type WishId } from '../core/wishlist.ts';
import { wishChangeNotices } from '../core/wish-notices.ts';
import type { PrismaClient } from './generated/client.ts';
import type { PrismaNotificationOutbox } from './notification-outbox.ts';

type Sql = Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** Long enough for 200 pledgers queueing on one row lock through a pool of 10 connections. */
const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

// ---------------------------------------------------------------------------------------
// JSON codec: dates travel as ISO strings and are revived on the way back.

const date = (v: unknown): Date => new Date(v as string);
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

type Json = Record<string, unknown>;

/** Rebuilds a Wish from its stored JSON. */
export function reviveWish(raw: unknown): Wish {
  const j = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Json;
  const spec = j.spec as Json | null;
  const reviveQuote = (q: Json) => ({ ...q, at: date(q.at) });
  return {
    ...(j as unknown as Wish),
    spec: spec ? ({ ...spec, at: date(spec.at) } as unknown as Wish['spec']) : null,
    quote: j.quote ? (reviveQuote(j.quote as Json) as unknown as Wish['quote']) : null,
    quoteHistory: ((j.quoteHistory as Json[]) ?? []).map(reviveQuote) as unknown as Wish['quoteHistory'],
    pledges: ((j.pledges as Json[]) ?? []).map((p) => ({ ...p, createdAt: date(p.createdAt) })) as unknown as Wish['pledges'],
    log: ((j.log as Json[]) ?? []).map((l) => ({ ...l, at: date(l.at) })) as unknown as Wish['log'],
    deadline: dateOrNull(j.deadline),
    createdAt: date(j.createdAt),
    fundedAt: dateOrNull(j.fundedAt),
    startedAt: dateOrNull(j.startedAt),
    deliveredAt: dateOrNull(j.deliveredAt),
    cancelledAt: dateOrNull(j.cancelledAt),
    expiredAt: dateOrNull(j.expiredAt),
  };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

async function appendEvents(db: Sql, events: readonly WishEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.$executeRawUnsafe(
    `INSERT INTO wish_event (wish_id, type, payload, at)
     SELECT w, t, p::jsonb, a::timestamp FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(w, t, p, a)`,
    events.map((e) => e.wishId),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e)),
    events.map((e) => e.at.toISOString()),
  );
}

export class PrismaWishStore implements WishStore {
  /**
   * `outbox`: every saved change also records, in the same transaction, what is addressed to
   * the wish itself on the configured `platforms`: the GitHub status comment and announcement
   * comments, and the update of its posted Discord cards (only once it has some). So whichever
   * process (web, worker, CLI) made the change, the worker brings them up to date.
   */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly statusComments: PrismaNotificationOutbox | null = null,
    private readonly platforms: { github: boolean; discord: boolean } = { github: true, discord: false },
  ) {}

  /** Told the id of each wish this store changed, once the change is committed (read caches of this process drop it). */
  private readonly changeListeners = new Set<(id: WishId) => void>();

  /** Calls `listener` after every committed change made through this store; returns how to stop. */
  onChange(listener: (id: WishId) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(id: WishId): void {
    for (const listener of this.changeListeners) listener(id);
  }

  private recordChange(tx: Sql, change: WishChange, version: number): Promise<string[]> {
    return this.statusComments ? this.statusComments.recordAddressed(tx, wishChangeNotices(change, version, this.platforms)) : Promise.resolve([]);
  }

  async get(id: WishId): Promise<Wish | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ state: unknown }[]>('SELECT state FROM wish WHERE id = $1', id);
    return rows[0] ? reviveWish(rows[0].state) : null;
  }

  async create(change: WishChange): Promise<boolean> {
    const w = change.wish;
    const { repoId, number } = wishIdParts(w.id);
    let recorded: string[] = [];
    const created = await this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO wish (id, repository_id, issue_number, status, title, state, deadline, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::timestamp, $8::timestamp, $8::timestamp)
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        w.id,
        repoId,
        number,
        w.status,
        w.title,
        JSON.stringify(w),
        iso(w.deadline),
        w.createdAt.toISOString(),
      );
      if (inserted.length === 0) return false;
      await appendEvents(tx, change.events);
      recorded = await this.recordChange(tx, change, 0);
      return true;
    }, TX_OPTIONS);
    if (created) this.changed(w.id);
    await this.statusComments?.recorded(recorded);
    return created;
  }

  /** The last update of each wish queued in this process (see `update`). */
  private readonly updating = new Map<string, Promise<unknown>>();

  /**
   * Updates of one wish run one after another in this process. The row lock alone would make a
   * burst of pledges on one wish hold every pooled connection while they wait for it, and other
   * work (rate limits, inbound claims) would then time out waiting for a connection; queued here,
   * they wait without one. The row lock still orders them across processes.
   */
  async update(id: WishId, transition: (wish: Wish) => Result<WishChange>): Promise<WishChange> {
    const previous = this.updating.get(id) ?? Promise.resolve();
    const mine = previous.then(() => this.updateNow(id, transition));
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.updating.set(id, settled);
    void settled.then(() => this.updating.get(id) === settled && this.updating.delete(id));
    return mine;
  }

  private async updateNow(id: WishId, transition: (wish: Wish) => Result<WishChange>): Promise<WishChange> {
    let recorded: string[] = [];
    const change = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ state: unknown }[]>('SELECT state FROM wish WHERE id = $1 FOR UPDATE', id);
      if (!rows[0]) throw wishNotFound(id);
      const current = reviveWish(rows[0].state);
      const result = transition(current);
      if (!result.ok) throw result.error;
      const { wish, events } = result.value;
      if (events.length === 0 && wish === current) return result.value;
      const [saved] = await tx.$queryRawUnsafe<{ version: number }[]>(
        `UPDATE wish SET state = $2::jsonb, status = $3, title = $4, deadline = $5::timestamp,
                version = version + 1, updated_at = $6::timestamp
         WHERE id = $1
         RETURNING version`,
        id,
        JSON.stringify(wish),
        wish.status,
        wish.title,
        iso(wish.deadline),
        new Date().toISOString(),
      );
      await appendEvents(tx, events);
      recorded = await this.recordChange(tx, result.value, Number(saved!.version));
      return result.value;
    }, TX_OPTIONS);
    this.changed(id);
    await this.statusComments?.recorded(recorded);
    return change;
  }

  async listByRepository(repo: RepoId): Promise<Wish[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ state: unknown }[]>(
      'SELECT state FROM wish WHERE repository_id = $1 ORDER BY created_at DESC, issue_number DESC',
      repo,
    );
    return rows.map((r) => reviveWish(r.state));
  }

  async pledgedBy(pledgers: readonly Pick<Pledger, 'source' | 'id'>[], limit = 50): Promise<Wish[]> {
    if (pledgers.length === 0) return [];
    // jsonb containment per pledger: the wish's pledges hold one by that source and id.
    const patterns = pledgers.map((p) => JSON.stringify([{ pledger: { source: p.source, id: p.id } }]));
    const rows = await this.prisma.$queryRawUnsafe<{ state: unknown }[]>(
      `SELECT state FROM wish
       WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS x(pattern) WHERE state->'pledges' @> x.pattern::jsonb)
       ORDER BY updated_at DESC, id
       LIMIT $2`,
      patterns,
      Math.max(1, Math.min(200, Math.floor(limit))),
    );
    return rows.map((r) => reviveWish(r.state));
  }

  async expiring(now: Date): Promise<WishId[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      "SELECT id FROM wish WHERE status = 'quoted' AND deadline IS NOT NULL AND deadline <= $1::timestamp ORDER BY deadline, id",
      now.toISOString(),
    );
    return rows.map((r) => r.id as WishId);
  }

  async approachingDeadline(now: Date, until: Date): Promise<WishId[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      "SELECT id FROM wish WHERE status = 'quoted' AND deadline > $1::timestamp AND deadline <= $2::timestamp ORDER BY deadline, id",
      now.toISOString(),
      until.toISOString(),
    );
    return rows.map((r) => r.id as WishId);
  }

  async owingRefunds(): Promise<WishId[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM wish
       WHERE status IN ('expired', 'cancelled')
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(state->'pledges', '[]'::jsonb)) p WHERE p->>'status' <> 'refunded')
       ORDER BY id`,
    );
    return rows.map((r) => r.id as WishId);
  }

  async statusCommentId(id: WishId): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ status_comment_id: bigint | number | string | null }[]>(
      'SELECT status_comment_id FROM wish WHERE id = $1',
      id,
    );
    const v = rows[0]?.status_comment_id;
    return v === null || v === undefined ? null : Number(v);
  }

  async setStatusCommentId(id: WishId, commentId: number | null): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      'UPDATE wish SET status_comment_id = $2::bigint WHERE id = $1',
      id,
      commentId === null ? null : String(commentId),
    );
  }
}

function wishNotFound(id: WishId): DomainError {
  return new DomainError('wish_not_found', `There is no wish for ${id}; a wish is opened by a comment on its GitHub issue.`, { wishId: id }, issueHintFor('wish'));
}
