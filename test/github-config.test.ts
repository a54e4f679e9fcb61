// `.github/upkeep.yml` read by the adapter and judged by the core's rules: every problem
// reported at once, in words a maintainer can act on.
import { describe, expect, it } from 'vitest';
import { closedIssues } from '../bots/github/pull-requests.ts';
import { parseUpkeepConfig } from '../bots/github/upkeep-config.ts';
import { openSourceLicence } from '../core/opt-in/licence.ts';
import type { RepoId } from '../core/wishlist.ts';

describe('parseUpkeepConfig', () => {
  it('accepts the CONTRACT example, normalising packages and logins', () => {
    const r = parseUpkeepConfig(`packages: [npm:React, pypi:Foo_Bar]
maintainers:
  Alice: 60
  "@bob": 40
accept_terms: 1
description: "What the project is"
needs: "What funding pays for"
contact: "https://example.org/contact"
`);
    expect(r).toEqual({
      ok: true,
      config: {
        packages: ['npm:react', 'pypi:foo-bar'],
        maintainers: [{ login: 'alice', share: 60 }, { login: 'bob', share: 40 }],
        termsVersion: 1,
        description: 'What the project is',
        needs: 'What funding pays for',
        contact: 'https://example.org/contact',
      },
    });
  });

  it.each([
    ['not YAML', 'packages: [a\nmaintainers: {', /not valid YAML/],
    ['a list', '- a\n- b', /must be a YAML mapping/],
    ['empty', '', /must be a YAML mapping/],
    ['missing keys', 'description: x', /`packages`: is missing/],
    ['shares not 100', 'packages: [npm:a]\nmaintainers: {a: 50, b: 40}\naccept_terms: 1', /sum to 90/],
    ['fractional share', 'packages: [npm:a]\nmaintainers: {a: 50.5, b: 49.5}\naccept_terms: 1', /whole number/],
    ['duplicate login', 'packages: [npm:a]\nmaintainers: {Ann: 50, ann: 50}\naccept_terms: 1', /listed twice/],
    ['bad login', 'packages: [npm:a]\nmaintainers: {"not a login": 100}\naccept_terms: 1', /not a GitHub login/],
    ['bad package', 'packages: [react]\nmaintainers: {a: 100}\naccept_terms: 1', /`packages`:/],
    ['terms not accepted', 'packages: [npm:a]\nmaintainers: {a: 100}\naccept_terms: 0', /accept_terms: 1/],
    ['no maintainers', 'packages: [npm:a]\nmaintainers: {}\naccept_terms: 1', /at least one GitHub login/],
  ])('refuses %s', (_name, source, problem) => {
    const r = parseUpkeepConfig(source);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.join('\n')).toMatch(problem);
      expect(r.example).toMatch(/accept_terms: 1/);
    }
  });

  it('reports every problem at once', () => {
    const r = parseUpkeepConfig('packages: [react, npm:ok]\nmaintainers: {a: 10}\naccept_terms: 2');
    expect(r.ok ? [] : r.problems).toHaveLength(3);
  });
});

describe('openSourceLicence', () => {
  it.each([
    ['MIT', 'MIT'],
    ['Apache-2.0', 'Apache-2.0'],
    ['NOASSERTION', null],
    [null, null],
    [undefined, null],
    ['', null],
  ])('%s → %s', (spdx, expected) => expect(openSourceLicence(spdx)).toBe(expected));
});

describe('closedIssues', () => {
  const repo = 'acme/ui' as RepoId;
  it.each([
    ['Fixes #7', [7]],
    ['closes #7 and resolves #8, fixed: #9', [7, 8, 9]],
    ['Closes acme/ui#3, closes other/repo#4', [3]],
    ['Related to #7', []],
    ['prefix#7', []],
  ])('%s', (body, expected) => expect(closedIssues(body, repo)).toEqual(expected));
});
