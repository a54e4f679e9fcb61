import type { WishStore } from '../../ports/wishes.ts';
import type { Wish, WishId } from '../../wishlist.ts';
import { wishNotFound } from './support.ts';

/** One wish; `wish_not_found` when the issue is not a wish. */
export async function getWish({ wishes, id }: { wishes: WishStore; id: WishId }): Promise<Wish> {
  const wish = await wishes.get(id);
  if (!wish) throw wishNotFound(id);
  return wish;
}
