/**
 * What the channels following a repository hear about its wishes: progress (the highest of
 * 25/50/75/100 % reached, one message per change), quotes and re-quotes, the deadline
 * reminder, funded, started, delivered, cancelled, expired; and what is addressed to the wish
 * itself (its GitHub status comment and announcement comments, its Discord cards).
 * Each notice has a stable key, so a retried use-case never announces the same thing twice.
 */
import { noticeKeys } from './keys.ts';
import { formatMoney, money } from './money.ts';
import type { AddressedNotice, Notice } from './ports/notifications.ts';
import { acceptsPledges, activePledgers, fundingGap, wishIdParts, wishProgress, type Pledger, type Quote, type Wish, type WishEvent, type WishId } from './wishlist.ts';

/** Link to the wish's issue on GitHub. */
export const wishUrl = (wish: Pick<Wish, 'id'>): string => {
  const { owner, repo, number } = wishIdParts(wish.id);
  return `https://github.com/${owner}/${repo}/issues/${number}`;
};

/**
 * The wish's GitHub status comment after its change number `version`: one per change, so no
 * change is missed, and each delivery renders the wish as it is then (an older row is harmless;
 * delivering one covers the others pending). Example: `acme/ui#7` at version 3 →
 * key `wish:acme/ui#7:status:3`, to `github` `acme/ui#7`.
 */
export function wishStatusNotice(wishId: WishId, version: number): AddressedNotice {
  return {
    platform: 'github',
    destination: wishId,
    notice: { key: noticeKeys.wish(wishId, `status:${version}`), target: `wish:${wishId}`, kind: 'wish_status', text: `${wishId} changed.`, data: { wishId, version } },
  };
}

/** The wish's posted Discord cards after its change number `version`, brought up to date by one delivery (like the status comment). */
export function wishCardsNotice(wishId: WishId, version: number): AddressedNotice {
  return {
    platform: 'discord',
    destination: wishId,
    notice: { key: noticeKeys.wishCards(wishId, version), target: `wish:${wishId}`, kind: 'wish_cards', text: `${wishId} changed.`, data: { wishId, version } },
  };
}

/** True for notices rendered from their subject as it is when delivered (so one delivery covers those pending before it). */
export const rendersCurrentState = (notice: Pick<Notice, 'kind'>): boolean => notice.kind === 'wish_status' || notice.kind === 'wish_cards';

const DAY_MS = 86_400_000;

/** `12 days left`, `1 day left`, `last day`. */
export const daysLeftText = (days: number): string => (days <= 0 ? 'last day' : days === 1 ? '1 day left' : `${days} days left`);

/** Whole days (rounded up) from `at` to the wish's deadline, or null without one. */
const daysBefore = (wish: Pick<Wish, 'deadline'>, at: Date): number | null =>
  wish.deadline ? Math.max(0, Math.ceil((wish.deadline.getTime() - at.getTime()) / DAY_MS)) : null;

/** Position (1-based) of `quote` in the wish's quote history, for a stable notice key. */
function quoteNumber(wish: Wish, quote: Quote): string {
  const i = wish.quoteHistory.findIndex((q) => q.at.getTime() === quote.at.getTime() && q.amount === quote.amount && q.delayDays === quote.delayDays);
  return i >= 0 ? String(i + 1) : quote.at.toISOString();
}

/** The facts every wish notice carries (and renderers read): progress, the amount to go, the days left. */
function noticeData(wish: Wish, at: Date) {
  const progress = wishProgress(wish);
  const gap = fundingGap(wish, at);
  return {
    wishId: wish.id,
    repo: wishIdParts(wish.id).repoId,
    title: wish.title,
    url: wishUrl(wish),
    status: wish.status,
    acceptsPledges: acceptsPledges(wish),
    currency: wish.currency,
    paid: progress.paid,
    pledgers: progress.pledgers,
    percent: progress.percent,
    toGo: gap.toGo,
    daysLeft: gap.daysLeft,
    deadline: wish.deadline ? wish.deadline.toISOString() : null,
    quote: wish.quote ? { amount: wish.quote.amount, currency: wish.quote.currency, delayDays: wish.quote.delayDays } : null,
  };
}

const latest = (wish: Wish, events: readonly WishEvent[]): Date =>
  events.reduce((at, e) => (e.at.getTime() > at.getTime() ? e.at : at), events[0]?.at ?? wish.createdAt);

/**
 * Turns the events of one change into notices for the repository's followers: one message per
 * change. A payment that crosses several milestones is announced once, at the highest reached,
 * and not at all when the same change funds the wish ("funded" says it). Every progress and
 * funded notice says raised of quote, the amount to go and the days left.
 *
 * Example: one €400 payment on a €400 quote, 30 days before the deadline → one notice,
 * `wish:acme/ui#7:funded`: "… is funded: €400.00 of €400.00 raised, €0.00 to go, with 30 days left. …".
 */
export function wishNotices(wish: Wish, events: readonly WishEvent[]): Notice[] {
  const { repoId } = wishIdParts(wish.id);
  const target = `repo:${repoId}`;
  const amount = (n: number) => formatMoney(money(n, wish.currency));
  const base = noticeData(wish, latest(wish, events));
  const name = `${wish.id} “${wish.title}”`;
  const notices: Notice[] = [];
  const funded = events.some((e) => e.type === 'funded');
  const highest = events.reduce<(WishEvent & { type: 'progress' }) | null>((top, e) => (e.type === 'progress' && (!top || e.milestone > top.milestone) ? e : top), null);
  for (const e of events) {
    switch (e.type) {
      case 'progress': {
        if (funded || e !== highest) break;
        const toGo = Math.max(0, e.quote - e.paid);
        const days = daysBefore(wish, e.at);
        notices.push({
          key: noticeKeys.wish(wish.id, `progress:${e.milestone}`),
          target,
          kind: 'wish_progress',
          text: `${name} is ${e.milestone}% funded: ${amount(e.paid)} of ${amount(e.quote)} raised, ${amount(toGo)} to go${days !== null ? `, ${daysLeftText(days)}` : ''}.`,
          data: { ...base, milestone: e.milestone, toGo },
        });
        break;
      }
      case 'funded': {
        const days = daysBefore(wish, e.at);
        notices.push({
          key: noticeKeys.wish(wish.id, 'funded'),
          target,
          kind: 'wish_funded',
          text: `${name} is funded: ${amount(e.paid)} of ${amount(e.quote.amount)} raised, ${amount(0)} to go${days !== null ? `, with ${days === 1 ? '1 day' : `${days} days`} to spare` : ''}. @${e.maintainer} can now start the work.`,
          data: { ...base, maintainer: e.maintainer, toGo: 0, daysLeft: days },
        });
        break;
      }
      case 'quoted':
      case 'requoted':
        notices.push({
          key: noticeKeys.wish(wish.id, `quote:${quoteNumber(wish, e.quote)}`),
          target,
          kind: e.type === 'quoted' ? 'wish_quoted' : 'wish_requoted',
          text:
            e.type === 'quoted'
              ? `${name} was quoted ${amount(e.quote.amount)}, delivered ${e.quote.delayDays} days after work starts. Pledge to fund it.`
              : `${name} was re-quoted ${amount(e.quote.amount)} in ${e.quote.delayDays} days (was ${amount(e.previous.amount)} in ${e.previous.delayDays} days).`,
          data: { ...base, notify: e.notify.map((p) => ({ source: p.source, id: p.id, display: p.display })) },
        });
        break;
      case 'started':
        notices.push({ key: noticeKeys.wish(wish.id, 'started'), target, kind: 'wish_started', text: `Work on ${name} has started (@${e.by}).`, data: { ...base, by: e.by } });
        break;
      case 'delivered':
        notices.push({
          key: noticeKeys.wish(wish.id, 'delivered'),
          target,
          kind: 'wish_delivered',
          text: `${name} was delivered${e.pr ? ` in #${e.pr}` : ''}; ${amount(e.paid)} goes to the maintainers.`,
          data: { ...base, by: e.by, pr: e.pr },
        });
        break;
      case 'cancelled':
        notices.push({
          key: noticeKeys.wish(wish.id, 'cancelled'),
          target,
          kind: 'wish_cancelled',
          text: `${name} was cancelled; every pledge is refunded.`,
          data: { ...base, by: e.by, refunds: e.refunds.length },
        });
        break;
      case 'expired':
        notices.push({
          key: noticeKeys.wish(wish.id, 'expired'),
          target,
          kind: 'wish_expired',
          text: `${name} was not funded before its deadline and expired; every pledge is refunded.`,
          data: { ...base, refunds: e.refunds.length },
        });
        break;
      case 'opened':
      case 'specified':
      case 'pledged':
        break;
    }
  }
  return notices;
}

/** How many days before its deadline an unfunded quoted wish is reminded to its followers. */
export const REMINDER_DAYS = 7;

/** True when the reminder of `wish` is due at `now`: quoted, unfunded, deadline within 7 days and not passed. */
export function reminderDue(wish: Wish, now: Date): boolean {
  if (wish.status !== 'quoted' || !wish.deadline) return false;
  const left = wish.deadline.getTime() - now.getTime();
  return left > 0 && left <= REMINDER_DAYS * DAY_MS;
}

/**
 * The reminder that a quoted wish runs out soon, for the repository's followers; keyed once per
 * wish, so a daily job that sees it on several days announces it once.
 *
 * Example: acme/ui#7, €280 of €400 paid, deadline in 7 days → `wish:acme/ui#7:reminder`:
 * "acme/ui#7 “Dark mode” has 7 days left: €280.00 of €400.00 raised, €120.00 to go. …".
 */
export function wishReminderNotice(wish: Wish, now: Date): Notice {
  const amount = (n: number) => formatMoney(money(n, wish.currency));
  const data = noticeData(wish, now);
  const days = data.daysLeft ?? 0;
  const quote = wish.quote?.amount ?? 0;
  const until = wish.deadline ? wish.deadline.toISOString().slice(0, 10) : '';
  return {
    key: noticeKeys.wishReminder(wish.id),
    target: `repo:${data.repo}`,
    kind: 'wish_reminder',
    text: `${wish.id} “${wish.title}” has ${days <= 0 ? 'its last day' : days === 1 ? '1 day left' : `${days} days left`}: ${amount(data.paid)} of ${amount(quote)} raised, ${amount(data.toGo ?? 0)} to go. If it is not funded by ${until}, every pledge is refunded.`,
    data,
  };
}

type AnnouncedEvent = 'funded' | 'expired' | 'cancelled' | 'delivered';

/** Distinct GitHub logins (as displayed) of pledgers with a GitHub identity, in pledge order. */
function githubLogins(pledgers: readonly Pledger[]): string[] {
  const seen = new Map<string, string>();
  for (const p of pledgers) if (p.source === 'github' && !seen.has(p.id.toLowerCase())) seen.set(p.id.toLowerCase(), p.display || p.id);
  return [...seen.values()];
}

/** Logins without case duplicates, first spelling kept. */
function distinctLogins(logins: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const l of logins) if (l && !seen.has(l.toLowerCase())) seen.set(l.toLowerCase(), l);
  return [...seen.values()];
}

/**
 * New issue comments for the events of a change that people must hear about (GitHub does not
 * notify edits of the status comment): funded → the maintainers, expired/cancelled → the
 * pledgers with a GitHub identity, delivered → the requester and the pledgers. `mentions` are
 * GitHub logins; the deliverer adds the repository's opted-in maintainers to a funded one.
 */
export function wishCommentNotices(wish: Wish, events: readonly WishEvent[]): AddressedNotice[] {
  const out: AddressedNotice[] = [];
  const base = noticeData(wish, latest(wish, events));
  const add = (event: AnnouncedEvent, mentions: string[], extra: Record<string, unknown>) =>
    out.push({
      platform: 'github',
      destination: wish.id,
      notice: { key: noticeKeys.wishComment(wish.id, event), target: `wish:${wish.id}`, kind: 'wish_comment', text: `${wish.id} ${event}.`, data: { ...base, event, mentions: distinctLogins(mentions), ...extra } },
    });
  for (const e of events) {
    if (e.type === 'funded') add('funded', [e.maintainer], { maintainer: e.maintainer, raised: e.paid, toGo: 0 });
    if (e.type === 'expired' || e.type === 'cancelled') {
      const refunded = e.refunds.reduce((sum, p) => sum + (p.status === 'paid' ? p.amount : 0), 0);
      add(e.type, githubLogins(e.refunds.map((p) => p.pledger)), { refunded, pledges: e.refunds.length, ...(e.type === 'cancelled' ? { by: e.by } : {}) });
    }
    if (e.type === 'delivered') add('delivered', [wish.requester, ...githubLogins(activePledgers(wish))], { by: e.by, pr: e.pr, released: e.paid });
  }
  return out;
}

/**
 * What a saved change records beside the followers' notices, in the same transaction, for the
 * platforms configured: the GitHub status comment and the announcement comments, and the
 * Discord cards (recorded only for a wish that has posted cards; the store checks).
 */
export function wishChangeNotices(change: { wish: Wish; events: readonly WishEvent[] }, version: number, platforms: { github: boolean; discord: boolean }): AddressedNotice[] {
  const out: AddressedNotice[] = [];
  if (platforms.github) out.push(wishStatusNotice(change.wish.id, version), ...wishCommentNotices(change.wish, change.events));
  if (platforms.discord) out.push(wishCardsNotice(change.wish.id, version));
  return out;
}
