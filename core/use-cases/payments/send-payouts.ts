import { DomainError } from '../../errors.ts';
import { paymentKeys } from '../../keys.ts';
import { accounts, transaction } from '../../ledger.ts';
import { money } from '../../money.ts';
import { comparePeriods, periodOf, type Period } from '../../period.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LedgerStore } from '../../ports/ledger.ts';
import type { Payment, PaymentProvider, PaymentStore } from '../../ports/payments.ts';

/** Below this balance (minor units) a maintainer's money carries over to the next payout. */
export const MINIMUM_PAYOUT = 1_000;

export interface PayoutReport {
  period: Period;
  sent: { login: string; amount: number; paymentId: string }[];
  /** Offline: payouts owed, made by the operator and then marked paid. */
  owed: { login: string; amount: number; paymentId: string }[];
  carried: { login: string; balance: number; reason: 'below_minimum' | 'no_account' | 'account_not_ready' }[];
  /** Not sent this time; `pending` ones are retried with the same key by the next run. */
  failed: { login: string; amount: number; error: string; retried: boolean }[];
}

/**
 * The `payout` movement: from the maintainer's balance to the provider.
 *
 * Example: alice's 27200 for 2026-11 via Stripe → `payout:alice:2026-11`: maintainer:alice −27200, external:stripe +27200.
 */
export function payoutTransaction(p: Pick<Payment, 'login' | 'period' | 'amount' | 'provider' | 'idempotencyKey'>) {
  return transaction({
    key: p.idempotencyKey,
    kind: 'payout',
    period: p.period ?? undefined,
    memo: `Payout to ${p.login} for ${p.period} (${p.provider})`,
    entries: [
      { account: accounts.maintainer(p.login!), amount: -p.amount },
      { account: accounts.external(p.provider), amount: p.amount },
    ],
  });
}

/**
 * Pays out maintainers' ledger balances for a closed period: one transfer per maintainer and
 * period (idempotency key `payout:<login>:<period>`, shared by the payment row, Stripe and the
 * `payout` ledger transaction), of the balance at the first attempt. A balance below `minimum`,
 * or without a connected account able to receive payouts, carries over. Re-running sends
 * nothing twice and retries what had no answer.
 *
 * Example: alice 27200, bob 800, carol 44333 without account → alice paid 27200 (maintainer:alice
 * −27200, external:stripe +27200), bob carried (below 1000), carol carried (no account).
 */
export async function sendPayouts({
  payments,
  gateway,
  ledger,
  clock,
  period,
  currency,
  minimum = MINIMUM_PAYOUT,
}: {
  payments: PaymentStore;
  gateway: PaymentProvider;
  ledger: LedgerStore;
  clock: Clock;
  period: Period;
  currency: string;
  minimum?: number;
}): Promise<PayoutReport> {
  if (comparePeriods(period, periodOf(clock.now())) > 0) {
    throw new DomainError('period_in_future', `${period} has not started yet.`, { period });
  }
  const state = await ledger.period(period);
  if (state?.status !== 'closed') {
    throw new DomainError('period_not_closed', `${period} is not closed yet; close it first, then pay out.`, { period });
  }
  const report: PayoutReport = { period, sent: [], owed: [], carried: [], failed: [] };
  const all = await payments.list({ kind: 'payout' });
  const mine = new Map(all.filter((p) => p.period === period && p.login).map((p) => [p.login!, p]));
  // Money already promised by earlier payouts still pending is not available again.
  const promised = new Map<string, number>();
  for (const p of all) if (p.period !== period && p.status === 'pending' && p.login) promised.set(p.login, (promised.get(p.login) ?? 0) + p.amount);

  const balances = await payments.maintainerBalances();
  const logins = new Set([...balances.map((b) => b.login), ...mine.keys()]);
  const balanceOf = new Map(balances.map((b) => [b.login, b.balance]));
  for (const login of [...logins].sort()) {
    let row = mine.get(login) ?? null;
    if (row?.status === 'failed' || row?.status === 'cancelled') continue;
    if (row?.status === 'succeeded') {
      await ledger.append([payoutTransaction(row)]); // repairs a crash between the two writes
      continue;
    }
    if (!row) {
      const available = (balanceOf.get(login) ?? 0) - (promised.get(login) ?? 0);
      if (available <= 0) continue;
      if (available < minimum) {
        report.carried.push({ login, balance: available, reason: 'below_minimum' });
        continue;
      }
      if (gateway.mode === 'stripe') {
        const account = await payments.maintainerAccount(login);
        if (!account?.accountId) {
          report.carried.push({ login, balance: available, reason: 'no_account' });
          continue;
        }
        if (!account.payoutsEnabled) {
          report.carried.push({ login, balance: available, reason: 'account_not_ready' });
          continue;
        }
      }
      row = await payments.ensure({ kind: 'payout', provider: gateway.mode, amount: available, currency, idempotencyKey: paymentKeys.payout(login, period), login, period });
    }
    if (row.provider === 'offline') {
      report.owed.push({ login, amount: row.amount, paymentId: row.id });
      continue;
    }
    const account = await payments.maintainerAccount(login);
    if (!account?.accountId) {
      report.failed.push({ login, amount: row.amount, error: 'no connected account', retried: true });
      continue;
    }
    await payments.update(row.id, { attempt: true });
    const outcome = await gateway.transferPayout({ login, period, amount: money(row.amount, row.currency), accountId: account.accountId, idempotencyKey: row.idempotencyKey });
    if (outcome.status === 'succeeded') {
      row = await payments.update(row.id, { status: 'succeeded', error: null, ...(outcome.externalId ? { externalId: outcome.externalId } : {}) });
      await ledger.append([payoutTransaction(row)]);
      report.sent.push({ login, amount: row.amount, paymentId: row.id });
    } else {
      await payments.update(row.id, { status: outcome.status, error: outcome.error ?? 'unknown outcome', ...(outcome.externalId ? { externalId: outcome.externalId } : {}) });
      report.failed.push({ login, amount: row.amount, error: outcome.error ?? 'unknown outcome', retried: outcome.status === 'pending' });
    }
  }
  return report;
}
