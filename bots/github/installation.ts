// Events that change which repositories are opted in or active: installations (a repository
// added without `.github/upkeep.yml` gets an issue proposing one), pushes to the default branch
// (the opt-in file changed), releases and issue activity.
import type { Probot } from 'probot';
import type { GithubDeps } from './deps.ts';
import { guarded } from './guard.ts';
import { syncOptIn } from './opt-in.ts';
import { splitRepository } from './repository.ts';
import { CONFIG_PATH } from './upkeep-config.ts';

export type InstallationDeps = Pick<GithubDeps, 'clock' | 'repositories' | 'inbound' | 'publicUrl'>;

/** Registers the handlers of installation, push, release and issue events. */
export function onRepositoryEvents(app: Probot, deps: InstallationDeps): void {
  const activity = async (fullName: string) => deps.repositories.recordActivity(splitRepository(fullName).id, deps.clock.now());
  const withdraw = async (fullName: string) => deps.repositories.withdraw(splitRepository(fullName).id);

  app.on('installation.created', guarded(async (context) => {
    const installer = { installer: context.payload.sender?.login ?? null };
    for (const r of context.payload.repositories ?? []) await syncOptIn(deps, context.octokit, r.full_name, context.payload.installation.id, null, installer);
  }));
  app.on(['installation.new_permissions_accepted', 'installation.unsuspend'], guarded(async (context) => {
    for (const r of context.payload.repositories ?? []) await syncOptIn(deps, context.octokit, r.full_name, context.payload.installation.id);
  }));
  app.on(['installation.deleted', 'installation.suspend'], guarded(async (context) => {
    for (const r of context.payload.repositories ?? []) await withdraw(r.full_name);
  }));
  app.on('installation_repositories', guarded(async (context) => {
    for (const r of context.payload.repositories_removed) if (r.full_name) await withdraw(r.full_name);
    const installer = { installer: context.payload.sender?.login ?? null };
    for (const r of context.payload.repositories_added) await syncOptIn(deps, context.octokit, r.full_name, context.payload.installation.id, null, installer);
  }));

  app.on('push', guarded(async (context) => {
    const p = context.payload;
    const defaultBranch = p.repository.default_branch ?? p.repository.master_branch;
    if (!defaultBranch || p.ref !== `refs/heads/${defaultBranch}` || p.deleted) return;
    if ((p.commits ?? []).length > 0) await activity(p.repository.full_name);
    const touched = (p.commits ?? []).some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(CONFIG_PATH));
    if (touched) await syncOptIn(deps, context.octokit, p.repository.full_name, p.installation?.id ?? null, { before: p.before ?? null, after: p.after ?? null });
  }));

  app.on('release', guarded(async (context) => activity(context.payload.repository.full_name)));
  app.on('issues', guarded(async (context) => activity(context.payload.repository.full_name)));
}
