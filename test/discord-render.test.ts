// Pure parts of the Discord adapter: custom_id state, notices for subscribed channels,
// progress bars, the wish card's buttons, signature checks.
import { sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX, decodeAction, encodeAction } from '../bots/discord/custom-ids.ts';
import { renderNotice, renderWishNotice } from '../bots/discord/notices.ts';
import { cardText, pledgeButtons, progressBar, shortMoney, wishCard, wishEmbed } from '../bots/discord/render.ts';
import { discordPublicKey, verifyInteraction } from '../bots/discord/verify.ts';
import { unwrap } from '../core/errors.ts';
import type { Notice } from '../core/ports/notifications.ts';
import { wishNotices } from '../core/wish-notices.ts';
import { addPledge, markPledgePaid, openWish, quote, writeSpec, type WishId } from '../core/wishlist.ts';
import { ed25519 } from './discord-support.ts';

const at = new Date('2026-11-21T10:00:00Z');
const opened = unwrap(openWish({ id: 'acme/ui#7' as WishId, title: 'Dark mode', description: 'All components.', requester: 'carol', currency: 'EUR', at })).wish;
const quoted = unwrap(quote(opened, { amount: 40_000, currency: 'EUR', delayDays: 14, by: 'maria', at }));

describe('custom_id state', () => {
  const owner = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
  const repo = fc.stringMatching(/^[a-z0-9._-]{1,20}$/).filter((r) => r !== '.' && r !== '..' && !r.endsWith('.git'));
  const wishId = fc.tuple(owner, repo, fc.integer({ min: 1, max: 2_147_483_647 })).map(([o, r, n]) => `${o}/${r}#${n}` as WishId);

  it('round-trips every pledge button and modal id it writes', () => {
    fc.assert(
      fc.property(wishId, fc.integer({ min: 1, max: 10_000_000_000 }), (id, amount) => {
        for (const action of [{ kind: 'pledge' as const, wishId: id, amount }, { kind: 'pledge_other' as const, wishId: id }, { kind: 'pledge_modal' as const, wishId: id }]) {
          const encoded = encodeAction(action);
          expect(encoded!.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
          expect(decodeAction(encoded, 'EUR')).toEqual(action);
        }
      }),
    );
  });

  it('never accepts arbitrary strings as something else than what they encode', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const decoded = decodeAction(s, 'EUR');
        if (decoded) expect(encodeAction(decoded)).toBe(s);
      }),
    );
  });

  it('gives up on ids Discord could not carry', () => {
    expect(encodeAction({ kind: 'pledge', wishId: `${'a'.repeat(39)}/${'b'.repeat(60)}#1` as WishId, amount: 500 })).toBeNull();
  });
});

describe('wish card', () => {
  it('offers presets, the rest of the quote and "Other amount" while pledges are open; none afterwards', () => {
    expect(pledgeButtons(quoted.wish)[0]!.components.map((b) => ('custom_id' in b ? b.custom_id : null))).toEqual([
      'u1:p:500:acme/ui#7',
      'u1:p:2000:acme/ui#7',
      'u1:p:5000:acme/ui#7',
      'u1:p:40000:acme/ui#7',
      'u1:o:acme/ui#7',
    ]);
    const pledged = unwrap(addPledge(quoted.wish, { pledger: { source: 'discord', id: '1', display: 'Ada' }, amount: 40_000, id: 'p1', at }));
    const funded = unwrap(markPledgePaid(pledged.wish, 'p1', at)).wish;
    expect(funded.status).toBe('funded');
    expect(pledgeButtons(funded)).toEqual([]);
    expect(wishEmbed(funded, { offline: true }).fields!.find((f) => f.name === 'Progress')!.value).toContain('██████████ 100%');
    expect(wishEmbed(funded, { offline: true }).footer).toBeUndefined();
  });

  it('"Fund the rest" is what is still to go of what is PAID: an unpaid checkout does not hide it', () => {
    const committed = unwrap(addPledge(quoted.wish, { pledger: { source: 'discord', id: '1', display: 'Ada' }, amount: 30_000, id: 'p1', at })).wish;
    const rest = (w: typeof committed) => pledgeButtons(w)[0]!.components.map((b) => ('label' in b ? b.label : '')).find((l) => l?.startsWith('Fund the rest'));
    expect(rest(committed)).toBe('Fund the rest: €400');
    const paid = unwrap(markPledgePaid(committed, 'p1', at)).wish;
    expect(rest(paid)).toBe('Fund the rest: €100');
    expect(wishEmbed(paid, { offline: false }).fields!.find((f) => f.name === 'Progress')!.value).toContain('€100.00 to go');
  });

  it('shows the description without HTML comments, images or tags, shortened, and the spec', () => {
    const body = '<!-- template: feature -->\n## Problem\n![screenshot](https://x.test/a.png)\nEvery <b>component</b> should follow the <img src="x"> system theme.\n\n' + 'More. '.repeat(100);
    const w = unwrap(writeSpec({ ...quoted.wish, description: body }, { text: '<!-- x -->Add a `theme` prop; ' + 'detail '.repeat(200), author: 'maria', at })).wish;
    const embed = wishEmbed(w, { offline: false });
    expect(embed.description).not.toMatch(/<!--|<b>|<img|!\[|png/);
    expect(embed.description).toMatch(/^## Problem\nEvery component should follow the system theme\./);
    expect(embed.description!.length).toBeLessThanOrEqual(300);
    expect(embed.description!.endsWith('…')).toBe(true);
    const spec = embed.fields!.find((f) => f.name === 'Spec (by maria)')!;
    expect(spec.value.startsWith('Add a `theme` prop;')).toBe(true);
    expect(spec.value.length).toBeLessThanOrEqual(500);
    expect(cardText('<p>Hi</p>', 300)).toBe('Hi');
  });

  it('links to the issue and to the share page', () => {
    const rows = wishCard(quoted.wish, { offline: false, publicUrl: 'https://upkeep.example/' }).components!;
    expect(rows.at(-1)!.components.map((b: any) => [b.label, b.url])).toEqual([
      ['Issue on GitHub', 'https://github.com/acme/ui/issues/7'],
      ['Share page', 'https://upkeep.example/wishes/acme/ui/7'],
    ]);
  });

  it.each([
    [0, '░░░░░░░░░░ 0%'],
    [9, '░░░░░░░░░░ 9%'],
    [25, '██░░░░░░░░ 25%'],
    [100, '██████████ 100%'],
    [250, '██████████ 250%'],
  ])('progress bar at %i %%', (percent, bar) => {
    expect(progressBar(percent)).toBe(bar);
  });

  it.each([
    [2000, 'EUR', '€20'],
    [2050, 'EUR', '€20.50'],
    [500, 'JPY', '¥500'],
  ])('short money %i %s', (amount, currency, text) => {
    expect(shortMoney(amount, currency)).toBe(text);
  });
});

describe('renderNotice', () => {
  const pledged = unwrap(addPledge(quoted.wish, { pledger: { source: 'github', id: 'bob', display: 'bob' }, amount: 40_000, id: 'p1', at }));
  const paid = unwrap(markPledgePaid(pledged.wish, 'p1', at));
  const notices = [...wishNotices(quoted.wish, quoted.events), ...wishNotices(paid.wish, paid.events)];

  it('renders every wish notice with its text, a link to the issue, and no pings', () => {
    // One payment covering the whole quote: one notice, "funded" (no 25/50/75/100 % beside it).
    expect(notices.map((n) => n.kind)).toEqual(['wish_quoted', 'wish_funded']);
    for (const n of notices) {
      const m = renderNotice(n);
      expect(m.content).toBe(n.text);
      expect(m.allowed_mentions).toEqual({ parse: [] });
      expect(m.embeds![0]!.url).toBe('https://github.com/acme/ui/issues/7');
      expect(m.embeds![0]!.author!.name).toBe('acme/ui#7');
    }
    // The bar shows where the wish stands now (one payment covered the whole quote).
    expect(renderNotice(notices[1]!).embeds![0]!.fields![0]!.value).toBe('`██████████ 100%`\n€400.00 of €400.00');
  });

  it('renders a wish notice as the live card: the event line, the card, pledge and link buttons', () => {
    const m = renderWishNotice(notices[0]!, quoted.wish, { offline: false, publicUrl: 'https://upkeep.example' });
    expect(m.content).toBe(`**Wish quoted** · ${notices[0]!.text}`);
    expect(m.embeds![0]!.title).toBe('Dark mode');
    expect(m.allowed_mentions).toEqual({ parse: [] });
    const rows = m.components as any[];
    expect(rows[0].components.map((b: any) => b.custom_id)).toContain('u1:p:40000:acme/ui#7');
    expect(rows[1].components.map((b: any) => b.url)).toEqual(['https://github.com/acme/ui/issues/7', 'https://upkeep.example/wishes/acme/ui/7']);
  });

  it('survives a notice with no or odd data (month-end summaries, future kinds)', () => {
    const odd: Notice = { key: 'k', target: 'company:x', kind: 'month_end_summary', text: '@everyone November: €1,000 to 5 packages', data: { url: 'javascript:alert(1)', quote: 'x', percent: 'y' } };
    const m = renderNotice(odd);
    expect(m.content).toBe(odd.text);
    expect(m.allowed_mentions).toEqual({ parse: [] });
    expect(m.embeds![0]!.url).toBeUndefined();
    expect(m.embeds![0]!.title).toBe('Month-end summary');
  });
});

describe('Ed25519 verification', () => {
  it('accepts exactly the signed timestamp and body', () => {
    const { privateKey, publicKeyHex } = ed25519();
    const key = discordPublicKey(publicKeyHex);
    const body = Buffer.from('{"type":1}');
    const sig = sign(null, Buffer.concat([Buffer.from('1700000000'), body]), privateKey).toString('hex');
    expect(verifyInteraction(key, sig, '1700000000', body)).toBe(true);
    expect(verifyInteraction(key, sig.toUpperCase(), '1700000000', body)).toBe(true);
    expect(verifyInteraction(key, sig, '1700000001', body)).toBe(false);
    expect(verifyInteraction(key, sig, '1700000000', Buffer.from('{"type":2}'))).toBe(false);
    expect(verifyInteraction(key, undefined, '1700000000', body)).toBe(false);
    expect(verifyInteraction(key, sig, undefined, body)).toBe(false);
    expect(verifyInteraction(key, sig.slice(2), '1700000000', body)).toBe(false);
    expect(verifyInteraction(discordPublicKey(ed25519().publicKeyHex), sig, '1700000000', body)).toBe(false);
  });
});
