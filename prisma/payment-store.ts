// Payment attempts, saved payment methods and payout accounts on PostgreSQL/PGlite. The unique
// idempotency key of a payment row is what makes each money movement exactly-once here.
import type { Period } from '../core/period.ts';
import type { CardDetails, CompanyBilling, MaintainerPayoutAccount, NewPayment, Payment, PaymentKind, PaymentStatus, PaymentStore } from '../core/ports/payments.ts';
import type { PrismaClient } from './generated/client.ts';
import { toSafeNumber } from './numbers.ts';

type PaymentRow = Awaited<ReturnType<PrismaClient['payment']['findUnique']>> & {};

interface BillingRow {
  customer_id: string | null;
  payment_method_id: string | null;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id,
    kind: r.kind as PaymentKind,
    provider: r.provider as Payment['provider'],
    status: r.status as PaymentStatus,
    amount: toSafeNumber(r.amount),
    currency: r.currency,
    idempotencyKey: r.idempotencyKey,
    wishId: r.wishId,
    pledgeId: r.pledgeId,
    companyId: r.companyId,
    period: r.period as Period | null,
    login: r.login,
    externalId: r.externalId,
    url: r.url,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export class PrismaPaymentStore implements PaymentStore {
  constructor(private readonly prisma: PrismaClient) {}

  async ensure(input: NewPayment): Promise<Payment> {
    // ON CONFLICT keeps the first row: a retry or a racing caller gets the same payment.
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO payment (id, kind, provider, status, amount, currency, idempotency_key, wish_id, pledge_id, company_id, period, login)
       VALUES (gen_random_uuid(), $1, $2, 'pending', $3, $4, $5, $6, $7, $8::uuid, $9, $10)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      input.kind,
      input.provider,
      BigInt(input.amount),
      input.currency,
      input.idempotencyKey,
      input.wishId ?? null,
      input.pledgeId ?? null,
      input.companyId ?? null,
      input.period ?? null,
      input.login ?? null,
    );
    const row = await this.byKey(input.idempotencyKey);
    if (!row) throw new Error(`payment ${input.idempotencyKey} vanished`);
    return row;
  }

  async ensureMany(inputs: readonly NewPayment[]): Promise<Payment[]> {
    const out: Payment[] = [];
    // Batches bound the statement size; each is one insert and one read, whatever its length.
    for (let i = 0; i < inputs.length; i += 5_000) {
      const batch = inputs.slice(i, i + 5_000);
      const col = <T,>(f: (p: NewPayment) => T) => batch.map(f);
      await this.prisma.$executeRawUnsafe(
        `INSERT INTO payment (id, kind, provider, status, amount, currency, idempotency_key, wish_id, pledge_id, company_id, period, login)
         SELECT gen_random_uuid(), k, pr, 'pending', a, c, key, w, pl, co, pe, lo
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::text[], $10::text[])
           AS u(k, pr, a, c, key, w, pl, co, pe, lo)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        col((p) => p.kind),
        col((p) => p.provider),
        col((p) => String(p.amount)),
        col((p) => p.currency),
        col((p) => p.idempotencyKey),
        col((p) => p.wishId ?? null),
        col((p) => p.pledgeId ?? null),
        col((p) => p.companyId ?? null),
        col((p) => p.period ?? null),
        col((p) => p.login ?? null),
      );
      const rows = await this.prisma.payment.findMany({ where: { idempotencyKey: { in: batch.map((p) => p.idempotencyKey) } } });
      const byKey = new Map(rows.map((r) => [r.idempotencyKey, toPayment(r)]));
      for (const p of batch) {
        const row = byKey.get(p.idempotencyKey);
        if (!row) throw new Error(`payment ${p.idempotencyKey} vanished`);
        out.push(row);
      }
    }
    return out;
  }

  async byKey(idempotencyKey: string): Promise<Payment | null> {
    const r = await this.prisma.payment.findUnique({ where: { idempotencyKey } });
    return r && toPayment(r);
  }

  async byId(id: string): Promise<Payment | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const r = await this.prisma.payment.findUnique({ where: { id } });
    return r && toPayment(r);
  }

  async byExternalId(externalId: string): Promise<Payment | null> {
    const r = await this.prisma.payment.findUnique({ where: { externalId } });
    return r && toPayment(r);
  }

  async forPledge(pledgeId: string, kind: PaymentKind): Promise<Payment | null> {
    const r = await this.prisma.payment.findFirst({ where: { pledgeId, kind }, orderBy: { createdAt: 'asc' } });
    return r && toPayment(r);
  }

  async update(
    id: string,
    change: { status?: PaymentStatus; externalId?: string | null; url?: string | null; error?: string | null; attempt?: boolean; at?: Date },
  ): Promise<Payment> {
    const r = await this.prisma.payment.update({
      where: { id },
      data: {
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.externalId !== undefined ? { externalId: change.externalId } : {}),
        ...(change.url !== undefined ? { url: change.url } : {}),
        ...(change.error !== undefined ? { error: change.error } : {}),
        ...(change.attempt ? { attempts: { increment: 1 } } : {}),
        updatedAt: change.at ?? new Date(),
      },
    });
    return toPayment(r);
  }

  async list(filter: { status?: PaymentStatus; kind?: PaymentKind; period?: Period; wishId?: string; login?: string; companyId?: string } = {}): Promise<Payment[]> {
    const rows = await this.prisma.payment.findMany({
      where: {
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...(filter.period ? { period: filter.period } : {}),
        ...(filter.wishId ? { wishId: filter.wishId } : {}),
        ...(filter.login ? { login: filter.login } : {}),
        ...(filter.companyId ? { companyId: filter.companyId } : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { idempotencyKey: 'asc' }],
    });
    return rows.map(toPayment);
  }

  async billing(companyId: string): Promise<CompanyBilling | null> {
    if (!UUID.test(companyId)) return null;
    // Raw SQL: the card columns are read the same whatever the generated client knows.
    const [r] = await this.prisma.$queryRawUnsafe<BillingRow[]>(
      'SELECT customer_id, payment_method_id, card_brand, card_last4, card_exp_month, card_exp_year FROM company_billing WHERE company_id = $1::uuid',
      companyId,
    );
    if (!r) return null;
    const card: CardDetails | null =
      r.card_brand && r.card_last4 && r.card_exp_month !== null && r.card_exp_year !== null
        ? { brand: r.card_brand, last4: r.card_last4, expMonth: r.card_exp_month, expYear: r.card_exp_year }
        : null;
    return { customerId: r.customer_id, paymentMethodId: r.payment_method_id, card };
  }

  async saveBilling(companyId: string, billing: { customerId?: string | null; paymentMethodId?: string | null; card?: CardDetails | null }): Promise<void> {
    const card = billing.card;
    // Each column is written only when given ($n::boolean says whether), in one upsert.
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO company_billing (company_id, customer_id, payment_method_id, card_brand, card_last4, card_exp_month, card_exp_year, updated_at)
       VALUES ($1::uuid, $3, $5, $7, $8, $9, $10, now())
       ON CONFLICT (company_id) DO UPDATE SET
         customer_id = CASE WHEN $2 THEN EXCLUDED.customer_id ELSE company_billing.customer_id END,
         payment_method_id = CASE WHEN $4 THEN EXCLUDED.payment_method_id ELSE company_billing.payment_method_id END,
         card_brand = CASE WHEN $6 THEN EXCLUDED.card_brand ELSE company_billing.card_brand END,
         card_last4 = CASE WHEN $6 THEN EXCLUDED.card_last4 ELSE company_billing.card_last4 END,
         card_exp_month = CASE WHEN $6 THEN EXCLUDED.card_exp_month ELSE company_billing.card_exp_month END,
         card_exp_year = CASE WHEN $6 THEN EXCLUDED.card_exp_year ELSE company_billing.card_exp_year END,
         updated_at = now()`,
      companyId,
      billing.customerId !== undefined,
      billing.customerId ?? null,
      billing.paymentMethodId !== undefined,
      billing.paymentMethodId ?? null,
      card !== undefined,
      card?.brand ?? null,
      card?.last4 ?? null,
      card?.expMonth ?? null,
      card?.expYear ?? null,
    );
  }

  async maintainerAccount(login: string): Promise<MaintainerPayoutAccount | null> {
    const r = await this.prisma.maintainerAccount.findUnique({ where: { login: login.toLowerCase() } });
    return r && { login: r.login, accountId: r.accountId, payoutsEnabled: r.payoutsEnabled };
  }

  async saveMaintainerAccount(login: string, account: { accountId: string; payoutsEnabled?: boolean }): Promise<void> {
    const data = { accountId: account.accountId, ...(account.payoutsEnabled !== undefined ? { payoutsEnabled: account.payoutsEnabled } : {}), updatedAt: new Date() };
    await this.prisma.maintainerAccount.upsert({ where: { login: login.toLowerCase() }, create: { login: login.toLowerCase(), ...data }, update: data });
  }

  async setPayoutsEnabled(accountId: string, enabled: boolean): Promise<boolean> {
    const n = await this.prisma.maintainerAccount.updateMany({ where: { accountId }, data: { payoutsEnabled: enabled, updatedAt: new Date() } });
    return n.count > 0;
  }

  async maintainerBalances(): Promise<{ login: string; balance: number }[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ login: string; balance: bigint }[]>(
      `SELECT a.login, SUM(e.amount)::bigint AS balance
       FROM ledger_account a JOIN ledger_entry e ON e.account_key = a.key
       WHERE a.kind = 'maintainer'
       GROUP BY a.login HAVING SUM(e.amount) > 0
       ORDER BY a.login`,
    );
    return rows.map((r) => ({ login: r.login, balance: toSafeNumber(r.balance) }));
  }
}

/** A difference between what Stripe reported (stored events, payment rows) and the ledger. */
export interface ReconciliationDifference {
  check: string;
  /** Which event, payment, pledge, wish or transaction, and what differs; never empty. */
  detail: string;
}

// Upkeep's own pledge charges: Upkeep metadata naming a pledge that has a payment row here.
// Anything else on a shared Stripe account is someone else's money (listed, never a failure).
const OURS_PLEDGE = `i.payload->'metadata'->>'kind' = 'pledge'
  AND EXISTS (SELECT 1 FROM payment op WHERE op.kind = 'pledge' AND op.pledge_id = i.payload->'metadata'->>'pledgeId')`;
const OURS_BUDGET = `i.payload->'metadata'->>'kind' = 'budget_charge'
  AND EXISTS (SELECT 1 FROM payment op WHERE op.kind = 'budget_charge'
              AND op.idempotency_key = 'budget:' || (i.payload->'metadata'->>'companyId') || ':' || (i.payload->'metadata'->>'period'))`;
// A text field of the stored object, or a dash: a detail never turns into NULL.
const field = (path: string) => `COALESCE(${path}, '-')`;

const RECONCILIATION_CHECKS: readonly { name: string; sql: string }[] = [
  {
    name: 'Stripe reported a paid pledge the ledger does not show',
    sql: `SELECT 'event ' || i.external_id || ': Stripe collected ' || ${field("i.payload->>'amount_total'")} || ' for pledge '
                 || ${field("i.payload->'metadata'->>'pledgeId'")} || ' of wish ' || ${field("i.payload->'metadata'->>'wishId'")}
                 || ', the ledger credits ' || COALESCE(le.amount::text, 'nothing') || ' under pledge:'
                 || ${field("i.payload->'metadata'->>'pledgeId'")} || ':paid' AS detail
          FROM inbound_event i
          LEFT JOIN ledger_transaction t ON t.key = 'pledge:' || (i.payload->'metadata'->>'pledgeId') || ':paid'
          LEFT JOIN ledger_entry le ON le.transaction_id = t.id AND le.account_key LIKE 'wish:%'
          WHERE i.source = 'stripe' AND i.kind IN ('checkout.session.completed', 'checkout.session.async_payment_succeeded')
            AND ${OURS_PLEDGE} AND i.payload->>'payment_status' = 'paid'
            AND (le.amount IS NULL OR le.amount::text <> COALESCE(i.payload->>'amount_total', ''))`,
  },
  {
    name: 'ledger credits a Stripe pledge payment without a Stripe event',
    sql: `SELECT t.key || ' credits ' || le.amount::text || ' from Stripe, but no checkout.session.completed event names that pledge' AS detail
          FROM ledger_transaction t
          JOIN ledger_entry le ON le.transaction_id = t.id AND le.account_key = 'external:stripe'
          WHERE t.kind = 'pledge_paid'
            AND NOT EXISTS (
              SELECT 1 FROM inbound_event i
              WHERE i.source = 'stripe' AND i.kind IN ('checkout.session.completed', 'checkout.session.async_payment_succeeded')
                AND t.key = 'pledge:' || (i.payload->'metadata'->>'pledgeId') || ':paid')`,
  },
  {
    // A refund of a pledge whose money was never credited (refunded before its completion
    // arrived) moves nothing: only a credited pledge's refund must be in the ledger.
    name: 'succeeded payment missing from the ledger',
    sql: `SELECT p.kind || ' ' || p.idempotency_key || ' (' || p.provider || ', ' || p.amount::text || ' ' || p.currency
                 || COALESCE(', pledge ' || p.pledge_id || ' of wish ' || p.wish_id, '') || COALESCE(', maintainer ' || p.login, '')
                 || ') succeeded, but the ledger has no transaction ' || p.idempotency_key
                 || CASE WHEN p.kind = 'refund' THEN ': the money is still counted in wish:' || COALESCE(p.wish_id, '-') ELSE '' END AS detail
          FROM payment p
          WHERE p.status = 'succeeded' AND p.kind IN ('refund', 'payout')
            AND NOT EXISTS (SELECT 1 FROM ledger_transaction t WHERE t.key = p.idempotency_key)
            AND (p.kind <> 'refund' OR EXISTS (SELECT 1 FROM ledger_transaction t WHERE t.key = 'pledge:' || p.pledge_id || ':paid'))`,
  },
  {
    name: 'ledger refund or payout without a succeeded payment',
    sql: `SELECT t.key || ' (' || t.kind || ') is in the ledger, but payment ' || t.key || ' '
                 || COALESCE((SELECT 'is ' || p.status FROM payment p WHERE p.idempotency_key = t.key), 'does not exist') AS detail
          FROM ledger_transaction t
          WHERE t.kind IN ('pledge_refund', 'payout')
            AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.idempotency_key = t.key AND p.status = 'succeeded')`,
  },
  {
    name: 'Stripe refunded a charge Upkeep did not refund',
    sql: `SELECT 'event ' || i.external_id || ': charge ' || ${field("i.payload->>'id'")} || ' refunded ' || ${field("i.payload->>'amount_refunded'")}
                 || ' of ' || ${field("i.payload->>'amount'")} || ' for pledge ' || (i.payload->'metadata'->>'pledgeId')
                 || ' of wish ' || ${field("i.payload->'metadata'->>'wishId'")} || ', but no refund of that pledge is recorded' AS detail
          FROM inbound_event i
          WHERE i.source = 'stripe' AND i.kind = 'charge.refunded' AND ${OURS_PLEDGE}
            AND NOT EXISTS (
              SELECT 1 FROM payment p
              WHERE p.kind = 'refund' AND p.status = 'succeeded' AND p.pledge_id = i.payload->'metadata'->>'pledgeId')`,
  },
  {
    name: 'Stripe refunded a budget charge the ledger still counts',
    sql: `SELECT 'event ' || i.external_id || ': charge ' || ${field("i.payload->>'id'")} || ' refunded ' || ${field("i.payload->>'amount_refunded'")}
                 || ' of the budget of company ' || (i.payload->'metadata'->>'companyId') || ' for ' || (i.payload->'metadata'->>'period')
                 || ', which the ledger counts as contributed' AS detail
          FROM inbound_event i
          WHERE i.source = 'stripe' AND i.kind = 'charge.refunded' AND ${OURS_BUDGET}`,
  },
];

/**
 * Compares stored Stripe events and payment rows with the ledger: every paid pledge Stripe
 * reported has its `pledge_paid` transaction with the same amount, every pledge credited as
 * paid by Stripe has its event, every succeeded refund/payout is in the ledger and vice versa,
 * and every refund Stripe made of Upkeep's charges is booked. Others' charges on a shared
 * account are not differences (see `foreignPayments`).
 */
export async function reconcilePayments(prisma: PrismaClient): Promise<ReconciliationDifference[]> {
  const out: ReconciliationDifference[] = [];
  for (const c of RECONCILIATION_CHECKS) {
    const rows = await prisma.$queryRawUnsafe<{ detail: string | null }[]>(c.sql);
    for (const r of rows) out.push({ check: c.name, detail: r.detail ?? `a row of this check could not be described (${c.name})` });
  }
  return out;
}

/** A Stripe event about money that is not Upkeep's (a shared account): told, never a failure. */
export interface ForeignPayment {
  event: string;
  detail: string;
}

/** Refunds Stripe reported of charges that are not Upkeep's: no Upkeep metadata, or a payment Upkeep does not know. */
export async function foreignPayments(prisma: PrismaClient): Promise<ForeignPayment[]> {
  const rows = await prisma.$queryRawUnsafe<{ event: string; detail: string }[]>(
    `SELECT i.external_id AS event,
            'event ' || i.external_id || ': charge ' || ${field("i.payload->>'id'")} || ' refunded ' || ${field("i.payload->>'amount_refunded'")}
            || ' ' || upper(${field("i.payload->>'currency'")}) || ' is not an Upkeep payment ('
            || CASE WHEN i.payload->'metadata'->>'kind' IN ('pledge', 'budget_charge') THEN 'unknown ' || (i.payload->'metadata'->>'kind') ELSE 'no Upkeep metadata' END
            || ')' AS detail
     FROM inbound_event i
     WHERE i.source = 'stripe' AND i.kind = 'charge.refunded'
       AND NOT ((${OURS_PLEDGE}) OR (${OURS_BUDGET}))
     ORDER BY i.received_at, i.external_id`,
  );
  return rows;
}
