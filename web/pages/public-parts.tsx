// Pieces the public pages (home, project space, package page) share: their links under
// PUBLIC_URL, a wish's card with its progress bar, the table of packages' aggregates, and the
// stylesheet they add to the layout's. Aggregates only: nothing here knows a company.
import type { ComponentChildren } from 'preact';
import type { PackageSummary } from '../../core/use-cases/get-package-page.ts';
import type { WishCard } from '../../core/wishlist/closeness.ts';
import { wishIdParts, type WishStatus } from '../../core/wishlist.ts';
import { amount, dayText, monthName } from './format.ts';
import { plural } from '../../core/plural.ts';

/** Links of the public pages, absolute under PUBLIC_URL (canonical URLs, snippets) or relative (navigation). */
export const publicPaths = {
  home: '/',
  project: (repo: string) => `/projects/${repo}`,
  package: (id: string) => `/packages/${encodeURIComponent(id)}`,
  wish: (id: WishCard['id']) => {
    const { repoId, number } = wishIdParts(id);
    return `/wishes/${repoId}/${number}`;
  },
  banner: (id: WishCard['id']) => {
    const { repoId, number } = wishIdParts(id);
    return `/widget/wishes/${repoId}/${number}.svg`;
  },
};

/** What people read for each status. */
export const STATUS_TEXT: Record<WishStatus, string> = {
  open: 'Open: awaiting a quote',
  quoted: 'Collecting pledges',
  funded: 'Funded: work starts soon',
  in_progress: 'In progress',
  delivered: 'Delivered',
  cancelled: 'Cancelled: pledges refunded',
  expired: 'Expired: pledges refunded',
};

export const PUBLIC_CSS = `
.lead { font-size: 18px; max-width: 44em; }
.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card h3 { font-size: 17px; margin: 0 0 4px; }
.card p { margin: 4px 0; }
.progress { background: var(--bg); border: 1px solid var(--line); border-radius: 999px; height: 12px; overflow: hidden; margin: 8px 0; }
.progress > span { display: block; height: 100%; background: var(--bar); }
.to-go { font-weight: 700; }
.facts { display: grid; gap: 8px 24px; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); margin: 8px 0 16px; }
.facts dt { color: var(--muted); font-size: 14px; }
.facts dd { margin: 0; font-size: 20px; font-weight: 700; }
.facts dd.plain { font-size: 16px; font-weight: 400; }
.join { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 12px; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.table-wrap { overflow-x: auto; }
`;

/** The stylesheet of the public pages, for the layout's head. */
export const PublicStyle = () => <style dangerouslySetInnerHTML={{ __html: PUBLIC_CSS }} />;

/** A progress bar for `percent` (capped at 100), named for screen readers. */
export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  const value = Math.max(0, Math.min(100, percent));
  return (
    <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} aria-label={label}>
      <span style={`width:${value}%`} />
    </div>
  );
}


/** `€180.00 raised of €300.00`, or what was pledged before any quote. */
export function raisedText(w: WishCard): string {
  return w.quote ? `${amount(w.paid)} raised of ${amount({ amount: w.quote.amount, currency: w.quote.currency })}` : `${amount(w.pledged)} pledged, awaiting a quote`;
}

/** One wish: title (to its page), project, progress, amount to go, pledgers, days left. */
export function WishCardView({ wish, showRepo = true }: { wish: WishCard; showRepo?: boolean }) {
  const { repoId, number } = wishIdParts(wish.id);
  return (
    <li class="card" data-testid="wish-card" data-wish={wish.id}>
      <h3>
        <a href={publicPaths.wish(wish.id)}>{wish.title}</a>
      </h3>
      <p class="muted">
        {showRepo ? (
          <>
            <a href={publicPaths.project(repoId)}>{repoId}</a> #{number}
          </>
        ) : (
          <>#{number}</>
        )}{' '}
        · {STATUS_TEXT[wish.status]}
      </p>
      {wish.quote && <ProgressBar percent={wish.percent} label={`${wish.title}: ${wish.percent}% of the quote raised`} />}
      <p data-testid="raised">{raisedText(wish)}</p>
      {wish.toGo !== null && wish.status === 'quoted' && (
        <p class="to-go" data-testid="to-go">
          {amount(wish.toGo)} to go
        </p>
      )}
      <p class="muted">
        <span data-testid="pledgers">{plural(wish.pledgers, 'pledger')}</span>
        {wish.daysLeft !== null && <> · {plural(wish.daysLeft, 'day')} left</>}
        {wish.deliveredAt !== null && <> · delivered {dayText(new Date(wish.deliveredAt))}</>}
      </p>
    </li>
  );
}

/** A list of wish cards, or `empty` when there is none. */
export function WishCards({ wishes, empty, showRepo = true, testId }: { wishes: readonly WishCard[]; empty: ComponentChildren; showRepo?: boolean; testId: string }) {
  if (wishes.length === 0) return <p data-testid={testId}>{empty}</p>;
  return (
    <ul class="cards" data-testid={testId}>
      {wishes.map((w) => (
        <WishCardView key={w.id} wish={w} showRepo={showRepo} />
      ))}
    </ul>
  );
}

/** What a package's warnings say to the public. */
export function warningText(summary: PackageSummary): string[] {
  return summary.warnings.map((w) =>
    w === 'inactive'
      ? 'No commit, issue activity or release in the last 90 days.'
      : w === 'no_maintainer'
        ? 'No maintainer has opted in yet: its money waits in escrow until one does.'
        : 'A single maintainer (a bus factor of one).',
  );
}

/** Packages with their public aggregates: monthly total, number of funding companies, maintainers. */
export function PackageTable({ packages, caption, testId }: { packages: readonly PackageSummary[]; caption: string; testId: string }) {
  return (
    <div class="table-wrap">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Package</th>
            <th scope="col" class="num">
              Monthly total
            </th>
            <th scope="col" class="num">
              Funding companies
            </th>
            <th scope="col">Last closed month</th>
            <th scope="col">Maintainers</th>
          </tr>
        </thead>
        <tbody>
          {packages.map((p) => (
            <tr key={p.id} data-package={p.id}>
              <th scope="row">
                <a href={publicPaths.package(p.id)}>{p.id}</a>
              </th>
              <td class="num" data-testid="monthly-total">
                {amount(p.monthlyTotal)}
              </td>
              <td class="num" data-testid="funding-companies">
                {p.fundingCompanies}
              </td>
              <td>{p.lastPeriod ? `${amount(p.lastPeriod.total)} in ${monthName(p.lastPeriod.period)}` : 'none yet'}</td>
              <td>{p.maintainers.length === 0 ? <span class="muted">none opted in</span> : p.maintainers.map((m) => `@${m}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
