// The sign-in routes (CONTRACT §3): GET /auth/github(+/callback) for maintainers, GET
// /auth/slack(+/callback) for companies, POST /auth/logout. A sign-in that is not configured
// answers a 404 page saying so.
import formbody from '@fastify/formbody';
import type { RoutePlugin } from '../../edge/http.ts';
import type { AuthDeps } from './deps.ts';
import { callbackPath, callbackQuery, completeSignIn, notConfigured, startSignIn } from './flow.ts';
import { githubSignIn } from './github.ts';
import { endSession, sessions } from './session.ts';
import { slackSignIn } from './slack.ts';

/** Where each sign-in lands. */
export const LANDING = { github: '/account', slack: '/company' } as const;

const LOGOUT_BODY_LIMIT = 8 * 1024;

export function authRoutes(deps: AuthDeps): RoutePlugin {
  const { settings, publicUrl } = deps;
  const github = settings.github ? githubSignIn(settings.github, `${publicUrl}${callbackPath('github')}`) : null;
  if (settings.slack && !deps.workspaces) throw new Error('Slack sign-in needs the workspaces that may sign in');
  const slack = settings.slack && deps.workspaces ? slackSignIn(settings.slack, `${publicUrl}${callbackPath('slack')}`, deps.workspaces) : null;

  return async (app) => {
    await app.register(formbody);

    app.get('/auth/github', async (request, reply) => {
      if (!github) return notConfigured(reply, 'github', 'GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET');
      return startSignIn(request, reply, 'github', (state) => github.authorizeUrl(state), false);
    });
    app.get(callbackPath('github'), { schema: { querystring: callbackQuery } }, async (request, reply) => {
      if (!github) return notConfigured(reply, 'github', 'GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET');
      return completeSignIn(deps, request, reply, 'github', request.query, async (code) => ({ who: await github.identify(code), to: LANDING.github }));
    });

    app.get('/auth/slack', async (request, reply) => {
      if (!slack) return notConfigured(reply, 'slack', 'SLACK_CLIENT_ID and SLACK_CLIENT_SECRET');
      return startSignIn(request, reply, 'slack', (state, nonce) => slack.authorizeUrl(state, nonce!), true);
    });
    app.get(callbackPath('slack'), { schema: { querystring: callbackQuery } }, async (request, reply) => {
      if (!slack) return notConfigured(reply, 'slack', 'SLACK_CLIENT_ID and SLACK_CLIENT_SECRET');
      return completeSignIn(deps, request, reply, 'slack', request.query, async (code, pending) => ({ who: await slack.identify(code, pending.nonce ?? ''), to: LANDING.slack }));
    });

    app.post('/auth/logout', { bodyLimit: LOGOUT_BODY_LIMIT, preHandler: sessions.verifyCsrf }, async (request, reply) => {
      endSession(request, reply);
      return reply.header('cache-control', 'no-store').redirect('/', 303);
    });
  };
}
