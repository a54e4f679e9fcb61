// shields.io endpoint badges (https://shields.io/badges/endpoint-badge): a wish's state or amount
// to go, a package's public aggregates. An unknown wish or package still gets a valid badge
// ("not found", 200), so a README badge never breaks.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatMoney } from '../core/money.ts';
import { parsePackageId } from '../core/packages.ts';
import type { Ports } from '../core/ports/index.ts';
import { getPackageSummary } from '../core/use-cases/get-package-summary.ts';
import { fundingGap, type Wish, type WishStatus } from '../core/wishlist.ts';
import type { RoutePlugin } from '../edge/http.ts';
import { EMBEDDABLE, sendCached } from './images/http.ts';
import { findWish, wishPathParams } from './images/wish-card.ts';

export type BadgeDeps = Pick<Ports, 'wishes' | 'clock' | 'fundingStats' | 'packages'> & { currency: string };

/** The shields endpoint schema (version 1), the fields Upkeep sends. */
export interface ShieldsBadge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  /** Shields caches for at least 300 s whatever is said; asking for that keeps badges fresh. */
  cacheSeconds: number;
  /** An error badge (not found): shields keeps its colour. */
  isError?: boolean;
}

const CACHE_SECONDS = 300;

const STATE_MESSAGE: Record<WishStatus, string> = {
  open: 'awaiting a quote',
  quoted: 'collecting pledges',
  funded: 'funded',
  in_progress: 'in progress',
  delivered: 'delivered',
  cancelled: 'cancelled',
  expired: 'expired',
};

// Shields' named colours.
const STATE_COLOR: Record<WishStatus, string> = {
  open: 'lightgrey',
  quoted: 'blue',
  funded: 'green',
  in_progress: 'green',
  delivered: 'brightgreen',
  cancelled: 'grey',
  expired: 'grey',
};

const badge = (label: string, message: string, color: string, isError = false): ShieldsBadge => ({
  schemaVersion: 1,
  label,
  message,
  color,
  cacheSeconds: CACHE_SECONDS,
  ...(isError ? { isError } : {}),
});

/** `wish` · `€120.00 to go` while collecting, the state otherwise. */
export function wishBadge(wish: Wish, now: Date): ShieldsBadge {
  const { toGo } = fundingGap(wish, now);
  if (wish.status === 'quoted' && toGo !== null && toGo > 0) return badge('wish', `${formatMoney({ amount: toGo, currency: wish.currency })} to go`, STATE_COLOR.quoted);
  return badge('wish', STATE_MESSAGE[wish.status], STATE_COLOR[wish.status]);
}

/** `upkeep` · `€1,234.00/month from 12 companies`: aggregates only, never who gives what. */
export function packageBadge(summary: { fundingCompanies: number; monthlyTotal: { amount: number; currency: string }; active: boolean }): ShieldsBadge {
  if (summary.fundingCompanies === 0) return badge('upkeep', 'no funding yet', 'lightgrey');
  const companies = summary.fundingCompanies === 1 ? '1 company' : `${summary.fundingCompanies} companies`;
  // An inactive package still receives money; the colour says companies see a warning.
  return badge('upkeep', `${formatMoney(summary.monthlyTotal)}/month from ${companies}`, summary.active ? 'brightgreen' : 'yellow');
}

export const wishNotFoundBadge = (): ShieldsBadge => badge('wish', 'not found', 'lightgrey', true);
export const packageNotFoundBadge = (): ShieldsBadge => badge('upkeep', 'package not found', 'lightgrey', true);

const JSON_TYPE = 'application/json; charset=utf-8';

export function badgeRoutes(deps: BadgeDeps): RoutePlugin {
  const send = (request: FastifyRequest, reply: FastifyReply, body: ShieldsBadge) => {
    reply.header('access-control-allow-origin', '*');
    return sendCached(request, reply, { status: 200, type: JSON_TYPE }, { body: JSON.stringify(body) });
  };
  return (app) => {
    app.get('/badge/wishes/:owner/:repo/:number', { schema: { params: wishPathParams }, helmet: EMBEDDABLE }, async (request, reply) => {
      const wish = request.params.number.endsWith('.json') ? await findWish(deps.wishes, request.params, '.json') : null;
      return send(request, reply, wish ? wishBadge(wish, deps.clock.now()) : wishNotFoundBadge());
    });
    // `npm%3Areact.json`, and ids with slashes written as they are (`npm:@types/node.json`).
    app.get('/badge/packages/*', { schema: { params: z.object({ '*': z.string() }) }, helmet: EMBEDDABLE }, async (request, reply) => {
      const raw = request.params['*'];
      const id = raw.endsWith('.json') ? parsePackageId(raw.slice(0, -'.json'.length)) : null;
      if (!id?.ok) return send(request, reply, packageNotFoundBadge());
      const summary = await getPackageSummary({ stats: deps.fundingStats, packages: deps.packages, clock: deps.clock, currency: deps.currency, id: id.value });
      // Nothing claims the package and nobody funds it: Upkeep does not know it.
      if (summary.repository === null && summary.fundingCompanies === 0) return send(request, reply, packageNotFoundBadge());
      return send(request, reply, packageBadge(summary));
    });
  };
}
