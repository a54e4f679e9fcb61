// The public JSON shapes of CONTRACT §3, as zod: routes validate and serialize with them and the
// OpenAPI document is generated from them (each `id` becomes a named component).
import { z } from 'zod';
import { PACKAGE_WARNINGS, type PackageWarning } from '../core/package-warnings.ts';
import { WISH_STATUSES, type WishStatus } from '../core/wishlist.ts';

const dateTime = z.string().meta({ format: 'date-time' });

export const moneySchema = z
  .object({
    amount: z.number().int().meta({ description: 'Minor units of the currency (cents)' }),
    currency: z.string().meta({ example: 'EUR' }),
  })
  .meta({ id: 'Money' });

export const packageSchema = z
  .object({
    id: z.string().meta({ example: 'npm:react' }),
    fundingCompanies: z.number().int(),
    monthlyTotal: moneySchema,
    maintainers: z.array(z.string()),
    repository: z.string().nullable(),
    active: z.boolean().meta({ description: 'Commit, issue activity or release in the last 90 days' }),
    lastActivityAt: dateTime.nullable(),
    description: z.string().nullable(),
    needs: z.string().nullable(),
    warnings: z.array(z.enum(PACKAGE_WARNINGS as [PackageWarning, ...PackageWarning[]])),
    lastPeriod: z
      .object({ period: z.string().meta({ example: '2026-10' }), total: moneySchema, fundingCompanies: z.number().int() })
      .nullable()
      .meta({ description: 'The last closed month that funded the package' }),
  })
  .meta({ id: 'Package', description: 'Public aggregates of a package: never which company gave what.' });

export const wishSchema = z
  .object({
    id: z.string().meta({ example: 'owner/repo#7' }),
    status: z.enum(WISH_STATUSES as [WishStatus, ...WishStatus[]]),
    title: z.string(),
    quote: z.object({ amount: z.number().int(), currency: z.string(), delayDays: z.number().int() }).nullable(),
    pledged: moneySchema,
    paid: moneySchema,
    pledgers: z.number().int(),
    percent: z.number().int().meta({ description: 'Paid pledges as a percentage of the quote (may exceed 100)' }),
    deadline: dateTime.nullable(),
  })
  .meta({ id: 'Wish' });

export const receiptSchema = z
  .object({
    period: z.string().meta({ example: '2026-11' }),
    company: z.string(),
    status: z.enum(['funded', 'unfunded']).meta({ description: 'unfunded: the budget charge failed (see reason); such a month has no lines' }),
    reason: z.string().optional().meta({ description: 'Why an unfunded month is unfunded, e.g. "no card saved", "card declined: …", "card saved too late"' }),
    fundedLate: z.boolean().optional().meta({ description: 'Funded after its close: a card saved within 7 days of the failed charge' }),
    total: moneySchema,
    lines: z.array(
      z.object({
        package: z.string(),
        amount: z.number().int(),
        maintainers: z.array(z.object({ login: z.string(), amount: z.number().int() })),
        escrow: z.number().int().meta({ description: 'Held for a package without an opted-in maintainer' }),
      }),
    ),
  })
  .meta({ id: 'Receipt' });
