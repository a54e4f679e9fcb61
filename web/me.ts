// GET /api/v1/me: the signed-in maintainer's account as JSON (CONTRACT §3 `me`). It reads the
// session's own login only: there is no parameter to name someone else.
import { z } from 'zod';
import type { MaintainerAccount } from '../core/use-cases/get-maintainer-account.ts';
import { errorAnswer, jsonAnswer, type RoutePlugin } from '../edge/http.ts';
import { accountOf, type PageDeps } from './pages/deps.ts';
import { moneySchema, wishSchema } from './schemas.ts';

const dateTime = z.string().meta({ format: 'date-time' });
const period = z.string().meta({ example: '2026-11' });

export const meSchema = z
  .object({
    login: z.string().meta({ example: 'alice' }),
    balance: moneySchema.meta({ description: 'What Upkeep owes the maintainer now (ledger balance)' }),
    months: z.array(z.object({ period, amount: moneySchema })).meta({ description: 'Earnings per month, newest first' }),
    packages: z.array(z.object({ id: z.string().meta({ example: 'npm:react' }), amount: moneySchema })).meta({ description: 'Earnings per package over all months, largest first' }),
    earnings: z
      .array(z.object({ period, package: z.string(), amount: moneySchema, source: z.enum(['distribution', 'escrow_release']) }))
      .meta({ description: 'Earnings per month and package, as the ledger credited them' }),
    wishReleases: z.array(z.object({ wish: z.string().meta({ example: 'owner/repo#7' }), amount: moneySchema, at: dateTime })),
    payouts: z.array(
      z.object({
        period: period.nullable(),
        amount: moneySchema,
        status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']),
        provider: z.enum(['stripe', 'offline']),
        error: z.string().nullable(),
        createdAt: dateTime,
      }),
    ),
    payoutAccount: z.object({ status: z.enum(['none', 'pending', 'enabled']) }),
    payoutMode: z.enum(['stripe', 'offline']),
    minimumPayout: moneySchema,
    funders: z
      .object({ identifiable: z.array(z.string()), anonymous: z.number().int() })
      .meta({ description: 'Companies whose money reached the maintainer: names of those that chose to be identifiable, and how many others' }),
    repositories: z.array(z.object({ repository: z.string(), packages: z.array(z.string()), share: z.number().int(), problems: z.array(z.string()) })),
    wishes: z.array(wishSchema),
  })
  .meta({ id: 'Me', description: "The signed-in maintainer's account" });

/** The JSON of an account (dates as ISO strings). */
export function meJson(a: MaintainerAccount): z.input<typeof meSchema> {
  return {
    login: a.login,
    balance: a.balance,
    months: a.months.map((m) => ({ period: m.period, amount: m.amount })),
    packages: a.packages.map((p) => ({ id: p.id, amount: p.amount })),
    earnings: a.earnings.map((e) => ({ period: e.period, package: e.package, amount: e.amount, source: e.source })),
    wishReleases: a.wishReleases.map((w) => ({ wish: w.wish, amount: w.amount, at: w.at.toISOString() })),
    payouts: a.payouts.map((p) => ({ period: p.period, amount: p.amount, status: p.status, provider: p.provider, error: p.error, createdAt: p.at.toISOString() })),
    payoutAccount: a.payoutAccount,
    payoutMode: a.payoutMode,
    minimumPayout: a.minimumPayout,
    funders: { identifiable: [...a.funders.identifiable], anonymous: a.funders.anonymous },
    repositories: a.repositories.map((r) => ({ repository: r.repository, packages: [...r.packages], share: r.share, problems: [...r.problems] })),
    wishes: a.wishes.map((w) => ({ ...w })),
  };
}

export function meRoutes(deps: PageDeps): RoutePlugin {
  return (app) => {
    app.get(
      '/api/v1/me',
      {
        schema: {
          tags: ['me'],
          summary: "The signed-in maintainer's account (session cookie from GitHub sign-in)",
          response: { 200: jsonAnswer('The account', meSchema), 401: errorAnswer('No maintainer is signed in') },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'private, no-store');
        const session = deps.sessions.read(request);
        if (session?.kind !== 'maintainer') {
          return reply.code(401).send({ error: { code: 'unauthorized', message: 'Sign in with GitHub first (/auth/github): this answers for the signed-in maintainer only.' } });
        }
        return meJson(await accountOf(deps, session.login));
      },
    );
  };
}
