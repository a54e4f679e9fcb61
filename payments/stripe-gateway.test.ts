import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { outcomeOfError } from './stripe-gateway.ts';

const ERRORS = { StripeCardError: Stripe.errors.StripeCardError, StripeInvalidRequestError: Stripe.errors.StripeInvalidRequestError, StripeIdempotencyError: Stripe.errors.StripeIdempotencyError };
const error = (type: keyof typeof ERRORS) => new ERRORS[type]({ message: 'Stripe said no' } as never);

describe('outcomeOfError', () => {
  it.each([
    ['StripeCardError', 'failed'],
    ['StripeInvalidRequestError', 'failed'],
    ['StripeIdempotencyError', 'failed'],
  ] as const)('%s is final', (type, status) => {
    const e = error(type);
    expect((e as { type: string }).type).toBe(type);
    expect(outcomeOfError(e)).toMatchObject({ status, error: 'Stripe said no' });
  });

  it('a connection failure or a server error stays pending (the next run replays the same key)', () => {
    expect(outcomeOfError(new Stripe.errors.StripeConnectionError({ message: 'socket hang up' } as never))).toMatchObject({ status: 'pending' });
    expect(outcomeOfError(new Stripe.errors.StripeAPIError({ message: 'server error' } as never))).toMatchObject({ status: 'pending' });
    expect(outcomeOfError(new Error('timeout'))).toMatchObject({ status: 'pending', error: 'timeout' });
  });
});
