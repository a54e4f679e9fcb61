// Argument parsers shared by the company grammar and Discord's typed options.
import { DomainError, err, ok, type Result } from '../errors.ts';
import { parsePackageId, type PackageId } from '../packages.ts';
import { parseRepo, type RepoId } from '../wishlist.ts';

export type SubscriptionTarget = { kind: 'package'; package: PackageId } | { kind: 'repo'; repo: RepoId };

/** Parses every package and reports all the invalid ones at once; duplicates collapse. */
export function parsePackageList(args: readonly string[]): Result<PackageId[]> {
  const packages: PackageId[] = [];
  const invalid: { input: string; message: string }[] = [];
  for (const a of args.flatMap((x) => x.split(',')).filter((x) => x.trim() !== '')) {
    const r = parsePackageId(a);
    if (r.ok) {
      if (!packages.includes(r.value)) packages.push(r.value);
    } else invalid.push({ input: a, message: r.error.userMessage });
  }
  if (invalid.length === 1) {
    const only = parsePackageId(invalid[0]!.input);
    if (!only.ok) return only;
  }
  if (invalid.length > 1) {
    return err(
      new DomainError(
        'invalid_package',
        `${invalid.length} packages are not valid:\n${invalid.map((i) => `• ${i.message}`).join('\n')}`,
        { invalid },
      ),
    );
  }
  return ok(packages);
}

/** `U123ABC`, `<@U123ABC>` or `<@U123ABC|dana>`: a Slack user id. */
export function parseSlackUser(input: string): Result<string> {
  const m = /^(?:<@)?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$/.exec(input.trim());
  if (!m || (input.trim().startsWith('<@') !== input.trim().endsWith('>'))) {
    return err(
      new DomainError('invalid_input', `"${input.trim()}" is not a Slack user; mention them, e.g. @dana, or give their id, e.g. U0123ABCD.`, {
        input,
      }),
    );
  }
  return ok(m[1]!);
}

/** A package (`npm:react`) or a repository (`owner/repo`, GitHub URL). */
export function parseSubscriptionTarget(input: string): Result<SubscriptionTarget> {
  const s = input.trim();
  const looksLikeUrl = /^(?:https?:\/\/)?(?:www\.)?github\.com\//i.test(s);
  if (!looksLikeUrl && s.includes(':')) {
    const p = parsePackageId(s);
    return p.ok ? ok({ kind: 'package', package: p.value }) : p;
  }
  if (looksLikeUrl || s.includes('/')) {
    const r = parseRepo(s);
    return r.ok ? ok({ kind: 'repo', repo: r.value }) : r;
  }
  return err(
    new DomainError('invalid_input', `"${s}" is neither a package nor a repository; write ecosystem:name (npm:react) or owner/repo (vitejs/vite).`, {
      input,
    }),
  );
}
