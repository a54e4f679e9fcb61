// Identifiers of wishes and repositories: GitHub issues and repositories, in lower case.
import { DomainError, err, ok, type Result } from '../errors.ts';


/** `owner/repo#n`, owner and repo in lower case. */
export type WishId = string & { readonly __brand: 'WishId' };
/** `owner/repo`, lower case. */
export type RepoId = string & { readonly __brand: 'RepoId' };

// GitHub: owners are alphanumerics and single hyphens (≤ 39); repositories [A-Za-z0-9._-] (≤ 100).
const OWNER = '[a-z0-9](?:[a-z0-9-]{0,38})';
const REPO = '[a-z0-9._-]{1,100}';
const SHORT_WISH_RE = new RegExp(`^(${OWNER})/(${REPO})#(\\d{1,10})$`, 'i');
const SHORT_REPO_RE = new RegExp(`^(${OWNER})/(${REPO})$`, 'i');
const URL_PREFIX = '(?:https?://)?(?:www\\.)?github\\.com/';
const URL_WISH_RE = new RegExp(`^${URL_PREFIX}(${OWNER})/(${REPO})/issues/(\\d{1,10})/?(?:[?#].*)?$`, 'i');
const URL_REPO_RE = new RegExp(`^${URL_PREFIX}(${OWNER})/(${REPO})(?:/.*)?(?:[?#].*)?$`, 'i');

const WISH_FORM = 'owner/repo#7 or https://github.com/owner/repo/issues/7';
const REPO_FORM = 'owner/repo or https://github.com/owner/repo';

function validRepoName(repo: string): boolean {
  return repo !== '.' && repo !== '..';
}

/** Parses `owner/repo#7` or `https://github.com/owner/repo/issues/7` into a lower-case wish id. */
export function parseWishId(input: string): Result<WishId> {
  const s = input.trim().replace(/^<|>$/g, '');
  const m = SHORT_WISH_RE.exec(s) ?? URL_WISH_RE.exec(s);
  const number = m ? Number(m[3]) : 0;
  if (!m || !validRepoName(m[2]!) || !Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) {
    return err(
      new DomainError('invalid_input', `"${input.trim()}" is not a GitHub issue; write it as ${WISH_FORM}.`, {
        input,
        expected: WISH_FORM,
      }),
    );
  }
  return ok(`${m[1]!.toLowerCase()}/${m[2]!.replace(/\.git$/i, '').toLowerCase()}#${number}` as WishId);
}

/** Parses `owner/repo` or a GitHub repository URL into a lower-case `owner/repo`. */
export function parseRepo(input: string): Result<RepoId> {
  const s = input.trim().replace(/^<|>$/g, '');
  const m = SHORT_REPO_RE.exec(s) ?? URL_REPO_RE.exec(s);
  const repo = m ? m[2]!.replace(/\.git$/i, '') : '';
  if (!m || !validRepoName(repo) || repo === '') {
    return err(
      new DomainError('invalid_input', `"${input.trim()}" is not a GitHub repository; write it as ${REPO_FORM}.`, {
        input,
        expected: REPO_FORM,
      }),
    );
  }
  return ok(`${m[1]!.toLowerCase()}/${repo.toLowerCase()}` as RepoId);
}

/** Splits a wish id into its repository and issue number. */
export function wishIdParts(id: WishId): { owner: string; repo: string; repoId: RepoId; number: number } {
  const hash = id.lastIndexOf('#');
  const repoId = id.slice(0, hash) as RepoId;
  const slash = repoId.indexOf('/');
  return { owner: repoId.slice(0, slash), repo: repoId.slice(slash + 1), repoId, number: Number(id.slice(hash + 1)) };
}

/** Builds the wish id of issue `number` in `repo`. */
export const wishIdOf = (repo: RepoId, number: number): WishId => `${repo}#${number}` as WishId;

