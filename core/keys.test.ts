// Idempotency keys are stored with payments, ledger transactions and notices: changing one
// would make a retry look new and move money twice. These snapshots fail on any change.
import { describe, expect, it } from 'vitest';
import { ledgerKeys, noticeKeys, paymentKeys } from './keys.ts';
import type { Period } from './period.ts';

const P = '2026-11' as Period;

describe('idempotency keys are stable', () => {
  it.each([
    [paymentKeys.pledge('7f3c'), 'pledge:7f3c'],
    [paymentKeys.refund('7f3c'), 'refund:7f3c'],
    [paymentKeys.budgetCharge('c-1', P), 'budget:c-1:2026-11'],
    [paymentKeys.budgetRetry('c-1', P), 'budget:c-1:2026-11:retry'],
    [paymentKeys.payout('alice', P), 'payout:alice:2026-11'],
    [paymentKeys.budgetSetup('c-1', 29_000_000), 'setup:c-1:29000000'],
    [ledgerKeys.pledgePaid('7f3c'), 'pledge:7f3c:paid'],
    [ledgerKeys.wishRelease('acme/ui#7'), 'wish:acme/ui#7:release'],
    [ledgerKeys.contribution(P, 'c-1'), 'close:2026-11:contribution:c-1'],
    [ledgerKeys.distribution(P, 'npm:react'), 'close:2026-11:distribution:npm:react'],
    [ledgerKeys.escrowHold(P, 'npm:left-pad'), 'close:2026-11:escrow-hold:npm:left-pad'],
    [ledgerKeys.escrowRelease(P, 'npm:left-pad'), 'close:2026-11:escrow-release:npm:left-pad'],
    [ledgerKeys.escrowReturn(P, { package: 'npm:left-pad', companyId: 'c-1', originPeriod: '2026-04' as Period }), 'close:2026-11:escrow-return:npm:left-pad|c-1|2026-04'],
    [ledgerKeys.late(P, 'c-1'), 'close:2026-11:late:c-1:'],
    [ledgerKeys.lateContribution(P, 'c-1'), 'close:2026-11:late:c-1:contribution'],
    [ledgerKeys.lateDistribution(P, 'c-1', 'npm:react'), 'close:2026-11:late:c-1:distribution:npm:react'],
    [ledgerKeys.lateEscrowHold(P, 'c-1', 'npm:left-pad'), 'close:2026-11:late:c-1:escrow-hold:npm:left-pad'],
    [noticeKeys.budgetChargeFailedAdmin('c-1', P, 'charge', 'slack:U1'), 'budget:c-1:2026-11:charge_failed:admin:slack:U1'],
    [noticeKeys.budgetChargeFailedAdmin('c-1', P, 'retry', 'slack:U1'), 'budget:c-1:2026-11:retry_failed:admin:slack:U1'],
    [noticeKeys.lateContribution('c-1', P), 'budget:c-1:2026-11:retry:funded'],
    [noticeKeys.lateContributionAdmin('c-1', P, 'slack:U1'), 'budget:c-1:2026-11:retry:funded:admin:slack:U1'],
    [noticeKeys.wish('acme/ui#7', 'funded'), 'wish:acme/ui#7:funded'],
    [noticeKeys.wish('acme/ui#7', 'progress:50'), 'wish:acme/ui#7:progress:50'],
    [noticeKeys.wishReminder('acme/ui#7'), 'wish:acme/ui#7:reminder'],
    [noticeKeys.threadComment(1234, 'created'), 'thread:github:1234:created'],
    [noticeKeys.threadMessage('99887766', 'edited:2026-12-01T10:00:00.000Z'), 'thread:discord:99887766:edited:2026-12-01T10:00:00.000Z'],
    [noticeKeys.wishCards('acme/ui#7', 4), 'wish:acme/ui#7:cards:4'],
    [noticeKeys.wishComment('acme/ui#7', 'funded'), 'wish:acme/ui#7:comment:funded'],
    [noticeKeys.wishComment('acme/ui#7', 'expired'), 'wish:acme/ui#7:comment:expired'],
    [noticeKeys.budgetChargeFailed('c-1', P), 'budget:c-1:2026-11:charge_failed'],
    [noticeKeys.companySummary(P, 'c-1'), 'close:2026-11:summary:company:c-1'],
    [noticeKeys.packageSummary(P, 'npm:react'), 'close:2026-11:summary:package:npm:react'],
  ])('%s', (key, expected) => {
    expect(key).toBe(expected);
  });

  it('covers every builder', () => {
    // A new builder must get a snapshot above.
    expect(Object.keys(paymentKeys).sort()).toEqual(['budgetCharge', 'budgetRetry', 'budgetSetup', 'payout', 'pledge', 'refund']);
    expect(Object.keys(ledgerKeys).sort()).toEqual(['contribution', 'distribution', 'escrowHold', 'escrowRelease', 'escrowReturn', 'late', 'lateContribution', 'lateDistribution', 'lateEscrowHold', 'pledgePaid', 'wishRelease']);
    expect(Object.keys(noticeKeys).sort()).toEqual(['budgetChargeFailed', 'budgetChargeFailedAdmin', 'companySummary', 'lateContribution', 'lateContributionAdmin', 'packageSummary', 'threadComment', 'threadMessage', 'wish', 'wishCards', 'wishComment', 'wishReminder']);
  });
});
