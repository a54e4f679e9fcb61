// renderNotice: Block Kit for subscribed Slack channels, from the real notices of core/wish-notices.ts.
import { describe, expect, it } from 'vitest';
import { renderNotice } from '../bots/slack/notices.ts';
import type { Notice } from '../core/ports/notifications.ts';
import { wishNotices } from '../core/wish-notices.ts';
import { addPledge, markPledgePaid, openWish, quote, type Wish, type WishId } from '../core/wishlist.ts';
import { unwrap } from '../core/errors.ts';

const at = new Date('2026-11-20T12:00:00Z');

function quotedWish(): Wish {
  let w = unwrap(openWish({ id: 'vitejs/vite#7' as WishId, title: 'JSON <output> & more', description: 'd', requester: 'carol', currency: 'EUR', commitment: null, commitmentId: 'x', at })).wish;
  w = unwrap(quote(w, { amount: 100000, currency: 'EUR', delayDays: 14, by: 'evan', at })).wish;
  return w;
}

describe('renderNotice', () => {
  it('wish progress: title, link, escaped text, progress bar and how to pledge', () => {
    let w = quotedWish();
    w = unwrap(addPledge(w, { pledger: { source: 'slack', id: 'slack:U1', display: 'u1' }, amount: 50000, id: 'p1', at })).wish;
    const change = unwrap(markPledgePaid(w, 'p1', at));
    const notices = wishNotices(change.wish, change.events);
    const progress = notices.find((n) => n.kind === 'wish_progress' && n.data.milestone === 50)!;
    const { text, blocks } = renderNotice(progress);
    expect(text).toBe(progress.text);
    const all = JSON.stringify(blocks);
    expect(all).toContain('Wish progress');
    expect(all).toContain('<https://github.com/vitejs/vite/issues/7|vitejs/vite#7>');
    expect(all).toContain('JSON &lt;output&gt; &amp; more');
    expect(all).toContain('*50%* · €500.00 of €1,000.00 · *€500.00 to go* · 60 days left · 1 pledger');
    expect(text).toBe('vitejs/vite#7 “JSON <output> & more” is 50% funded: €500.00 of €1,000.00 raised, €500.00 to go, 60 days left.');
    // A "Pledge" button (it opens the amount modal), and the command for who prefers typing.
    expect(blocks).toContainEqual({ type: 'actions', elements: [expect.objectContaining({ type: 'button', action_id: 'notice_pledge', value: 'vitejs/vite#7', text: expect.objectContaining({ text: 'Pledge' }) })] });
    expect(all).toContain('/upkeep pledge vitejs/vite#7 <amount>');
  });

  it('funded, and a month-end summary (plain data) render without wish fields', () => {
    let w = quotedWish();
    w = unwrap(addPledge(w, { pledger: { source: 'github', id: 'dan', display: 'dan' }, amount: 100000, id: 'p2', at })).wish;
    const change = unwrap(markPledgePaid(w, 'p2', at));
    const funded = wishNotices(change.wish, change.events).find((n) => n.kind === 'wish_funded')!;
    expect(JSON.stringify(renderNotice(funded).blocks)).toContain(':tada: Wish funded');
    // Funded: no more pledges, so no button.
    expect(JSON.stringify(renderNotice(funded).blocks)).not.toContain('notice_pledge');
    const summary: Notice = { key: 'k', target: 'company:x', kind: 'month_end_summary', text: 'Acme gave €1,000.00 to 3 packages in 2026-11.', data: { period: '2026-11' } };
    const r = renderNotice(summary);
    expect(r.blocks).toHaveLength(1);
    expect(JSON.stringify(r.blocks)).toContain('Month-end summary');
    expect(JSON.stringify(r.blocks)).toContain('Acme gave €1,000.00');
  });
});
