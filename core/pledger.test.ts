import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pledgerIdentity, type PledgingPerson } from './pledger.ts';

const ada: PledgingPerson = { source: 'discord', id: '1310000000000000001', names: ['Ada', 'ada'] };

describe('pledgerIdentity', () => {
  it.each<[string, PledgingPerson, { githubLogin: string | null } | null, ReturnType<typeof pledgerIdentity>]>([
    ['a Discord user with no link pledges as themselves, by global name', ada, null, { source: 'discord', id: ada.id, display: 'Ada' }],
    ['a Discord user without a global name shows the username', { ...ada, names: [null, 'ada'] }, null, { source: 'discord', id: ada.id, display: 'ada' }],
    ['a blank global name is skipped', { ...ada, names: ['  ', 'ada'] }, null, { source: 'discord', id: ada.id, display: 'ada' }],
    ['a Discord user with a confirmed link pledges as the GitHub login', ada, { githubLogin: 'octocat' }, { source: 'github', id: 'octocat', display: 'octocat' }],
    ['a link still pending (no confirmed login) does not count', ada, { githubLogin: null }, { source: 'discord', id: ada.id, display: 'Ada' }],
    ['a confirmed login is an id in lower case', ada, { githubLogin: 'OctoCat' }, { source: 'github', id: 'octocat', display: 'OctoCat' }],
    [
      'a Slack user with no name shows their reference',
      { source: 'slack', id: 'slack:T1:U1', names: [''] },
      null,
      { source: 'slack', id: 'slack:T1:U1', display: 'slack:T1:U1' },
    ],
    ['a Slack user with a confirmed link pledges as the login', { source: 'slack', id: 'slack:T1:U1', names: ['dana'] }, { githubLogin: 'dana-gh' }, { source: 'github', id: 'dana-gh', display: 'dana-gh' }],
    ['a GitHub commenter pledges as their login, shown as typed', { source: 'github', id: 'Octocat', names: [] }, null, { source: 'github', id: 'octocat', display: 'Octocat' }],
    ['a GitHub commenter is their own identity, whatever link is passed', { source: 'github', id: 'bob', names: [] }, { githubLogin: 'alice' }, { source: 'github', id: 'bob', display: 'bob' }],
  ])('%s', (_label, person, link, expected) => {
    expect(pledgerIdentity(person, link)).toEqual(expected);
  });

  it('the same confirmed login gives the same pledger from every front-end', () => {
    fc.assert(
      fc.property(fc.constantFrom('discord', 'slack') as fc.Arbitrary<'discord' | 'slack'>, fc.string({ minLength: 1 }), fc.array(fc.option(fc.string())), fc.stringMatching(/^[a-z0-9](?:-?[a-z0-9]){0,10}$/), (source, id, names, login) => {
        const fromChat = pledgerIdentity({ source, id, names }, { githubLogin: login });
        const fromGithub = pledgerIdentity({ source: 'github', id: login, names: [] }, null);
        expect(fromChat).toEqual(fromGithub);
      }),
    );
  });

  it('always shows a non-blank name', () => {
    fc.assert(
      fc.property(fc.constantFrom('discord', 'slack', 'github') as fc.Arbitrary<'discord' | 'slack' | 'github'>, fc.stringMatching(/^\S{1,20}$/), fc.array(fc.option(fc.string())), (source, id, names) => {
        expect(pledgerIdentity({ source, id, names }, null).display.trim()).not.toBe('');
      }),
    );
  });
});
