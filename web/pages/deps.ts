// What the account and company pages (and /api/v1/me) need, declared where they are used: the
// ports they read, the session helper of web/auth, and a few settings from app/.
import type { Ports } from '../../core/ports/index.ts';
import type { RandomBytes } from '../../core/use-cases/issue-token.ts';
import { getMaintainerAccount, type MaintainerAccount } from '../../core/use-cases/get-maintainer-account.ts';
import type { Sessions } from '../auth/session.ts';

export type PageDeps = Pick<Ports, 'clock' | 'companies' | 'packages' | 'ledger' | 'payments' | 'gateway' | 'repositories' | 'wishes' | 'hashToken' | 'rateLimiter'> & {
  sessions: Sessions;
  /** Base of the links given to Stripe (PUBLIC_URL). */
  publicUrl: string;
  /** Settlement currency (CURRENCY). */
  currency: string;
  /** Which sign-ins are configured, so a signed-out page offers only those that work. */
  signIn: { github: boolean; slack: boolean };
  /** Secure random bytes for new API tokens (the app passes node:crypto's). */
  randomBytes: RandomBytes;
};

/** The account of a signed-in maintainer (their own login, from the session). */
export const accountOf = (deps: PageDeps, login: string): Promise<MaintainerAccount> =>
  getMaintainerAccount({
    ledger: deps.ledger,
    payments: deps.payments,
    gateway: deps.gateway,
    companies: deps.companies,
    repositories: deps.repositories,
    wishes: deps.wishes,
    clock: deps.clock,
    currency: deps.currency,
    login,
  });
