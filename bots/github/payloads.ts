// Shapes of the webhook deliveries the app handles, checked before Probot sees them: a signed
// but malformed delivery gets a 400 naming what is wrong, never a 500 from deep inside a handler.
import { z } from 'zod';

const Account = z.object({ login: z.string().min(1), type: z.string().optional() });
const Repository = z.object({
  full_name: z.string().min(3),
  name: z.string().min(1),
  owner: z.object({ login: z.string().min(1) }),
  default_branch: z.string().optional(),
});
const Installation = z.object({ id: z.number().int().positive() });
const RepoRef = z.object({ full_name: z.string().min(3) });
const id = z.number().int().positive();

const SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  issue_comment: z.object({
    action: z.string(),
    installation: Installation,
    repository: Repository,
    sender: Account,
    issue: z.object({ number: id, title: z.string(), body: z.string().nullable().optional(), pull_request: z.unknown().optional() }),
    comment: z.object({ id, body: z.string().nullable(), user: Account.nullable() }),
  }),
  issues: z.object({ action: z.string(), installation: Installation, repository: Repository, issue: z.object({ number: id }) }),
  push: z.object({
    ref: z.string(),
    before: z.string().optional(),
    after: z.string().optional(),
    installation: Installation,
    repository: Repository,
    deleted: z.boolean().optional(),
    commits: z
      .array(z.object({ added: z.array(z.string()).optional(), modified: z.array(z.string()).optional(), removed: z.array(z.string()).optional() }))
      .optional(),
  }),
  release: z.object({ action: z.string(), installation: Installation, repository: Repository }),
  // The sender is the installer, proposed as a maintainer: a login when there is one.
  installation: z.object({ action: z.string(), installation: Installation, sender: Account.optional(), repositories: z.array(RepoRef).optional() }),
  installation_repositories: z.object({
    action: z.string(),
    installation: Installation,
    sender: Account.optional(),
    repositories_added: z.array(RepoRef),
    repositories_removed: z.array(RepoRef),
  }),
  pull_request: z.object({
    action: z.string(),
    installation: Installation,
    repository: Repository,
    sender: Account, // who merged, when merged_by is absent
    pull_request: z.object({ number: id, merged: z.boolean().nullable().optional(), body: z.string().nullable().optional(), merged_by: Account.nullable().optional() }),
  }),
};

/** Events the app acts on; others are acknowledged and ignored. */
export const HANDLED_EVENTS = Object.keys(SCHEMAS);

/** Null when `payload` fits `event`, else the problems (for a 400 reply). */
export function payloadProblems(event: string, payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return 'the payload must be a JSON object';
  const schema = SCHEMAS[event];
  if (!schema) return null;
  const r = schema.safeParse(payload);
  if (r.success) return null;
  return r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
    .join('; ');
}
