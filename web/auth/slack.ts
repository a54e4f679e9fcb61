// Company sign-in: Sign in with Slack (OpenID Connect). The browser goes to
// `${SLACK_WEB_URL}/openid/connect/authorize` (scope `openid profile`, state and nonce); the
// callback exchanges the code through `${SLACK_API_URL}openid.connect.token` and verifies the ID
// token: signature against `${SLACK_WEB_URL}/openid/connect/keys`, issuer, audience, expiry and the
// nonce this browser was given. The workspace is the one Slack signed (`https://slack.com/team_id`).
import { OAuth2Client } from 'arctic';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { SlackSignInSettings, SlackWorkspaces } from './deps.ts';
import { SignInRefused } from './flow.ts';
import { sameText, type WebSession } from './session.ts';

const TEAM = 'https://slack.com/team_id';
const USER = 'https://slack.com/user_id';
const ENTERPRISE = 'https://slack.com/enterprise_id';
const TEAM_NAME = 'https://slack.com/team_name';

const slackId = z.string().regex(/^[A-Z0-9]{2,32}$/);
const claims = z.object({
  sub: slackId,
  [TEAM]: slackId,
  [USER]: slackId.optional(),
  [ENTERPRISE]: slackId.nullish(),
  [TEAM_NAME]: z.string().optional(),
  name: z.string().optional(),
});
const userInfo = z.object({ ok: z.literal(true), name: z.string().optional() });

export interface SlackSignIn {
  authorizeUrl(state: string, nonce: string): URL;
  /** The Slack user the code belongs to, in a workspace that may sign in. */
  identify(code: string, nonce: string): Promise<Extract<WebSession, { kind: 'company' }>>;
}

export function slackSignIn(settings: SlackSignInSettings, redirectUri: string, workspaces: SlackWorkspaces): SlackSignIn {
  const client = new OAuth2Client(settings.clientId, settings.clientSecret, redirectUri);
  const web = settings.webUrl.replace(/\/+$/, '');
  const api = settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/`;
  const keys = createRemoteJWKSet(new URL(`${web}/openid/connect/keys`));

  const verify = async (idToken: string, nonce: string): Promise<JWTPayload> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, keys, { issuer: web, audience: settings.clientId, algorithms: ['RS256'], requiredClaims: ['exp', 'iat', 'sub', 'nonce'], clockTolerance: 30 }));
    } catch (e) {
      throw new SignInRefused(403, 'Sign-in failed', "Slack's answer could not be verified, so you are not signed in. Start again.", `id_token: ${(e as Error).message}`);
    }
    if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, nonce)) {
      throw new SignInRefused(403, 'Sign-in failed', "Slack's answer was not for the sign-in started in this browser, so you are not signed in. Start again.", 'nonce mismatch');
    }
    return payload;
  };

  return {
    authorizeUrl(state, nonce) {
      const url = client.createAuthorizationURL(`${web}/openid/connect/authorize`, state, ['openid', 'profile']);
      url.searchParams.set('nonce', nonce);
      return url;
    },
    async identify(code, nonce) {
      const tokens = await client.validateAuthorizationCode(`${api}openid.connect.token`, code, null);
      // Slack answers a refused code with 200 and `{ ok: false, error }`.
      const data = tokens.data as Record<string, unknown>;
      if (data.ok === false || typeof data.id_token !== 'string') {
        throw new SignInRefused(400, 'Sign-in failed', `Slack did not accept the sign-in (${String(data.error ?? 'no ID token')}). Start again.`);
      }
      const parsed = claims.safeParse(await verify(data.id_token, nonce));
      if (!parsed.success) throw new SignInRefused(403, 'Sign-in failed', 'Slack did not say which workspace you signed in to. Start again.', parsed.error.message);
      const c = parsed.data;
      const workspace = { teamId: c[TEAM], enterpriseId: c[ENTERPRISE] ?? null };
      if (!(await workspaces.accepts(workspace))) {
        const team = c[TEAM_NAME] ? `${c[TEAM_NAME]} (${c[TEAM]})` : c[TEAM];
        throw new SignInRefused(
          403,
          'This workspace does not use this Upkeep',
          settings.workspaces.kind === 'single'
            ? `You signed in to the Slack workspace ${team}, but this Upkeep serves another workspace. Sign in with the workspace where /upkeep is installed.`
            : `Upkeep is not installed in the Slack workspace ${team}. Sign in with a workspace that installed it, or ask an admin of ${team} to install it.`,
          `workspace ${c[TEAM]} refused`,
        );
      }
      const name = c.name ?? (await nameFromUserInfo(api, String(data.access_token ?? '')));
      return { kind: 'company', teamId: workspace.teamId, userId: c[USER] ?? c.sub, enterpriseId: workspace.enterpriseId, name };
    },
  };
}

/** The user's name from openid.connect.userInfo, when the ID token carries none (null if Slack says nothing). */
async function nameFromUserInfo(api: string, token: string): Promise<string | null> {
  if (!token) return null;
  const res = await fetch(`${api}openid.connect.userInfo`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const info = userInfo.safeParse(await res.json().catch(() => null));
  return info.success ? (info.data.name ?? null) : null;
}
