// Maintainer sign-in: the GitHub App's user authorization. The browser goes to
// `${GITHUB_WEB_URL}/login/oauth/authorize`; the callback exchanges the code at
// `${GITHUB_WEB_URL}/login/oauth/access_token` and reads the login from `${GITHUB_API_URL}/user`.
import { OAuth2Client } from 'arctic';
import { z } from 'zod';
import type { GithubSignInSettings } from './deps.ts';
import { SignInRefused } from './flow.ts';
import type { WebSession } from './session.ts';

const githubUser = z.object({ login: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/), name: z.string().nullish() });

export interface GithubSignIn {
  authorizeUrl(state: string): URL;
  /** The maintainer the code belongs to. */
  identify(code: string): Promise<Extract<WebSession, { kind: 'maintainer' }>>;
}

export function githubSignIn(settings: GithubSignInSettings, redirectUri: string): GithubSignIn {
  const client = new OAuth2Client(settings.clientId, settings.clientSecret, redirectUri);
  const web = settings.webUrl.replace(/\/+$/, '');
  const api = settings.apiUrl.replace(/\/+$/, '');
  return {
    // No scopes: a GitHub App's user token carries the App's permissions; only the login is read.
    authorizeUrl: (state) => client.createAuthorizationURL(`${web}/login/oauth/authorize`, state, []),
    async identify(code) {
      const tokens = await client.validateAuthorizationCode(`${web}/login/oauth/access_token`, code, null);
      // GitHub answers a refused code with 200 and an `error` field.
      const data = tokens.data as Record<string, unknown>;
      if (typeof data.error === 'string') throw new SignInRefused(400, 'Sign-in failed', `GitHub did not accept the sign-in (${data.error}). Start again.`, String(data.error_description ?? ''));
      if (typeof data.access_token !== 'string') throw new Error('GitHub answered the code exchange without an access token');
      const res = await fetch(`${api}/user`, {
        headers: { authorization: `Bearer ${data.access_token}`, accept: 'application/vnd.github+json', 'user-agent': 'Upkeep', 'x-github-api-version': '2022-11-28' },
      });
      if (!res.ok) throw new Error(`GitHub GET /user answered ${res.status}`);
      const user = githubUser.parse(await res.json());
      return { kind: 'maintainer', login: user.login, name: user.name ?? null };
    },
  };
}
