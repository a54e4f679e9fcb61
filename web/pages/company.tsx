// /company: a signed-in Slack user's company. Admins see forms; members see the same figures
// without any form (and the POST routes refuse them).
import type { ApiTokenInfo } from '../../core/ports/companies.ts';
import type { CompanyDashboard } from '../../core/use-cases/get-company-dashboard.ts';
import { BarChart } from './bar-chart.tsx';
import { amount, dayText, monthName } from './format.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

/** The company page. `created`: a token just made, shown this once. */
export function CompanyPage({
  dashboard: d,
  csrf,
  signedInAs,
  notice,
  created,
}: {
  dashboard: CompanyDashboard;
  csrf: string;
  signedInAs: string;
  notice?: string | null;
  created?: { token: string; info: ApiTokenInfo } | null;
}) {
  const { company } = d.status;
  const lines = d.status.allocation?.lines ?? [];
  return (
    <Layout title={company.name} signedInAs={signedInAs} csrf={csrf}>
      <h1>{company.name}</h1>
      <p class="muted" data-testid="role">
        {d.canChange ? 'You are an admin of this company: you can change its billing, tokens and visibility.' : 'You are a member of this company: you can view everything here; an admin makes changes.'}
      </p>
      {notice && <p class="notice ok">{notice}</p>}
      {created && (
        <div class="notice ok" role="status">
          <p>
            New token{created.info.name ? ` “${created.info.name}”` : ''}: copy it now, it is not shown again.
          </p>
          <code class="token" data-testid="new-token">
            {created.token}
          </code>
        </div>
      )}

      <section aria-labelledby="budget">
        <h2 id="budget">Budget</h2>
        <p class="figure">{d.status.budget ? `${amount(d.status.budget)} a month` : 'No budget set'}</p>
        {!d.status.budget && <p class="muted">An admin sets it in Slack with /upkeep budget.</p>}
      </section>

      <section aria-labelledby="billing">
        <h2 id="billing">Card on file</h2>
        {d.billingMode === 'offline' ? (
          <p class="notice">Payments are offline on this Upkeep instance: budgets are recorded as owed at each month-end and settled by the operator; no card is needed.</p>
        ) : (
          <>
            <p data-testid="card">{cardText(d)}</p>
            {!d.cardSaved && <p class="notice bad">Without a saved card, the month-end close cannot charge the budget and the month stays unfunded.</p>}
            {d.canChange && (
              <form method="post" action="/company/billing">
                <CsrfField token={csrf} />
                <button type="submit">{d.cardSaved ? 'Replace the card on Stripe' : 'Save a card on Stripe'}</button>
              </form>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="allocation">
        <h2 id="allocation">Allocation for {monthName(d.status.period)}</h2>
        {lines.length === 0 ? (
          <p class="muted">No allocation yet: an admin allocates points to dependencies in Slack with /upkeep allocate.</p>
        ) : (
          <>
            <BarChart
              id="allocation-chart"
              title={`How ${company.name}'s budget for ${monthName(d.status.period)} is allocated`}
              bars={lines.map((l) => ({
                label: l.package,
                value: l.amount?.amount ?? l.points,
                text: l.amount ? `${amount(l.amount)} · ${l.points} points` : `${l.points} points`,
              }))}
            />
            <table data-testid="allocation">
              <caption>The same allocation as a table</caption>
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col" class="num">Points</th>
                  <th scope="col" class="num">This month</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.package}>
                    <td>
                      <code>{l.package}</code>
                    </td>
                    <td class="num">{l.points}</td>
                    <td class="num">{l.amount ? amount(l.amount) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section aria-labelledby="receipts">
        <h2 id="receipts">Receipts</h2>
        {d.receipts.length === 0 ? (
          <p class="muted">No month has closed since the company joined; the first receipt appears after the next month-end close.</p>
        ) : (
          <table data-testid="receipts">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" class="num">Paid</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {d.receipts.map((r) => (
                <tr key={r.period}>
                  <td>{monthName(r.period)}</td>
                  <td class="num">{r.funded ? amount(r.total) : `unfunded${r.reason ? `: ${r.reason}` : ''}`}</td>
                  <td>
                    <a href={`/company/receipts/${r.period}.csv`} aria-label={`Receipt of ${monthName(r.period)} as CSV`}>
                      CSV
                    </a>{' '}
                    ·{' '}
                    <a href={`/company/receipts/${r.period}.json`} aria-label={`Receipt of ${monthName(r.period)} as JSON`}>
                      JSON
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="tokens">
        <h2 id="tokens">API tokens</h2>
        <p class="muted">
          A token reads the company's receipts through the API (<code>Authorization: Bearer upk_…</code>). Only its first characters are kept to tell it apart.
        </p>
        {d.tokens.length === 0 ? (
          <p>No active token.</p>
        ) : (
          <table data-testid="tokens">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                {d.canChange && <th scope="col">Revoke</th>}
              </tr>
            </thead>
            <tbody>
              {d.tokens.map((t) => (
                <tr key={t.id}>
                  <td>
                    <code>{t.prefix ? `${t.prefix}…` : 'upk_… (issued before prefixes were kept)'}</code>
                  </td>
                  <td>{t.name ?? '—'}</td>
                  <td>{dayText(t.createdAt)}</td>
                  {d.canChange && (
                    <td>
                      <form method="post" action={`/company/tokens/${t.id}/revoke`} class="inline">
                        <CsrfField token={csrf} />
                        <button type="submit" class="secondary" aria-label={`Revoke ${t.prefix ?? 'token'}${t.name ? ` (${t.name})` : ''}`}>
                          Revoke
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {d.canChange && (
          <form method="post" action="/company/tokens">
            <CsrfField token={csrf} />
            <label for="token-name">Name of a new token (optional)</label>
            <input id="token-name" type="text" name="name" maxLength={60} placeholder="e.g. finance export" />{' '}
            <button type="submit">Create a token</button>
          </form>
        )}
      </section>

      <section aria-labelledby="visibility">
        <h2 id="visibility">Visibility</h2>
        <p data-testid="visibility">
          {company.visibility === 'identifiable'
            ? 'Identifiable: the maintainers you fund can see your company name. The public never sees which company gave what.'
            : 'Anonymous: maintainers see that a company funds them, not which one. The public never sees which company gave what.'}
        </p>
        {d.canChange && (
          <form method="post" action="/company/visibility">
            <CsrfField token={csrf} />
            <fieldset>
              <legend>Show our name to the maintainers we fund?</legend>
              <label>
                <input type="radio" name="visibility" value="identifiable" checked={company.visibility === 'identifiable'} /> Yes, identifiable
              </label>
              <label>
                <input type="radio" name="visibility" value="anonymous" checked={company.visibility === 'anonymous'} /> No, anonymous
              </label>
            </fieldset>
            <p>
              <button type="submit">Save visibility</button>
            </p>
          </form>
        )}
      </section>
    </Layout>
  );
}

function cardText(d: CompanyDashboard): string {
  if (!d.cardSaved) return 'No card saved.';
  const c = d.card;
  if (!c) return 'A payment method is saved.';
  const brand = c.brand ? c.brand.charAt(0).toUpperCase() + c.brand.slice(1) : 'Card';
  return `${brand} ending ${c.last4}, expires ${String(c.expMonth).padStart(2, '0')}/${c.expYear}.`;
}

/** /company without a Slack session. */
export function CompanySignInPage({ signInConfigured, signedInAs, csrf }: { signInConfigured: boolean; signedInAs: string | null; csrf: string | null }) {
  return (
    <MessagePage title="Company" signedInAs={signedInAs} csrf={csrf} link={signInConfigured ? { href: '/auth/slack', text: 'Sign in with Slack' } : null}>
      <p>People of a company's Slack workspace see its budget, card, allocation, receipts and API tokens here; admins change them.</p>
      {signedInAs !== null && <p>You are signed in with GitHub, as a maintainer; sign in with Slack to see your company.</p>}
      {!signInConfigured && <p class="notice">Company sign-in is not configured on this Upkeep instance.</p>}
    </MessagePage>
  );
}

/** /company for a workspace with no company yet. */
export function NoCompanyPage({ signedInAs, csrf }: { signedInAs: string; csrf: string }) {
  return (
    <MessagePage title="No company yet" signedInAs={signedInAs} csrf={csrf}>
      <p>Your Slack workspace has no Upkeep company yet. In Slack, run:</p>
      <p>
        <code>/upkeep setup &lt;company name&gt;</code>
      </p>
      <p>Then come back to this page.</p>
    </MessagePage>
  );
}

/** /billing/done: where Stripe sends an admin after saving a card. */
export function BillingDonePage({ signedInAs, csrf }: { signedInAs: string | null; csrf: string | null }) {
  return (
    <MessagePage title="Your card is being saved" signedInAs={signedInAs} csrf={csrf} link={{ href: '/company', text: 'Back to your company page' }}>
      <p>Thank you. Stripe is confirming the card to Upkeep; it appears on your company page (and in Slack with /upkeep billing) as soon as it is saved, usually within a minute.</p>
      <p>The monthly budget is charged to it at each month-end close.</p>
    </MessagePage>
  );
}
