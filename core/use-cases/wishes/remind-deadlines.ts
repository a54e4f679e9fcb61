import type { NotificationOutbox } from '../../ports/notifications.ts';
import type { WishStore } from '../../ports/wishes.ts';
import { REMINDER_DAYS, reminderDue, wishReminderNotice } from '../../wish-notices.ts';
import type { WishId } from '../../wishlist.ts';

const DAY_MS = 86_400_000;

/**
 * Tells the followers of each quoted, unfunded wish whose deadline is 7 days away or less that
 * it runs out (the daily `remind-deadlines` job). The notice key is one per wish, so running
 * daily, twice, or from two workers reminds each wish once.
 *
 * Example: acme/ui#7 quoted 53 days ago (deadline in 7 days), €280 of €400 paid → one
 * `wish:acme/ui#7:reminder` to every channel following acme/ui; the next day's run adds nothing.
 */
export async function remindDeadlines({ wishes, outbox, now }: { wishes: WishStore; outbox: NotificationOutbox; now: Date }): Promise<{ reminded: WishId[] }> {
  const reminded: WishId[] = [];
  for (const id of await wishes.approachingDeadline(now, new Date(now.getTime() + REMINDER_DAYS * DAY_MS))) {
    const wish = await wishes.get(id);
    // Funded or re-quoted since the list was read: nothing to remind.
    if (!wish || !reminderDue(wish, now)) continue;
    await outbox.enqueue([wishReminderNotice(wish, now)]);
    reminded.push(id);
  }
  return { reminded };
}
