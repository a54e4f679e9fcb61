// Slack waits 3 s for an ack and retries after that. Two helpers every handler shares: answer in
// the ack when the work is quick (or say "working on it" and reply later), and handle a request
// at most once in effect (core/inbound.ts `receiveOnce`, claim-first-release-refusals).
import { receiveOnce } from '../../core/inbound.ts';
import type { SlackDeps } from './deps.ts';
import type { Logger } from '../../edge/logger.ts';
import { reply, type SlackReply } from './render.ts';

/** What every handler is built from. */
export interface SlackContext {
  deps: SlackDeps;
  /** The adapter's child logger. */
  log: Logger;
  /** Work that finishes within this many ms is answered in the ack itself; slower work replies later. */
  ackBudgetMs: number;
}

const sleep = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref());

/** `work`'s outcome if it settles within the ack budget, null otherwise (it keeps running). */
export async function withinBudget<T>(work: Promise<T>, ackBudgetMs: number): Promise<{ value: T } | null> {
  if (ackBudgetMs <= 0) return null;
  return Promise.race([work.then((value) => ({ value })), sleep(ackBudgetMs)]);
}

/**
 * Claims a Slack request (a trigger id, a view's state, an event id) and runs `handle` the first
 * time only: a retry of a request being handled, or handled, does nothing (null). A refusal is
 * released, so the same command or form sent again is answered again; after an unexpected
 * failure the claim stays, since part of the change may have been applied.
 */
export async function once<T>(deps: Pick<SlackDeps, 'inbound'>, externalId: string, kind: string, handle: () => Promise<T>): Promise<{ value: T } | null> {
  const r = await receiveOnce(deps.inbound, { source: 'slack', externalId, kind }, 'claim-first-release-refusals', handle);
  return r.duplicate ? null : { value: r.value };
}

/** Answers in the ack when `work` is quick; otherwise acks at once and replies through `respond`. */
export async function answer(
  ctx: SlackContext,
  work: Promise<SlackReply | null>,
  ack: (r?: SlackReply) => Promise<void>,
  respond: ((r: SlackReply) => Promise<unknown>) | null,
): Promise<void> {
  const quick = await withinBudget(work, ctx.ackBudgetMs);
  if (quick) {
    await ack(quick.value ?? undefined);
    return;
  }
  await ack(reply(':hourglass_flowing_sand: Working on it…'));
  const r = await work;
  if (r && respond) await respond({ ...r, replace_original: true }).catch((e: unknown) => ctx.log.warn({ err: e }, 'respond failed'));
}
