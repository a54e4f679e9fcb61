import type { WishStore } from '../../ports/wishes.ts';
import type { RepoId, Wish } from '../../wishlist.ts';

/** The wishlist of a repository, newest first (empty when it has none). */
export async function listWishes({ wishes, repo }: { wishes: WishStore; repo: RepoId }): Promise<Wish[]> {
  return wishes.listByRepository(repo);
}
