import { describe, expect, it } from 'vitest';
import { monthEndNotices } from './month-end-notices.ts';
import { planPeriodClose } from './month-end.ts';
import type { PackageId } from './packages.ts';
import type { Period } from './period.ts';

const P = '2026-10' as Period;
const pkg = (s: string) => s as PackageId;

describe('month-end summaries', () => {
  const plan = planPeriodClose({
    period: P,
    companies: [
      { companyId: 'acme', budget: 100_000, allocation: [{ package: pkg('npm:a'), points: 34 }, { package: pkg('npm:b'), points: 33 }, { package: pkg('npm:c'), points: 33 }] },
      { companyId: 'globex', budget: 10_000, allocation: [{ package: pkg('npm:a'), points: 34 }, { package: pkg('npm:b'), points: 33 }, { package: pkg('npm:d'), points: 33 }] },
    ],
    maintainers: new Map([[pkg('npm:a'), [{ login: 'alice', share: 50 }, { login: 'bob', share: 50 }]], [pkg('npm:b'), [{ login: 'carol', share: 100 }]]]),
    escrowLots: [],
  });
  const notices = monthEndNotices(P, plan, 'EUR');

  it("tells each company where its own budget went, escrow included", () => {
    const acme = notices.find((n) => n.target === 'company:acme');
    expect(acme).toMatchObject({ key: 'close:2026-10:summary:company:acme', kind: 'month_end_summary' });
    expect(acme!.text).toBe(
      '2026-10: €1,000.00 went to 3 packages — npm:a €340.00 (alice, bob); npm:b €330.00 (carol); npm:c €330.00 (held in escrow: no maintainer yet).',
    );
  });

  it('tells package followers the aggregate only', () => {
    const a = notices.find((n) => n.target === 'package:npm:a');
    expect(a!.text).toBe('npm:a received €374.00 from 2 companies for 2026-10.');
    expect(JSON.stringify(a)).not.toMatch(/acme|globex/);
  });

  it("also reaches the followers of the repository that claims a funded package", () => {
    const withRepos = monthEndNotices(P, plan, 'EUR', new Map([[pkg('npm:a'), 'acme/a']]));
    expect(withRepos.find((n) => n.target === 'package:npm:a')).toMatchObject({ also: ['repo:acme/a'], data: { repository: 'acme/a' } });
    expect(withRepos.find((n) => n.target === 'package:npm:b')!.also).toBeUndefined();
    expect(withRepos.map((n) => n.key)).toEqual(notices.map((n) => n.key));
  });

  it('has one notice per company and per funded package, with distinct keys', () => {
    expect(notices.map((n) => n.target).sort()).toEqual(['company:acme', 'company:globex', 'package:npm:a', 'package:npm:b', 'package:npm:c', 'package:npm:d']);
    expect(new Set(notices.map((n) => n.key)).size).toBe(notices.length);
  });
});
