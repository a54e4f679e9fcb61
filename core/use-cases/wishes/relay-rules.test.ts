import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributionOf, isRelayedFromDiscord, relayMarker, relaysToDiscord, shorten, visibleText } from './relay-rules.ts';

describe('what a discussion thread relays', () => {
  it('never relays back a comment Upkeep posted for a Discord message, nor one with nothing visible', () => {
    expect(relaysToDiscord({ body: `${relayMarker('42')}\n**bob** (Discord) wrote:\n\n> hi` })).toBe(false);
    expect(isRelayedFromDiscord(`${relayMarker('42')}\nx`)).toBe(true);
    expect(relaysToDiscord({ body: '<!-- only a hidden note -->\n\n' })).toBe(false);
    expect(relaysToDiscord({ body: 'A real question' })).toBe(true);
  });

  it('attributes a Discord message to the linked GitHub login, else to the Discord name', () => {
    const link = { userRef: 'discord:1', githubLogin: 'ada-gh', pendingLogin: null, expiresAt: null, confirmedAt: new Date() };
    expect(attributionOf(link, 'ada')).toEqual({ kind: 'github', login: 'ada-gh' });
    expect(attributionOf({ ...link, githubLogin: null, pendingLogin: 'ada-gh' }, 'ada')).toEqual({ kind: 'discord', name: 'ada' });
    expect(attributionOf(null, '  ')).toEqual({ kind: 'discord', name: 'someone' });
  });

  it('drops hidden HTML comments and collapses blank lines', () => {
    expect(visibleText('Hello<!-- hidden -->\n\n\n\nworld\r\n')).toBe('Hello\n\nworld');
    expect(visibleText('nul\u0000byte')).not.toContain('\u0000');
  });

  it('shortens to at most the limit, keeps short text as it is, and keeps a prefix of the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 10, max: 300 }), (text, max) => {
        const out = shorten(text, max);
        expect([...out].length).toBeLessThanOrEqual(max);
        if ([...text].length <= max) expect(out).toBe(text);
        else {
          expect(out.endsWith('…')).toBe(true);
          expect(text.startsWith(out.slice(0, -1))).toBe(true);
        }
      }),
    );
  });
});
