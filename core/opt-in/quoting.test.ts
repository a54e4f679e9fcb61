// Rule: a wish is quoted only in an opted-in repository; the refusal says what to add, with a
// minimal example file, in words free of any platform's command syntax.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import type { WishId } from '../wishlist.ts';
import { OPT_IN_EXAMPLE } from './file.ts';
import { requireOptedInToQuote } from './quoting.ts';
import { readFileSync } from 'node:fs';

const WISH = 'acme/ui#7' as WishId;

function refusal(state: { optedIn: boolean } | null): DomainError {
  try {
    requireOptedInToQuote(state, WISH);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('requireOptedInToQuote', () => {
  it('lets an opted-in repository quote', () => expect(() => requireOptedInToQuote({ optedIn: true }, WISH)).not.toThrow());

  it.each([
    ['a repository Upkeep never saw', null],
    ['a repository that withdrew (file removed or made invalid)', { optedIn: false }],
  ])('refuses %s, saying what to add', (_name, state) => {
    const e = refusal(state);
    expect(e.code).toBe('invalid_optin');
    expect(e.userMessage).toMatch(/^acme\/ui has not opted in to Upkeep: it has no valid \.github\/upkeep\.yml on its default branch/);
    expect(e.userMessage).toMatch(/maintainers with shares summing to 100, and accept_terms/);
    expect(e.userMessage).not.toMatch(/`\/|(^|[\s(])\/(quote|wish)\b|(^|[^\w])\/upkeep\b/);
    expect(e.details).toEqual({ wishId: WISH, repository: 'acme/ui', file: '.github/upkeep.yml', example: OPT_IN_EXAMPLE });
  });

  it('the example is a minimal file: packages, maintainers with shares, accept_terms', () => {
    expect(OPT_IN_EXAMPLE).toBe('packages: [npm:your-package]\nmaintainers:\n  alice: 60\n  bob: 40\naccept_terms: 1');
    // The quote use-case asks the rule before it changes the wish.
    const useCase = readFileSync(new URL('../use-cases/wishes/quote-wish.ts', import.meta.url), 'utf8');
    expect(useCase.indexOf('requireOptedInToQuote(')).toBeLessThan(useCase.indexOf('wishes.update('));
  });
});
