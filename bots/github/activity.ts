// Reads a repository's latest activity from the GitHub API with the App's installation token:
// the last push, the newest release and the most recently updated issue or pull request.
import type { RepositoryActivitySource } from '../../core/ports/repositories.ts';
import type { Logger } from '../../edge/logger.ts';
import type { GithubSettings } from './deps.ts';
import { createProbot, type GithubClientOptions } from './probot.ts';

export function githubActivitySource(settings: GithubSettings, log: Logger, options: GithubClientOptions = {}): RepositoryActivitySource {
  const probot = createProbot(settings, log, options);
  return {
    async latestActivity(repository, installationId) {
      const octokit = await probot.auth(installationId);
      const [owner, repo] = repository.split('/') as [string, string];
      const { data: info } = await octokit.rest.repos.get({ owner, repo });
      const { data: releases } = await octokit.rest.repos.listReleases({ owner, repo, per_page: 1 });
      const { data: issues } = await octokit.rest.issues.listForRepo({ owner, repo, state: 'all', sort: 'updated', direction: 'desc', per_page: 1 });
      const stamps = [info.pushed_at, releases[0]?.published_at, issues[0]?.updated_at]
        .filter((d): d is string => typeof d === 'string')
        .map((d) => new Date(d).getTime())
        .filter((t) => !Number.isNaN(t));
      return stamps.length > 0 ? new Date(Math.max(...stamps)) : null;
    },
  };
}
