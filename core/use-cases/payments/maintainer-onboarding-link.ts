import type { PaymentProvider, PaymentStore } from '../../ports/payments.ts';

/**
 * A Stripe Connect Express onboarding link for a maintainer (by GitHub login), creating their
 * connected account on first use. Payouts start once Stripe reports the account can receive
 * them (`account.updated`). Offline: no link; payouts are made by the operator.
 */
export async function maintainerOnboardingLink({
  payments,
  gateway,
  login,
  publicUrl,
}: {
  payments: PaymentStore;
  gateway: PaymentProvider;
  login: string;
  publicUrl: string;
}): Promise<{ url: string | null; offline: boolean; accountId: string | null }> {
  const who = login.trim().replace(/^@/, '').toLowerCase();
  if (gateway.mode === 'offline') return { url: null, offline: true, accountId: null };
  const existing = await payments.maintainerAccount(who);
  const base = publicUrl.replace(/\/+$/, '');
  const { accountId, url } = await gateway.maintainerOnboarding({
    login: who,
    accountId: existing?.accountId ?? null,
    // Back to the maintainer's page (CONTRACT §3): it shows the status `account.updated` keeps.
    returnUrl: `${base}/account`,
    refreshUrl: `${base}/account`,
  });
  if (accountId && accountId !== existing?.accountId) await payments.saveMaintainerAccount(who, { accountId, payoutsEnabled: false });
  return { url, offline: false, accountId };
}

/** Stripe says what a connected account can do (`account.updated`); false when the account is not ours. */
export async function updatePayoutAccount({ payments, accountId, payoutsEnabled }: { payments: PaymentStore; accountId: string; payoutsEnabled: boolean }): Promise<boolean> {
  return payments.setPayoutsEnabled(accountId, payoutsEnabled);
}
