// A project's space (GET /projects/{owner}/{repo}): what its upkeep.yml says, its maintainers
// (bus factor) and activity, its packages' public aggregates, its wishlist closest to funding
// first, the wishes underway and delivered, how to open a wish, and the README banner snippet.
import type { ProjectSpace } from '../../core/use-cases/get-project-space.ts';
import { ACTIVITY_WINDOW_DAYS } from '../../core/package-warnings.ts';
import { dayText } from './format.ts';
import { Layout } from './layout.tsx';
import { PackageTable, PublicStyle, publicPaths, WishCards } from './public-parts.tsx';

/** A contact from upkeep.yml as a link when it is an http(s) URL or an e-mail address; text otherwise. */
function Contact({ contact }: { contact: string }) {
  if (/^https?:\/\/\S+$/i.test(contact)) return <a href={contact}>{contact}</a>;
  if (/^[^\s@<>"]+@[^\s@<>"]+\.[a-z]{2,}$/i.test(contact)) return <a href={`mailto:${contact}`}>{contact}</a>;
  return <>{contact}</>;
}

/** The README banner of a wish: Markdown linking the SVG banner to the wish page. */
export const bannerSnippet = (publicUrl: string, wish: { id: ProjectSpace['wishlist'][number]['id']; title: string }): string =>
  `[![${wish.title.replace(/[[\]]/g, '')}](${publicUrl}${publicPaths.banner(wish.id)})](${publicUrl}${publicPaths.wish(wish.id)})`;

export function ProjectPage({ space, publicUrl, canonical }: { space: ProjectSpace; publicUrl: string; canonical: string }) {
  const github = `https://github.com/${space.repo}`;
  return (
    <Layout title={space.repo} canonical={canonical} indexable head={<PublicStyle />}>
      <h1>{space.repo}</h1>
      <p class="muted">
        <a href={github}>{space.repo} on GitHub</a>
        {space.license && <> · licence {space.license}</>}
      </p>
      {!space.optedIn && (
        <p class="notice" data-testid="not-opted-in">
          This repository has not opted in to Upkeep: its maintainers receive no monthly funding until they add a valid{' '}
          <code>.github/upkeep.yml</code>. Its wishes are listed below and still take pledges.
        </p>
      )}
      {space.description && (
        <p class="lead" data-testid="description">
          {space.description}
        </p>
      )}

      {space.optedIn && (
        <section aria-labelledby="about">
          <h2 id="about">About the project</h2>
          <dl class="facts">
            <div>
              <dt>What it needs</dt>
              <dd data-testid="needs" class="plain">
                {space.needs ?? <span class="muted">Not said yet.</span>}
              </dd>
            </div>
            <div>
              <dt>Contact</dt>
              <dd data-testid="contact" class="plain">
                {space.contact ? <Contact contact={space.contact} /> : <span class="muted">Not given.</span>}
              </dd>
            </div>
          </dl>
          <h3>Maintainers</h3>
          <ul data-testid="maintainers">
            {space.maintainers.map((m) => (
              <li key={m}>
                <a href={`https://github.com/${m}`}>@{m}</a>
              </li>
            ))}
          </ul>
          {space.singleMaintainer && (
            <p class="notice bad" data-testid="bus-factor">
              One maintainer: a bus factor of one. Funding helps this project find and pay a second one.
            </p>
          )}
        </section>
      )}

      <section aria-labelledby="activity">
        <h2 id="activity">Activity</h2>
        {space.active ? (
          <p data-testid="activity">
            <span class="badge ok">Active</span> Last commit, issue activity or release on {dayText(space.lastActivityAt!)}.
          </p>
        ) : (
          <p class="notice bad" data-testid="activity">
            Inactive: no commit, issue activity or release in the last {ACTIVITY_WINDOW_DAYS} days
            {space.lastActivityAt ? ` (last seen ${dayText(space.lastActivityAt)})` : ''}.
          </p>
        )}
      </section>

      {space.optedIn && (
        <section aria-labelledby="packages">
          <h2 id="packages">Packages</h2>
          {space.packages.length === 0 ? (
            <p>This repository lists no package in its upkeep.yml.</p>
          ) : (
            <PackageTable packages={space.packages} testId="packages" caption="What companies give each month, all companies together" />
          )}
        </section>
      )}

      <section aria-labelledby="wishlist">
        <h2 id="wishlist">Wishlist</h2>
        <p class="muted">Closest to funding first. A wish not funded within 60 days of its quote refunds every pledge.</p>
        <WishCards wishes={space.wishlist} showRepo={false} testId="wishlist" empty="No wish is collecting pledges." />
      </section>

      {space.underway.length > 0 && (
        <section aria-labelledby="underway">
          <h2 id="underway">Funded and underway</h2>
          <WishCards wishes={space.underway} showRepo={false} testId="underway" empty="" />
        </section>
      )}

      <section aria-labelledby="delivered">
        <h2 id="delivered">Delivered</h2>
        <WishCards wishes={space.delivered} showRepo={false} testId="delivered" empty="Nothing delivered through Upkeep yet." />
      </section>

      <section aria-labelledby="open-a-wish">
        <h2 id="open-a-wish">Open a wish</h2>
        <p>
          Describe the feature in an <a href={`${github}/issues`}>issue of {space.repo}</a>, then comment <code>/wish</code> on it (or{' '}
          <code>/wish 20</code> to commit an amount at once). A maintainer writes the spec and a quote (<code>/quote 1500 EUR 3w</code>); when the
          pledges reach the quote the work starts.
        </p>
      </section>

      {space.wishlist.length > 0 && (
        <section aria-labelledby="banner">
          <h2 id="banner">Show a wish in your README</h2>
          <p>Each wish has a live banner: paste its snippet into the README.</p>
          {space.wishlist.map((w) => (
            <div key={w.id}>
              <p>
                <strong>{w.title}</strong>
              </p>
              <pre data-testid="banner-snippet">
                <code>{bannerSnippet(publicUrl, w)}</code>
              </pre>
            </div>
          ))}
        </section>
      )}
    </Layout>
  );
}

/** The 404 of an unknown or not opted-in repository without wishes, saying how it could get a space. */
export function NoProjectPage({ repo }: { repo: string }) {
  return (
    <Layout title="No such project" head={<PublicStyle />}>
      <h1>No Upkeep space for {repo}</h1>
      <p data-testid="no-project">
        {repo} has not opted in to Upkeep and has no wish yet. Its maintainers get a space by installing the GitHub App and adding a{' '}
        <code>.github/upkeep.yml</code> to the default branch; anyone can open a wish with a <code>/wish</code> comment on one of its
        issues.
      </p>
      <p>
        <a href="/">See the projects being funded</a>
      </p>
    </Layout>
  );
}
