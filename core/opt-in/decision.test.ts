// The opt-in decision, table-driven: file (or its absence) and licence in, action and explanation out.
import { describe, expect, it } from 'vitest';
import type { PackageId } from '../packages.ts';
import { decideOptIn, explainOptInOutcome, type OptInDecision, type OptInSource } from './decision.ts';
import { TERMS_VERSION, type OptInFile } from './file.ts';

const file: OptInFile = { packages: ['npm:React'], maintainers: [['Alice', 100]], acceptTerms: TERMS_VERSION, description: 'Widgets', needs: null, contact: null };
const source = (f: Partial<OptInFile> = {}): OptInSource => ({ kind: 'file', file: { ...file, ...f } });

describe('decideOptIn', () => {
  const cases: [string, OptInSource, string | null | undefined, OptInDecision][] = [
    ['no file: opt out, nothing to explain', { kind: 'absent' }, 'MIT', { action: 'opt_out' }],
    ['no file and no licence: still only an opt out', { kind: 'absent' }, null, { action: 'opt_out' }],
    ['an unreadable file: refused with its problems', { kind: 'unreadable', problems: ['The file is not valid YAML: x'] }, 'MIT', { action: 'refuse', explanation: { code: 'invalid_file', problems: ['The file is not valid YAML: x'] } }],
    [
      'a file breaking a rule: refused with the rule’s problem',
      source({ acceptTerms: 0 }),
      'MIT',
      { action: 'refuse', explanation: { code: 'invalid_file', problems: [`\`accept_terms\`: write \`accept_terms: ${TERMS_VERSION}\` to accept the current platform rules (version ${TERMS_VERSION}).`] } },
    ],
    ['an invalid file is explained before a missing licence', source({ packages: [] }), null, { action: 'refuse', explanation: { code: 'invalid_file', problems: ['`packages`: list at least one package, e.g. [npm:react]'] } }],
    ['a valid file, no licence', source(), null, { action: 'refuse', explanation: { code: 'no_licence', reported: null } }],
    ['a valid file, a licence GitHub cannot name', source(), 'NOASSERTION', { action: 'refuse', explanation: { code: 'no_licence', reported: 'NOASSERTION' } }],
    ['a valid file, an empty licence id', source(), '', { action: 'refuse', explanation: { code: 'no_licence', reported: null } }],
    [
      'a valid file and an open-source licence: opt in, normalised',
      source(),
      'Apache-2.0',
      {
        action: 'opt_in',
        licence: 'Apache-2.0',
        config: { packages: ['npm:react' as PackageId], maintainers: [{ login: 'alice', share: 100 }], termsVersion: TERMS_VERSION, description: 'Widgets', needs: null, contact: null },
      },
    ],
  ];
  it.each(cases)('%s', (_name, input, licence, expected) => expect(decideOptIn(input, licence)).toEqual(expected));
});

describe('explainOptInOutcome', () => {
  it.each([
    ['every package claimed', [], null],
    [
      'a package another repository claimed first',
      [{ package: 'npm:react' as PackageId, repository: 'other/repo' }],
      { code: 'packages_claimed', conflicts: [{ package: 'npm:react', repository: 'other/repo' }] },
    ],
  ])('%s', (_name, conflicts, expected) => expect(explainOptInOutcome({ conflicts })).toEqual(expected));
});
