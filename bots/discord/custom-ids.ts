// State carried by buttons and modals in their `custom_id` (at most 100 characters), so a
// wish card keeps working after a restart. Everything read back is validated: a custom_id
// comes from the client and can be forged.
import { maxAmountMinor } from '../../core/money.ts';
import { parseWishId, type WishId } from '../../core/wishlist.ts';

/** Discord's limit on a custom_id. */
export const CUSTOM_ID_MAX = 100;
const VERSION = 'u1';

export type ComponentAction =
  | { kind: 'pledge'; wishId: WishId; amount: number }
  | { kind: 'pledge_other'; wishId: WishId }
  | { kind: 'pledge_modal'; wishId: WishId }
  /** The Withdraw button of `/pledges`: the clicking user's unpaid pledges to the wish. */
  | { kind: 'withdraw'; wishId: WishId };

const LETTER = { pledge_other: 'o', pledge_modal: 'm', withdraw: 'w' } as const;
const KIND = { o: 'pledge_other', m: 'pledge_modal', w: 'withdraw' } as const;

/** `u1:p:<amount minor>:<wish id>`, `u1:o:<wish id>` (opens the amount modal), `u1:m:<wish id>` (the modal), `u1:w:<wish id>` (withdraw). */
export function encodeAction(action: ComponentAction): string | null {
  const id =
    action.kind === 'pledge' ? `${VERSION}:p:${action.amount}:${action.wishId}` : `${VERSION}:${LETTER[action.kind]}:${action.wishId}`;
  return id.length <= CUSTOM_ID_MAX ? id : null;
}

/** Reads a custom_id back; null when it is not one of ours or is malformed (wrong shape, bad wish id, bad amount). */
export function decodeAction(customId: unknown, currency: string): ComponentAction | null {
  if (typeof customId !== 'string' || customId.length > CUSTOM_ID_MAX) return null;
  const m = /^u1:([pomw]):(?:(\d{1,15}):)?([^:]+)$/.exec(customId);
  if (!m) return null;
  const [, kind, amountText, rawWish] = m;
  const wish = parseWishId(rawWish!);
  if (!wish.ok || wish.value !== rawWish) return null; // only the canonical form we write
  if (kind === 'p') {
    if (amountText === undefined) return null;
    const amount = Number(amountText);
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > maxAmountMinor(currency) || String(amount) !== amountText) return null;
    return { kind: 'pledge', wishId: wish.value, amount };
  }
  if (amountText !== undefined) return null;
  return { kind: KIND[kind as keyof typeof KIND], wishId: wish.value };
}
