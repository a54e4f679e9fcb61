import type { Clock } from '../ports/clock.ts';
import type { RepositoryActivitySource, RepositoryStore } from '../ports/repositories.ts';

export interface ActivityRefresh {
  checked: number;
  /** Repositories whose recorded activity moved forward. */
  updated: number;
  /** Repositories that could not be read this time (kept as they were; retried next run). */
  failed: { repository: string; reason: string }[];
  /** Opted-in repositories with no known App installation (nothing to read them with). */
  skipped: string[];
}

/**
 * Reads every opted-in repository's latest commit, issue activity or release, so the 90-day
 * "active" flag stays right even when webhooks were missed. Activity only ever moves forward;
 * one repository failing does not stop the others.
 */
export async function refreshActivity({
  repositories,
  source,
  clock,
}: {
  repositories: RepositoryStore;
  source: RepositoryActivitySource;
  clock: Clock;
}): Promise<ActivityRefresh> {
  const result: ActivityRefresh = { checked: 0, updated: 0, failed: [], skipped: [] };
  const now = clock.now();
  for (const { repository, installationId } of await repositories.listOptedIn()) {
    if (installationId === null) {
      result.skipped.push(repository);
      continue;
    }
    result.checked += 1;
    try {
      const latest = await source.latestActivity(repository, installationId);
      if (!latest) continue;
      const before = (await repositories.find(repository))?.lastActivityAt ?? null;
      // A clock running ahead on the other side must not make a repository look active forever.
      const at = latest.getTime() > now.getTime() ? now : latest;
      if (before === null || before.getTime() < at.getTime()) {
        await repositories.recordActivity(repository, at);
        result.updated += 1;
      }
    } catch (e) {
      result.failed.push({ repository, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}
