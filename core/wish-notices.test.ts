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
    ['wish_progress', false],
    ['wish_funded', false],
    ['wish_expired', false],
    ['month_end_summary', false],
  ])('%s renders its subject as it is when delivered: %s', (kind, expected) => {
    expect(rendersCurrentState({ kind })).toBe(expected);
  });
});
