// What an accepted opt-in tells the repository: table-driven over previous and current files,
// and property-based: nothing is announced exactly when packages and shares are as before, and
// the changes, applied to the previous opt-in, give the current one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageId } from '../packages.ts';
import { announceOptIn, optInChanges, type OptInAnnouncement } from './announcement.ts';
import { TERMS_VERSION, type OptInConfig } from './file.ts';

const config = (packages: string[], maintainers: Record<string, number>, over: Partial<OptInConfig> = {}): OptInConfig => ({
  packages: packages as PackageId[],
  maintainers: Object.entries(maintainers).map(([login, share]) => ({ login, share })),
  termsVersion: TERMS_VERSION,
  description: null,
  needs: null,
  contact: null,
  ...over,
});
const A = config(['npm:a', 'npm:b'], { alice: 60, bob: 40 });

describe('announceOptIn', () => {
  const none = { packagesAdded: [], packagesRemoved: [], maintainersAdded: [], maintainersRemoved: [], sharesChanged: [] };
  const cases: [string, OptInConfig | null, OptInConfig, OptInAnnouncement | null][] = [
    ['no previous opt-in: confirmed', null, A, { kind: 'opted_in', config: A }],
    ['the same file again: nothing', A, config(['npm:a', 'npm:b'], { alice: 60, bob: 40 }), null],
    ['the same packages in another order: nothing', A, config(['npm:b', 'npm:a'], { bob: 40, alice: 60 }), null],
    ['only the description changed: nothing', A, config(['npm:a', 'npm:b'], { alice: 60, bob: 40 }, { description: 'New words' }), null],
    [
      'a package added and one removed',
      A,
      config(['npm:a', 'npm:c'], { alice: 60, bob: 40 }),
      { kind: 'changed', config: config(['npm:a', 'npm:c'], { alice: 60, bob: 40 }), changes: { ...none, packagesAdded: ['npm:c' as PackageId], packagesRemoved: ['npm:b' as PackageId] } },
    ],
    [
      'a maintainer joins, one leaves, a share moves',
      A,
      config(['npm:a', 'npm:b'], { alice: 50, carol: 50 }),
      {
        kind: 'changed',
        config: config(['npm:a', 'npm:b'], { alice: 50, carol: 50 }),
        changes: { ...none, maintainersAdded: [{ login: 'carol', share: 50 }], maintainersRemoved: [{ login: 'bob', share: 40 }], sharesChanged: [{ login: 'alice', from: 60, to: 50 }] },
      },
    ],
  ];
  it.each(cases)('%s', (_name, previous, current, expected) => expect(announceOptIn(previous, current)).toEqual(expected));
});

describe('optInChanges', () => {
  const logins = ['alice', 'bob', 'carol', 'dave'];
  const pkgs = ['npm:a', 'npm:b', 'npm:c', 'pypi:d'];
  const opt = fc
    .record({
      packages: fc.subarray(pkgs),
      shares: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: logins.length, maxLength: logins.length }),
      who: fc.subarray(logins, { minLength: 1 }),
    })
    .map(({ packages, shares, who }) => config(packages, Object.fromEntries(who.map((l) => [l, shares[logins.indexOf(l)]!]))));

  it('is empty exactly when packages and shares are the same, and replays the previous opt-in into the current one', () => {
    fc.assert(
      fc.property(opt, opt, (before, after) => {
        const c = optInChanges(before, after);
        const same =
          new Set(before.packages).size === new Set(after.packages).size &&
          before.packages.every((p) => after.packages.includes(p)) &&
          JSON.stringify(Object.fromEntries([...before.maintainers].sort((x, y) => (x.login < y.login ? -1 : 1)).map((m) => [m.login, m.share]))) ===
            JSON.stringify(Object.fromEntries([...after.maintainers].sort((x, y) => (x.login < y.login ? -1 : 1)).map((m) => [m.login, m.share])));
        expect(announceOptIn(before, after) === null).toBe(same);
        // Applying the changes to `before` gives `after`.
        const packages = new Set(before.packages.filter((p) => !c.packagesRemoved.includes(p)));
        for (const p of c.packagesAdded) packages.add(p);
        expect([...packages].sort()).toEqual([...after.packages].sort());
        const shares = new Map(before.maintainers.map((m) => [m.login, m.share]));
        for (const m of c.maintainersRemoved) shares.delete(m.login);
        for (const m of c.maintainersAdded) shares.set(m.login, m.share);
        for (const s of c.sharesChanged) {
          expect(shares.get(s.login)).toBe(s.from);
          shares.set(s.login, s.to);
        }
        expect(Object.fromEntries([...shares].sort())).toEqual(Object.fromEntries(after.maintainers.map((m) => [m.login, m.share] as const).sort()));
      }),
    );
  });
});
