// A recording fake of the GitHub REST API endpoints the Upkeep GitHub App uses, on 127.0.0.1
// (tests and `npm run demo`):
// installation tokens, repositories (default branch, licence), file contents (at the head of
// the default branch, or at a commit made with `commit()`), collaborator
// permissions, issue comments (create / edit / list, 404 once deleted), issues, reactions, and
// labels (the repository's, created once: 422 when it exists; an issue's, added and removed).
// Every call is recorded; tests assert on those calls and on the database.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GithubCall {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  authorization: string | null;
}

export interface FakeRepo {
  defaultBranch: string;
  /** SPDX id GitHub detects; null when no licence. */
  license: string | null;
  /** Files on the default branch, by path. */
  files: Map<string, string>;
  /** Files at each commit made with `commit()`, by commit id (read with `?ref=<sha>`). */
  snapshots: Map<string, Map<string, string>>;
  /** The App installation that covers the repository. */
  installationId: number;
  /** Permission by lower-case login: admin, maintain, write, triage, read; absent = not a collaborator (404). */
  permissions: Map<string, string>;
  /** Last push (ISO), newest release's publication, most recently updated issue; null = none. */
  pushedAt: string | null;
  releasedAt: string | null;
  issueUpdatedAt: string | null;
}

export interface FakeComment {
  id: number;
  repo: string;
  issue: number;
  body: string;
}

export interface FakeGithubApi {
  url: string;
  calls: GithubCall[];
  repos: Map<string, FakeRepo>;
  comments: Map<number, FakeComment>;
  issues: { repo: string; number: number; title: string; body: string }[];
  /** Labels of each repository (`owner/repo` lower-case) by name. */
  labels: Map<string, Map<string, { name: string; color: string; description: string }>>;
  /** Labels on each issue, by `owner/repo#n` (lower-case). */
  issueLabels: Map<string, string[]>;
  /** Adds (or replaces) a repository, e.g. `addRepo('acme/widgets', { license: 'MIT' })`. */
  addRepo(fullName: string, opts?: Partial<Omit<FakeRepo, 'files' | 'permissions'>> & { files?: Record<string, string>; permissions?: Record<string, string> }): FakeRepo;
  /**
   * A commit on the default branch: sets (or, with null, deletes) files and returns its id, the
   * 40-hex sha a push payload's `before`/`after` carry. Contents read at that sha see these files.
   */
  commit(fullName: string, changes: Record<string, string | null>): string;
  /** The next call matching method and path answers `status` (once). */
  failNext(method: string, path: RegExp, status: number): void;
  /** Calls matching `METHOD /path-regex`. */
  of(method: string, path: RegExp): GithubCall[];
  reset(): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

export async function startFakeGithubApi(): Promise<FakeGithubApi> {
  const calls: GithubCall[] = [];
  const repos = new Map<string, FakeRepo>();
  const comments = new Map<number, FakeComment>();
  const issues: FakeGithubApi['issues'] = [];
  const labels: FakeGithubApi['labels'] = new Map();
  const issueLabels: FakeGithubApi['issueLabels'] = new Map();
  let nextId = 1000;
  let commitSeq = 0;
  const faults: { method: string; path: RegExp; status: number }[] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = decodeURIComponent(url.pathname);
      const body = await readJson(req);
      calls.push({ method: req.method ?? 'GET', path: path + url.search, body, authorization: req.headers.authorization ?? null });
      const send = (status: number, json: unknown) => {
        const text = JSON.stringify(json);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const notFound = () => send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      const repoOf = (owner: string, name: string) => repos.get(`${owner}/${name}`.toLowerCase());
      let m: RegExpExecArray | null;
      const fault = faults.findIndex((f) => f.method === req.method && f.path.test(path));
      if (fault >= 0) {
        const [f] = faults.splice(fault, 1);
        return send(f!.status, { message: 'Server Error' });
      }

      if (req.method === 'POST' && (m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
        return send(201, { token: `ghs_installation_${m[1]}`, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: 'all' });
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(path))) {
        const r = repoOf(m[1]!, m[2]!);
        return r ? send(200, { id: r.installationId, app_id: 123, target_type: 'Organization' }) : notFound();
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
        const r = repoOf(m[1]!, m[2]!);
        if (!r) return notFound();
        return send(200, {
          id: 1,
          name: m[2],
          full_name: `${m[1]}/${m[2]}`,
          owner: { login: m[1] },
          default_branch: r.defaultBranch,
          pushed_at: r.pushedAt,
          license: r.license ? { key: r.license.toLowerCase(), spdx_id: r.license, name: r.license } : null,
        });
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/releases$/.exec(path))) {
        const r = repoOf(m[1]!, m[2]!);
        if (!r) return notFound();
        return send(200, r.releasedAt ? [{ id: 1, tag_name: 'v1.0.0', published_at: r.releasedAt }] : []);
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path))) {
        const r = repoOf(m[1]!, m[2]!);
        if (!r) return notFound();
        return send(200, r.issueUpdatedAt ? [{ id: 1, number: 1, title: 'An issue', updated_at: r.issueUpdatedAt }] : []);
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path))) {
        const r = repoOf(m[1]!, m[2]!);
        // A commit id reads that commit (unknown: 404, as GitHub answers); a branch name reads its head.
        const ref = url.searchParams.get('ref') ?? '';
        const tree = /^[0-9a-f]{40}$/.test(ref) ? r?.snapshots.get(ref) : r?.files;
        const file = tree?.get(m[3]!);
        if (!r || file === undefined) return notFound();
        return send(200, { type: 'file', encoding: 'base64', path: m[3], name: m[3]!.split('/').pop(), content: Buffer.from(file).toString('base64') });
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/.exec(path))) {
        const perm = repoOf(m[1]!, m[2]!)?.permissions.get(m[3]!.toLowerCase());
        if (!perm) return notFound();
        const legacy = perm === 'maintain' ? 'write' : perm === 'triage' ? 'read' : perm;
        return send(200, { permission: legacy, role_name: perm, user: { login: m[3] } });
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/collaborators$/.exec(path))) {
        const r = repoOf(m[1]!, m[2]!);
        if (!r) return notFound();
        return send(200, [...r.permissions].map(([login, perm]) => ({
          login,
          type: 'User',
          permissions: { admin: perm === 'admin', maintain: perm === 'maintain' || perm === 'admin', push: ['admin', 'maintain', 'write'].includes(perm), triage: perm !== 'read', pull: true },
        })));
      }
      if (req.method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
        const id = nextId++;
        comments.set(id, { id, repo: `${m[1]}/${m[2]}`.toLowerCase(), issue: Number(m[3]), body: String(body?.body ?? '') });
        return send(201, { id, body: body?.body, html_url: `https://github.com/${m[1]}/${m[2]}/issues/${m[3]}#issuecomment-${id}` });
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
        const repo = `${m[1]}/${m[2]}`.toLowerCase();
        return send(200, [...comments.values()].filter((c) => c.repo === repo && c.issue === Number(m![3])).map((c) => ({ id: c.id, body: c.body })));
      }
      if (req.method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/labels$/.exec(path))) {
        const repo = `${m[1]}/${m[2]}`.toLowerCase();
        const known = labels.get(repo) ?? new Map();
        labels.set(repo, known);
        const name = String(body?.name ?? '');
        if ([...known.keys()].some((k) => k.toLowerCase() === name.toLowerCase())) return send(422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] });
        const label = { name, color: String(body?.color ?? 'ededed'), description: String(body?.description ?? '') };
        known.set(name, label);
        return send(201, label);
      }
      if (req.method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/.exec(path))) {
        return send(200, (issueLabels.get(`${m[1]}/${m[2]}#${m[3]}`.toLowerCase()) ?? []).map((name) => ({ name })));
      }
      if (req.method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/.exec(path))) {
        const key = `${m[1]}/${m[2]}#${m[3]}`.toLowerCase();
        const on = issueLabels.get(key) ?? [];
        for (const l of (body?.labels as string[] | undefined) ?? []) if (!on.includes(l)) on.push(l);
        issueLabels.set(key, on);
        return send(200, on.map((name) => ({ name })));
      }
      if (req.method === 'DELETE' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/(.+)$/.exec(path))) {
        const key = `${m[1]}/${m[2]}#${m[3]}`.toLowerCase();
        const on = issueLabels.get(key) ?? [];
        if (!on.includes(m[4]!)) return notFound();
        issueLabels.set(key, on.filter((l) => l !== m![4]));
        return send(200, (issueLabels.get(key) ?? []).map((name) => ({ name })));
      }
      if (req.method === 'PATCH' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path))) {
        const c = comments.get(Number(m[3]));
        if (!c) return notFound();
        c.body = String(body?.body ?? '');
        return send(200, { id: c.id, body: c.body });
      }
      if (req.method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/.exec(path))) {
        return send(201, { id: nextId++, content: body?.content });
      }
      if (req.method === 'POST' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path))) {
        const number = nextId++;
        issues.push({ repo: `${m[1]}/${m[2]}`.toLowerCase(), number, title: String(body?.title ?? ''), body: String(body?.body ?? '') });
        return send(201, { number, title: body?.title });
      }
      return notFound();
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    repos,
    comments,
    issues,
    labels,
    issueLabels,
    addRepo(fullName, opts = {}) {
      const repo: FakeRepo = {
        defaultBranch: opts.defaultBranch ?? 'main',
        installationId: opts.installationId ?? 1,
        license: opts.license === undefined ? 'MIT' : opts.license,
        files: new Map(Object.entries(opts.files ?? {})),
        snapshots: new Map(),
        permissions: new Map(Object.entries(opts.permissions ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        pushedAt: opts.pushedAt ?? null,
        releasedAt: opts.releasedAt ?? null,
        issueUpdatedAt: opts.issueUpdatedAt ?? null,
      };
      repos.set(fullName.toLowerCase(), repo);
      return repo;
    },
    commit(fullName, changes) {
      const repo = repos.get(fullName.toLowerCase());
      if (!repo) throw new Error(`no repository ${fullName}`);
      for (const [path, content] of Object.entries(changes)) {
        if (content === null) repo.files.delete(path);
        else repo.files.set(path, content);
      }
      const sha = (++commitSeq).toString(16).padStart(40, 'c');
      repo.snapshots.set(sha, new Map(repo.files));
      return sha;
    },
    failNext: (method, path, status) => void faults.push({ method, path, status }),
    of: (method, path) => calls.filter((c) => c.method === method && path.test(c.path)),
    reset() {
      calls.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
