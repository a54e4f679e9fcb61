// The `.github/upkeep.yml` proposed to a repository that installed the GitHub App without one:
// its packages guessed from the manifests the App could read (package.json, pyproject.toml,
// Cargo.toml), its maintainers the logins the App knows, with equal shares summing to 100.
// Pure: the adapter reads the files and writes the issue.
import { parsePackageId, type PackageId } from '../packages.ts';
import { splitByLargestRemainder } from '../split.ts';
import { normaliseLogin, OPT_IN_FILE_PATH, TERMS_VERSION } from './file.ts';

/** Manifests read for package names, by path at the repository's root. */
export const PROPOSAL_MANIFESTS = ['package.json', 'pyproject.toml', 'Cargo.toml'] as const;
export type ProposalManifest = (typeof PROPOSAL_MANIFESTS)[number];

/** Shown in place of packages when none could be guessed. */
export const PACKAGE_PLACEHOLDER = 'npm:your-package';
/** Shown in place of maintainers when no login is known. */
export const MAINTAINER_PLACEHOLDER = 'your-github-login';
/** At most this many maintainers are proposed (the rest can be added by hand). */
const MAX_MAINTAINERS = 10;

export interface OptInProposal {
  /** Guessed packages; empty when none could be (the file shows a placeholder). */
  readonly packages: readonly PackageId[];
  /** Where each package was guessed from. */
  readonly sources: readonly { readonly package: PackageId; readonly manifest: ProposalManifest }[];
  /** Logins with equal shares summing to 100 (largest remainder); empty when none is known. */
  readonly maintainers: readonly { readonly login: string; readonly share: number }[];
  /** The file's text, ready to commit. */
  readonly yaml: string;
  readonly path: string;
}

/** The `name` of a TOML table (`[package]`, `[project]`, `[tool.poetry]`), read without a TOML library: only a plain `name = "…"` line counts. */
function tomlName(text: string, table: string): string | null {
  let inTable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[([^\]]+)\]\s*(?:#.*)?$/.exec(line);
    if (header) {
      inTable = header[1]!.trim() === table;
      continue;
    }
    if (!inTable) continue;
    const m = /^name\s*=\s*(?:"([^"]+)"|'([^']+)')\s*(?:#.*)?$/.exec(line);
    if (m) return (m[1] ?? m[2])!;
  }
  return null;
}

/** The package a manifest publishes, as an Upkeep id; null when it publishes none (private) or cannot be read. */
export function publishedPackage(manifest: ProposalManifest, text: string): PackageId | null {
  let candidate: string | null = null;
  if (manifest === 'package.json') {
    try {
      const json = JSON.parse(text) as { name?: unknown; private?: unknown };
      if (json.private !== true && typeof json.name === 'string') candidate = `npm:${json.name}`;
    } catch {
      return null;
    }
  } else if (manifest === 'pyproject.toml') {
    const name = tomlName(text, 'project') ?? tomlName(text, 'tool.poetry');
    if (name) candidate = `pypi:${name}`;
  } else {
    const name = tomlName(text, 'package');
    if (name) candidate = `cargo:${name}`;
  }
  if (!candidate) return null;
  const id = parsePackageId(candidate);
  return id.ok ? id.value : null;
}

/** The proposed file from the manifests found (path → text) and the logins known (installer first). */
export function proposeOptIn({ manifests, logins, repository }: { manifests: Partial<Record<ProposalManifest, string>>; logins: readonly string[]; repository: string }): OptInProposal {
  const sources: { package: PackageId; manifest: ProposalManifest }[] = [];
  for (const manifest of PROPOSAL_MANIFESTS) {
    const text = manifests[manifest];
    const id = text === undefined ? null : publishedPackage(manifest, text);
    if (id && !sources.some((s) => s.package === id)) sources.push({ package: id, manifest });
  }
  const unique: string[] = [];
  for (const l of logins) {
    const login = normaliseLogin(l.trim());
    if (/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/.test(login) && !login.endsWith('[bot]') && !unique.includes(login)) unique.push(login);
  }
  const chosen = unique.slice(0, MAX_MAINTAINERS);
  const shares = chosen.length > 0 ? splitByLargestRemainder(100, chosen.map(() => 1), repository) : [];
  const maintainers = chosen.map((login, i) => ({ login, share: shares[i]! }));
  const packages = sources.map((s) => s.package);
  const yaml = [
    `packages: [${(packages.length > 0 ? packages : [PACKAGE_PLACEHOLDER]).join(', ')}]`,
    'maintainers:',
    ...(maintainers.length > 0 ? maintainers.map((m) => `  ${m.login}: ${m.share}`) : [`  ${MAINTAINER_PLACEHOLDER}: 100`]),
    `accept_terms: ${TERMS_VERSION}`,
  ].join('\n');
  return { packages, sources, maintainers, yaml, path: OPT_IN_FILE_PATH };
}
