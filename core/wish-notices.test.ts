import { describe, expect, it } from 'vitest';
import { unwrap } from './errors.ts';
import type { Notice } from './ports/notifications.ts';
import { rendersCurrentState, wishStatusNotice } from './wish-notices.ts';
import { parseWishId } from './wishlist.ts';

describe('the status-comment notice of a wish change', () => {
  it.each([
    ['acme/ui#7', 0, 'wish:acme/ui#7:status:0'],
    ['acme/ui#7', 12, 'wish:acme/ui#7:status:12'],
    ['https://github.com/Some-Org/some.repo/issues/1234', 3, 'wish:some-org/some.repo#1234:status:3'],
  ])('%s at version %i is addressed to its issue on GitHub, keyed %s', (text, version, key) => {
    const id = unwrap(parseWishId(text));
    expect(wishStatusNotice(id, version)).toEqual({
      platform: 'github',
      destination: id,
      notice: { key, target: `wish:${id}`, kind: 'wish_status', text: `${id} changed.`, data: { wishId: id, version } },
    });
  });

  it('gives every change its own key, so no change is lost to deduplication', () => {
    const id = unwrap(parseWishId('acme/ui#7'));
    const keys = new Set([0, 1, 2, 3].map((v) => wishStatusNotice(id, v).notice.key));
    expect(keys.size).toBe(4);
  });

  it.each<[Notice['kind'], boolean]>([
    ['wish_status', true],
    ['wish_cards', true],
    ['wish_comment', false],
    ['wish_reminder', false],
    ['wish_progress', false],
    ['wish_funded', false],
    ['wish_expired', false],
    ['month_end_summary', false],
  ])('%s renders its subject as it is when delivered: %s', (kind, expected) => {
    expect(rendersCurrentState({ kind })).toBe(expected);
  });
});

import fc from 'fast-check';
import { addPledge, cancel, expire, markPledgePaid, openWish, quote, type Wish, type WishId } from './wishlist.ts';
import { reminderDue, wishChangeNotices, wishCommentNotices, wishNotices, wishReminderNotice } from './wish-notices.ts';

const AT = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const quoted = (amount: number): Wish => {
  const w = unwrap(openWish({ id: 'acme/ui#7' as WishId, title: 'Dark mode', description: '', requester: 'carol', currency: 'EUR', at: AT })).wish;
  return unwrap(quote(w, { amount, currency: 'EUR', delayDays: 14, by: 'maint', at: AT })).wish;
};
/** Pledges and pays `amount` as pledge `n`, `days` after the quote: the change's wish and notices. */
function pay(wish: Wish, n: number, amount: number, days = 10) {
  const at = new Date(AT.getTime() + days * DAY);
  const pledged = unwrap(addPledge(wish, { pledger: { source: 'github', id: `u${n}`, display: `U${n}` }, amount, id: `p${n}`, at })).wish;
  const change = unwrap(markPledgePaid(pledged, `p${n}`, at));
  return { wish: change.wish, events: change.events, notices: wishNotices(change.wish, change.events) };
}

describe('one notice per change', () => {
  it.each([
    // quote, payments, the notice keys of each payment's change
    [40_000, [40_000], [['funded']]],
    [40_000, [30_000, 10_000], [['progress:75'], ['funded']]],
    [40_000, [10_000, 10_000, 10_000, 10_000], [['progress:25'], ['progress:50'], ['progress:75'], ['funded']]],
    [40_000, [5_000, 5_000, 30_000], [[], ['progress:25'], ['funded']]],
    [10_001, [8_001, 2_000], [['progress:75'], ['funded']]],
  ])('quote %i, payments %j → %j', (amount, payments, expected) => {
    let w = quoted(amount);
    const got: string[][] = [];
    payments.forEach((p, i) => {
      const r = pay(w, i + 1, p);
      w = r.wish;
      got.push(r.notices.map((n) => n.key.replace('wish:acme/ui#7:', '')));
    });
    expect(got).toEqual(expected);
  });

  it('says raised of quote, the amount to go and the days left', () => {
    const { notices } = pay(quoted(40_000), 1, 30_000, 10);
    expect(notices).toEqual([
      expect.objectContaining({
        kind: 'wish_progress',
        text: 'acme/ui#7 “Dark mode” is 75% funded: €300.00 of €400.00 raised, €100.00 to go, 50 days left.',
        data: expect.objectContaining({ milestone: 75, paid: 30_000, toGo: 10_000, daysLeft: 50, acceptsPledges: true }),
      }),
    ]);
    const funded = pay(quoted(40_000), 1, 40_000, 59).notices[0]!;
    expect(funded.text).toBe('acme/ui#7 “Dark mode” is funded: €400.00 of €400.00 raised, €0.00 to go, with 1 day to spare. @maint can now start the work.');
    expect(funded.data).toMatchObject({ toGo: 0, daysLeft: 1, acceptsPledges: false });
  });

  it('for any payments: at most one progress-or-funded notice per change, never a milestone beside "funded", each milestone and "funded" at most once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 600_000 }), { minLength: 1, maxLength: 12 }), (amount, payments) => {
        let w = quoted(amount);
        const seen: string[] = [];
        payments.forEach((p, i) => {
          if (w.status !== 'quoted') return; // funded: pledges are closed
          const r = pay(w, i + 1, p);
          w = r.wish;
          const progressOrFunded = r.notices.filter((n) => n.kind === 'wish_progress' || n.kind === 'wish_funded');
          expect(progressOrFunded.length).toBeLessThanOrEqual(1);
          for (const n of progressOrFunded) {
            expect(seen).not.toContain(n.key);
            seen.push(n.key);
            expect(n.data.toGo).toBe(Math.max(0, amount - (n.data.paid as number)));
          }
        });
        expect(seen.filter((k) => k.endsWith(':funded')).length).toBe(w.status === 'funded' ? 1 : 0);
      }),
    );
  });
});

describe('the deadline reminder', () => {
  it.each([
    [52, false],
    [53, true],
    [59.9, true],
    [60, false],
  ])('%d days after the quote: due %s', (days, due) => {
    expect(reminderDue(quoted(40_000), new Date(AT.getTime() + days * DAY))).toBe(due);
  });

  it('is not due for a funded wish; says days left, raised, to go and the deadline; keyed once per wish', () => {
    expect(reminderDue(pay(quoted(40_000), 1, 40_000).wish, new Date(AT.getTime() + 55 * DAY))).toBe(false);
    const w = pay(quoted(40_000), 1, 28_000).wish;
    const n = wishReminderNotice(w, new Date(AT.getTime() + 53 * DAY));
    expect(n).toMatchObject({ key: 'wish:acme/ui#7:reminder', target: 'repo:acme/ui', kind: 'wish_reminder' });
    expect(n.text).toBe('acme/ui#7 “Dark mode” has 7 days left: €280.00 of €400.00 raised, €120.00 to go. If it is not funded by 2026-12-31, every pledge is refunded.');
    expect(wishReminderNotice(w, new Date(AT.getTime() + 55 * DAY)).key).toBe(n.key);
  });
});

describe('announcement comments on the issue', () => {
  it('funded → the quote author; expired/cancelled → the GitHub pledgers refunded; delivered → requester and pledgers', () => {
    let w = quoted(40_000);
    w = unwrap(addPledge(w, { pledger: { source: 'github', id: 'alice', display: 'Alice' }, amount: 1_000, id: 'a', at: AT })).wish;
    w = unwrap(addPledge(w, { pledger: { source: 'discord', id: '42', display: 'Ada' }, amount: 1_000, id: 'd', at: AT })).wish;
    w = unwrap(addPledge(w, { pledger: { source: 'github', id: 'alice', display: 'Alice' }, amount: 1_000, id: 'a2', at: AT })).wish;
    const expired = unwrap(expire(w, new Date(AT.getTime() + 60 * DAY)));
    expect(wishCommentNotices(expired.wish, expired.events)).toEqual([
      { platform: 'github', destination: 'acme/ui#7', notice: expect.objectContaining({ key: 'wish:acme/ui#7:comment:expired', kind: 'wish_comment', data: expect.objectContaining({ event: 'expired', mentions: ['Alice'] }) }) },
    ]);
    const cancelled = unwrap(cancel(w, { by: 'maint', at: AT }));
    expect(wishCommentNotices(cancelled.wish, cancelled.events)[0]!.notice.data).toMatchObject({ event: 'cancelled', mentions: ['Alice'] });
    const funded = pay(quoted(40_000), 1, 40_000);
    expect(wishCommentNotices(funded.wish, funded.events).map((n) => n.notice.data.mentions)).toEqual([['maint']]);
    // A change nobody must hear about (a payment below the quote) has no comment.
    const partial = pay(quoted(40_000), 1, 10_000);
    expect(wishCommentNotices(partial.wish, partial.events)).toEqual([]);
  });

  it('a saved change records the status comment and announcements (GitHub) and the cards (Discord) of the configured platforms', () => {
    const funded = pay(quoted(40_000), 1, 40_000);
    const kinds = (p: { github: boolean; discord: boolean }) => wishChangeNotices(funded, 3, p).map((n) => `${n.platform}:${n.notice.key}`);
    expect(kinds({ github: true, discord: true })).toEqual(['github:wish:acme/ui#7:status:3', 'github:wish:acme/ui#7:comment:funded', 'discord:wish:acme/ui#7:cards:3']);
    expect(kinds({ github: false, discord: true })).toEqual(['discord:wish:acme/ui#7:cards:3']);
    expect(kinds({ github: false, discord: false })).toEqual([]);
  });
});
