/**
 * What the channels following a repository hear about its wishes: progress milestones
 * (25/50/75/100 %), quotes and re-quotes, funded, started, delivered, cancelled, expired.
 * Each notice has a stable key, so a retried use-case never announces the same thing twice.
 */
import { noticeKeys } from './keys.ts';
import { formatMoney, money } from './money.ts';
import type { AddressedNotice, Notice } from './ports/notifications.ts';
import { wishIdParts, wishProgress, type Quote, type Wish, type WishEvent, type WishId } from './wishlist.ts';

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

/** True for notices rendered from their subject as it is when delivered (so one delivery covers those pending before it). */
export const rendersCurrentState = (notice: Pick<Notice, 'kind'>): boolean => notice.kind === 'wish_status';

/** Position (1-based) of `quote` in the wish's quote history, for a stable notice key. */
function quoteNumber(wish: Wish, quote: Quote): string {
  const i = wish.quoteHistory.findIndex((q) => q.at.getTime() === quote.at.getTime() && q.amount === quote.amount && q.delayDays === quote.delayDays);
  return i >= 0 ? String(i + 1) : quote.at.toISOString();
}

/** Turns the events of one change into notices for the repository's followers. */
export function wishNotices(wish: Wish, events: readonly WishEvent[]): Notice[] {
  const { repoId } = wishIdParts(wish.id);
  const target = `repo:${repoId}`;
  const amount = (n: number) => formatMoney(money(n, wish.currency));
  const progress = wishProgress(wish);
  const base = {
    wishId: wish.id,
    repo: repoId,
    title: wish.title,
    url: wishUrl(wish),
    status: wish.status,
    currency: wish.currency,
    paid: progress.paid,
    pledgers: progress.pledgers,
    percent: progress.percent,
    quote: wish.quote ? { amount: wish.quote.amount, currency: wish.quote.currency, delayDays: wish.quote.delayDays } : null,
  };
  const name = `${wish.id} “${wish.title}”`;
  const notices: Notice[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'progress':
        notices.push({
          key: noticeKeys.wish(wish.id, `progress:${e.milestone}`),
          target,
          kind: 'wish_progress',
          text: `${name} is ${e.milestone}% funded (${amount(e.paid)} of ${amount(e.quote)}).`,
          data: { ...base, milestone: e.milestone },
        });
        break;
      case 'funded':
        notices.push({
          key: noticeKeys.wish(wish.id, 'funded'),
          target,
          kind: 'wish_funded',
          text: `${name} is funded: ${amount(e.paid)} for a quote of ${amount(e.quote.amount)}. @${e.maintainer} can now start the work.`,
          data: { ...base, maintainer: e.maintainer },
        });
        break;
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
