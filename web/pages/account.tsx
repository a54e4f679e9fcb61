// /account: a signed-in maintainer's money, payout account, funders, repositories and wishes.
import type { MaintainerAccount } from '../../core/use-cases/get-maintainer-account.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';
import { amount, dayText, monthName } from './format.ts';

const PAYOUT_STATUS = {
  none: { text: 'Not connected', tone: 'warn' },
  pending: { text: 'Onboarding not finished', tone: 'warn' },
  enabled: { text: 'Ready for payouts', tone: 'ok' },
} as const;

const PAYMENT_STATUS = { pending: 'pending', succeeded: 'paid', failed: 'failed', cancelled: 'cancelled' } as const;

/** The page of the maintainer's own account. */
export function AccountPage({ account: a, csrf, notice }: { account: MaintainerAccount; csrf: string; notice?: string | null }) {
  const status = PAYOUT_STATUS[a.payoutAccount.status];
  return (
    <Layout title="Your maintainer account" signedInAs={`@${a.login}`} csrf={csrf}>
      <h1>Your maintainer account</h1>
      {notice && <p class="notice">{notice}</p>}

      <section aria-labelledby="balance">
        <h2 id="balance">Balance</h2>
        <p class="figure" data-testid="balance">
          {amount(a.balance)}
        </p>
        <p class="muted">What Upkeep owes you now: everything your packages and delivered wishes earned, minus the payouts already made.</p>
      </section>

      <section aria-labelledby="payouts-account">
        <h2 id="payouts-account">Payout account</h2>
        {a.payoutMode === 'offline' ? (
          <p class="notice">
            Payments are offline on this Upkeep instance: there is no Stripe account to connect, and the operator pays what you are owed by hand.
          </p>
        ) : (
          <>
            <p>
              Stripe Connect account: <span class={`badge ${status.tone}`} data-testid="payout-status">{status.text}</span>
            </p>
            {a.payoutAccount.status === 'enabled' ? (
              <p>
                Payouts go out on their own after each month-end close (the 1st of the month, UTC): your whole balance, once it is at least{' '}
                {amount(a.minimumPayout)}; smaller balances carry over to the next month.
              </p>
            ) : (
              <p>
                Connect a Stripe account to receive your money. Once Stripe says it can receive payouts, they go out on their own after each month-end
                close when your balance is at least {amount(a.minimumPayout)}.
              </p>
            )}
            <form method="post" action="/account/payouts">
              <CsrfField token={csrf} />
              <button type="submit">
                {a.payoutAccount.status === 'none' ? 'Connect payouts with Stripe' : a.payoutAccount.status === 'pending' ? 'Finish Stripe onboarding' : 'Update payout details on Stripe'}
              </button>
            </form>
          </>
        )}
      </section>

      <section aria-labelledby="earnings">
        <h2 id="earnings">Earnings</h2>
        {a.earnings.length === 0 ? (
          <p class="muted">Nothing yet: earnings appear here once a month-end close distributes companies' budgets to your packages.</p>
        ) : (
          <>
            <table>
              <caption>Per month</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" class="num">Earned</th>
                </tr>
              </thead>
              <tbody>
                {a.months.map((mo) => (
                  <tr key={mo.period}>
                    <td>{monthName(mo.period)}</td>
                    <td class="num">{amount(mo.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table data-testid="earnings">
              <caption>Per month and package</caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Package</th>
                  <th scope="col">From</th>
                  <th scope="col" class="num">Earned</th>
                </tr>
              </thead>
              <tbody>
                {a.earnings.map((e) => (
                  <tr key={`${e.period}|${e.package}|${e.source}`}>
                    <td>{monthName(e.period)}</td>
                    <td>
                      <code>{e.package}</code>
                    </td>
                    <td>{e.source === 'distribution' ? "the month's budgets" : 'escrow released'}</td>
                    <td class="num">{amount(e.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <caption>Per package, all months</caption>
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col" class="num">Earned</th>
                </tr>
              </thead>
              <tbody>
                {a.packages.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <code>{p.id}</code>
                    </td>
                    <td class="num">{amount(p.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      {a.wishReleases.length > 0 && (
        <section aria-labelledby="wish-releases">
          <h2 id="wish-releases">Delivered wishes</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Wish</th>
                <th scope="col">Released</th>
                <th scope="col" class="num">Your part</th>
              </tr>
            </thead>
            <tbody>
              {a.wishReleases.map((w) => (
                <tr key={w.wish}>
                  <td>{w.wish}</td>
                  <td>{dayText(w.at)}</td>
                  <td class="num">{amount(w.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section aria-labelledby="payouts">
        <h2 id="payouts">Payouts</h2>
        {a.payouts.length === 0 ? (
          <p class="muted">No payout yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {a.payouts.map((p, i) => (
                <tr key={i}>
                  <td>{p.period ? monthName(p.period) : '—'}</td>
                  <td>{dayText(p.at)}</td>
                  <td>
                    {PAYMENT_STATUS[p.status]}
                    {p.provider === 'offline' ? ' (offline, paid by the operator)' : ''}
                    {p.status === 'failed' && p.error ? `: ${p.error}` : ''}
                  </td>
                  <td class="num">{amount(p.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="funders">
        <h2 id="funders">Who funds you</h2>
        <p data-testid="funders">
          {a.funders.identifiable.length === 0 && a.funders.anonymous === 0
            ? 'No company has funded your packages yet.'
            : `${a.funders.identifiable.length + a.funders.anonymous} ${a.funders.identifiable.length + a.funders.anonymous === 1 ? 'company has' : 'companies have'} funded your packages.`}
        </p>
        {a.funders.identifiable.length > 0 && (
          <>
            <p>These chose to be named to their maintainers:</p>
            <ul data-testid="identifiable-funders">
              {a.funders.identifiable.map((name) => (
                <li key={name}>{name}</li>
              ))}
            </ul>
          </>
        )}
        {a.funders.anonymous > 0 && (
          <p data-testid="anonymous-funders">
            {a.funders.anonymous} {a.funders.anonymous === 1 ? 'company funds' : 'companies fund'} you anonymously.
          </p>
        )}
      </section>

      <section aria-labelledby="repositories">
        <h2 id="repositories">Your repositories</h2>
        {a.repositories.length === 0 ? (
          <p class="muted">
            None of your repositories has opted in. Add a valid <code>.github/upkeep.yml</code> to a repository where the Upkeep GitHub App is installed.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Repository</th>
                <th scope="col">Packages</th>
                <th scope="col" class="num">Your share</th>
                <th scope="col">Problems</th>
              </tr>
            </thead>
            <tbody>
              {a.repositories.map((r) => (
                <tr key={r.repository}>
                  <td>{r.repository}</td>
                  <td>{r.packages.length === 0 ? '—' : r.packages.join(', ')}</td>
                  <td class="num">{r.share}%</td>
                  <td>
                    {r.problems.length === 0 ? (
                      <span class="badge ok">none</span>
                    ) : (
                      <ul class="problems">
                        {r.problems.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="wishes">
        <h2 id="wishes">Wishes in your repositories</h2>
        {a.wishes.length === 0 ? (
          <p class="muted">No wish yet. Anyone opens one with a /wish comment on an issue.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Wish</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Quote</th>
                <th scope="col" class="num">Pledged</th>
              </tr>
            </thead>
            <tbody>
              {a.wishes.map((w) => (
                <tr key={w.id}>
                  <td>
                    <a href={`/wishes/${w.id.replace('#', '/')}`}>{w.id}</a> {w.title}
                  </td>
                  <td>{w.status.replace('_', ' ')}</td>
                  <td class="num">{w.quote ? amount({ amount: w.quote.amount, currency: w.quote.currency }) : '—'}</td>
                  <td class="num">
                    {amount(w.pledged)}
                    {w.quote ? ` (${w.percent}%)` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

/** /account without a maintainer session. */
export function AccountSignInPage({ signInConfigured, signedInAs, csrf }: { signInConfigured: boolean; signedInAs: string | null; csrf: string | null }) {
  return (
    <MessagePage
      title="Maintainer account"
      signedInAs={signedInAs}
      csrf={csrf}
      link={signInConfigured ? { href: '/auth/github', text: 'Sign in with GitHub' } : null}
    >
      <p>Maintainers of opted-in repositories see here what their packages earned, who funds them, and connect their payouts.</p>
      {signedInAs !== null && <p>You are signed in with Slack, as a company; sign in with GitHub to see a maintainer account.</p>}
      {!signInConfigured && <p class="notice">Maintainer sign-in is not configured on this Upkeep instance.</p>}
    </MessagePage>
  );
}
