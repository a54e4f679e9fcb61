// The home page (GET /): what Upkeep is, the wishes closest to funding, the most-funded packages
// (aggregates only) and how to join from Slack, GitHub and Discord (only what is configured).
import type { Home } from '../../core/use-cases/get-home.ts';
import { Layout } from './layout.tsx';
import { PackageTable, PublicStyle, WishCards } from './public-parts.tsx';

/** Where each app is added from; null when that adapter is not configured here. */
export interface JoinLinks {
  slack: string | null;
  github: string | null;
  discord: string | null;
}

/** Which apps this instance offers, from what is configured (nothing is shown for the others). */
export function joinLinks({
  publicUrl,
  slackInstall,
  githubAppSlug,
  discordApplicationId,
}: {
  publicUrl: string;
  /** Multi-workspace OAuth is configured, so any workspace can install the app at /slack/install. */
  slackInstall: boolean;
  /** The GitHub App's slug (GITHUB_APP_SLUG), when the App is configured and the slug known. */
  githubAppSlug: string | null;
  discordApplicationId: string | null;
}): JoinLinks {
  return {
    slack: slackInstall ? `${publicUrl}/slack/install` : null,
    github: githubAppSlug ? `https://github.com/apps/${encodeURIComponent(githubAppSlug)}/installations/new` : null,
    discord: discordApplicationId
      ? `https://discord.com/oauth2/authorize?client_id=${encodeURIComponent(discordApplicationId)}&scope=applications.commands%20bot`
      : null,
  };
}

export function HomePage({ home, join, canonical }: { home: Home; join: JoinLinks; canonical: string }) {
  const offers = join.slack !== null || join.github !== null || join.discord !== null;
  return (
    <Layout title="Fund the open source you depend on" canonical={canonical} indexable head={<PublicStyle />}>
      <h1>Upkeep</h1>
      <p class="lead" data-testid="what">
        Upkeep turns the open-source packages companies depend on into steady monthly money for the people who maintain them: each
        company splits a monthly budget across the packages it uses. Anyone can also crowdfund a feature a maintainer has quoted, and the
        money is released when it ships.
      </p>

      <section aria-labelledby="closest">
        <h2 id="closest">Wishes closest to funding</h2>
        <WishCards
          wishes={home.wishes}
          testId="closest-wishes"
          empty={
            <>
              No wish is collecting pledges right now. Anyone opens one with a <code>/wish</code> comment on an issue of a project; its
              maintainers then quote it.
            </>
          }
        />
      </section>

      <section aria-labelledby="funded">
        <h2 id="funded">Most-funded packages</h2>
        {home.packages.length === 0 ? (
          <p data-testid="funded-packages">No company funds a package yet.</p>
        ) : (
          <PackageTable packages={home.packages} testId="funded-packages" caption="What companies give each month, all companies together" />
        )}
      </section>

      <section aria-labelledby="join">
        <h2 id="join">Join</h2>
        {offers ? (
          <ul class="join" data-testid="join">
            {join.slack !== null && (
              <li>
                <a class="button" href={join.slack}>
                  Add the Slack app
                </a>{' '}
                <span class="muted">companies: budget, dependencies, allocation</span>
              </li>
            )}
            {join.github !== null && (
              <li>
                <a class="button" href={join.github}>
                  Install the GitHub App
                </a>{' '}
                <span class="muted">maintainers: opt in, wishes, quotes</span>
              </li>
            )}
            {join.discord !== null && (
              <li>
                <a class="button" href={join.discord}>
                  Add the Discord app
                </a>{' '}
                <span class="muted">communities: follow wishes and pledge</span>
              </li>
            )}
          </ul>
        ) : (
          <p data-testid="join">This Upkeep has no chat app configured yet: ask its operator.</p>
        )}
      </section>
    </Layout>
  );
}
