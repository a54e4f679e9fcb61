// Wishes are quoted only in opted-in repositories (core/opt-in/quoting.ts): tests that quote a
// wish directly through the use-case opt its repository in first, as a valid
// .github/upkeep.yml would, without claiming any package (so no month-end money moves).
import { TERMS_VERSION } from '../core/opt-in/file.ts';
import type { MaintainerShare } from '../core/ports/packages.ts';
import type { RepositoryStore } from '../core/ports/repositories.ts';

/** Opts `repository` in with these maintainers, unless it is opted in already (its seeded opt-in is kept). */
export async function optInToQuote(repositories: Pick<RepositoryStore, 'find' | 'optIn'>, repository: string, maintainers: MaintainerShare[] = [{ login: 'maint', share: 100 }]): Promise<void> {
  if ((await repositories.find(repository))?.optedIn) return;
  await repositories.optIn({ repository, packages: [], maintainers, termsVersion: TERMS_VERSION, license: 'MIT', description: null, needs: null, contact: null });
}
