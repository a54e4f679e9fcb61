// A package's public page (GET /packages/{id}): the API's aggregates, maintainers, warnings, and
// the totals of the last 12 closed months as an inline SVG chart with the same figures in a table.
import type { PackagePage as PackagePageData } from '../../core/use-cases/get-package-page.ts';
import { BarChart } from './bar-chart.tsx';
import { amount, dayText, monthName } from './format.ts';
import { Layout } from './layout.tsx';
import { PublicStyle, publicPaths, warningText } from './public-parts.tsx';

export function PackagePage({ page, canonical }: { page: PackagePageData; canonical: string }) {
  const s = page.summary;
  const warnings = warningText(s);
  return (
    <Layout title={s.id} canonical={canonical} indexable head={<PublicStyle />}>
      <h1>{s.id}</h1>
      <p class="muted">
        {s.repository ? (
          <>
            Published by <a href={publicPaths.project(s.repository)}>{s.repository}</a>
          </>
        ) : (
          'No repository has opted this package in yet.'
        )}
      </p>
      {s.description && <p class="lead">{s.description}</p>}

      <section aria-labelledby="aggregates">
        <h2 id="aggregates">Funding</h2>
        <dl class="facts">
          <div>
            <dt>Each month, all companies together</dt>
            <dd data-testid="monthly-total">{amount(s.monthlyTotal)}</dd>
          </div>
          <div>
            <dt>Funding companies</dt>
            <dd data-testid="funding-companies">{s.fundingCompanies}</dd>
          </div>
          <div>
            <dt>Last closed month</dt>
            <dd data-testid="last-period">{s.lastPeriod ? `${amount(s.lastPeriod.total)} in ${monthName(s.lastPeriod.period)}` : 'none yet'}</dd>
          </div>
        </dl>
        <p class="muted">Upkeep shows only totals: never which company gives what.</p>
      </section>

      <section aria-labelledby="maintainers">
        <h2 id="maintainers">Maintainers</h2>
        {s.maintainers.length === 0 ? (
          <p data-testid="maintainers">None opted in yet.</p>
        ) : (
          <ul data-testid="maintainers">
            {s.maintainers.map((m) => (
              <li key={m}>
                <a href={`https://github.com/${m}`}>@{m}</a>
              </li>
            ))}
          </ul>
        )}
        <p data-testid="activity">
          {s.active ? <span class="badge ok">Active</span> : <span class="badge warn">Inactive</span>}{' '}
          {s.lastActivityAt ? `Last commit, issue activity or release on ${dayText(new Date(s.lastActivityAt))}.` : 'No activity recorded.'}
        </p>
        {warnings.length > 0 && (
          <ul class="problems" data-testid="warnings">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="months">
        <h2 id="months">The last 12 closed months</h2>
        <BarChart
          id="monthly-chart"
          title={`What ${s.id} received each month, all companies together`}
          bars={page.months.map((m) => ({ label: monthName(m.period), value: m.total.amount, text: amount(m.total) }))}
        />
        <div class="table-wrap">
          <table data-testid="months">
            <caption>The same figures</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" class="num">
                  Total
                </th>
                <th scope="col" class="num">
                  Funding companies
                </th>
              </tr>
            </thead>
            <tbody>
              {page.months.map((m) => (
                <tr key={m.period} data-period={m.period}>
                  <th scope="row">{monthName(m.period)}</th>
                  <td class="num">{amount(m.total)}</td>
                  <td class="num">{m.fundingCompanies}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}

/** The 404 of a package Upkeep knows nothing of, saying how it gets funded. */
export function NoPackagePage({ id }: { id: string }) {
  return (
    <Layout title="Unknown package" head={<PublicStyle />}>
      <h1>Nothing about {id} yet</h1>
      <p data-testid="no-package">
        No company funds {id} and no repository has opted it in. Companies fund the packages they depend on by declaring them and
        allocating their budget from Slack; maintainers opt a package in with a <code>.github/upkeep.yml</code> in its repository.
      </p>
      <p>
        <a href="/">See the packages being funded</a>
      </p>
    </Layout>
  );
}

/** A page for a malformed path (not a package id, not owner/repo): what was wrong, nothing else. */
export function BadAddressPage({ message }: { message: string }) {
  return (
    <Layout title="Not a valid address" head={<PublicStyle />}>
      <h1>Not a valid address</h1>
      <p data-testid="bad-address">{message}</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </Layout>
  );
}
