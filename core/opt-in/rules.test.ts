// The opt-in rules one by one, then together: table-driven over files, and property-based for
// the shares (a file passes the shares rule exactly when its whole shares sum to 100).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TERMS_VERSION, type OptInFile } from './file.ts';
import { openSourceLicence } from './licence.ts';
import { OPT_IN_RULES, validateOptInFile, type OptInRuleName } from './rules.ts';

const valid: OptInFile = {
  packages: ['npm:react'],
  maintainers: [
    ['alice', 60],
    ['bob', 40],
  ],
  acceptTerms: TERMS_VERSION,
  description: null,
  needs: null,
  contact: null,
};
const file = (over: Partial<OptInFile>): OptInFile => ({ ...valid, ...over });

describe('each opt-in rule', () => {
  const cases: [OptInRuleName, string, OptInFile, RegExp | null][] = [
    ['packages', 'a valid list', valid, null],
    ['packages', 'a purl and a PyPI name', file({ packages: ['pkg:npm/%40types/node@20.1.0', 'pypi:Foo_Bar'] }), null],
    ['packages', 'no package', file({ packages: [] }), /at least one package/],
    ['packages', 'a bare name', file({ packages: ['react'] }), /^`packages`: /],
    ['maintainers', 'valid logins, with @', file({ maintainers: [['@Alice', 100]] }), null],
    ['maintainers', 'nobody', file({ maintainers: [] }), /at least one GitHub login/],
    ['maintainers', 'a bad login', file({ maintainers: [['not a login', 100]] }), /"not a login" is not a GitHub login/],
    ['maintainers', 'a login twice, in two cases', file({ maintainers: [['Ann', 50], ['ann', 50]] }), /ann is listed twice/],
    ['maintainers', 'a trailing hyphen', file({ maintainers: [['ann-', 100]] }), /not a GitHub login/],
    ['shares', 'summing to 100', valid, null],
    ['shares', 'summing to 90', file({ maintainers: [['a', 60], ['b', 30]] }), /sum to 90; they must sum to exactly 100/],
    ['shares', 'a fraction', file({ maintainers: [['a', 50.5], ['b', 49.5]] }), /whole number of percent/],
    ['shares', 'a zero share', file({ maintainers: [['a', 0], ['b', 100]] }), /a has a share of 0; each share is between 1 and 100/],
    ['shares', 'over 100', file({ maintainers: [['a', 150], ['b', -50]] }), /a has a share of 150/],
    ['shares', 'no maintainer (the maintainers rule says so)', file({ maintainers: [] }), null],
    ['terms', 'the current version', valid, null],
    ['terms', 'an old version', file({ acceptTerms: 0 }), new RegExp(`accept_terms: ${TERMS_VERSION}`)],
  ];
  it.each(cases)('%s: %s', (rule, _name, input, problem) => {
    const problems = OPT_IN_RULES[rule](input);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join('\n')).toMatch(problem);
  });

  it('the shares rule passes exactly when whole shares of 1..100 sum to 100', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10, max: 110 }), { minLength: 1, maxLength: 6 }), (shares) => {
        const f = file({ maintainers: shares.map((s, i) => [`m${i}`, s] as const) });
        const fine = shares.every((s) => s >= 1 && s <= 100) && shares.reduce((a, b) => a + b, 0) === 100;
        expect(OPT_IN_RULES.shares(f).length === 0).toBe(fine);
      }),
    );
  });
});

describe('validateOptInFile', () => {
  it('normalises a file every rule accepts', () => {
    const r = validateOptInFile(file({ packages: ['npm:React', 'npm:react', 'pypi:Foo_Bar'], maintainers: [['@Alice', 60], ['Bob', 40]], description: '', needs: 'CI', contact: null }));
    expect(r).toEqual({
      ok: true,
      value: {
        packages: ['npm:react', 'pypi:foo-bar'],
        maintainers: [
          { login: 'alice', share: 60 },
          { login: 'bob', share: 40 },
        ],
        termsVersion: TERMS_VERSION,
        description: null,
        needs: 'CI',
        contact: null,
      },
    });
  });

  it('reports every rule’s problems at once, in the rules’ order', () => {
    const r = validateOptInFile(file({ packages: ['react', 'npm:ok'], maintainers: [['a', 10]], acceptTerms: 2 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((p) => p.split(':')[0])).toEqual(['`packages`', '`maintainers`', '`accept_terms`']);
  });
});

describe('openSourceLicence', () => {
  it.each([
    ['MIT', 'MIT'],
    ['Apache-2.0', 'Apache-2.0'],
    ['GPL-3.0', 'GPL-3.0'],
    ['NOASSERTION', null],
    ['noassertion', null],
    ['NONE', null],
    ['OTHER', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%s → %s', (spdx, expected) => expect(openSourceLicence(spdx)).toBe(expected));
});
