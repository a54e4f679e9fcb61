// Linking a Discord user to a GitHub login: `/link github <login>` in Discord (signed
// interaction to the running server), confirmed by a `/link <code>` comment that GitHub
// attributes to that very login. Nobody can claim someone else's account.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkCommand } from '../bots/github/link-command.ts';
import type { IssueComment } from '../bots/github/comment-handlers.ts';
import { DomainError } from '../core/errors.ts';
import { money } from '../core/money.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { confirmIdentityLink, normaliseLinkCode, startIdentityLink } from '../core/use-cases/link-identity.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import type { RepoId, WishId } from '../core/wishlist.ts';
import { PrismaIdentityLinkStore } from '../prisma/identity-link-store.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';
import { guildInteraction, slash, startHarness, subcommand, user, type Harness } from './discord-support.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('identity links (use-cases on both databases)', () => {
  describe.each(BACKENDS)('%s', (backend) => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(backend);
    });
    afterAll(async () => {
      await db?.close();
    });

    const bytes = (fill: number) => (n: number) => new Uint8Array(n).fill(fill);
    const t0 = new Date('2026-11-21T10:00:00Z');

    it('stores only the hash of a code for the login asked; confirms once, only from that login, before expiry', async () => {
      const links = new PrismaIdentityLinkStore(db.prisma);
      const start = await startIdentityLink({ links, clock: fixedClock(t0), randomBytes: bytes(7), hash: sha256, userRef: 'discord:1', githubLogin: '@Alice' });
      expect(start.login).toBe('alice');
      expect(start.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(start.expiresAt).toEqual(new Date('2026-11-21T10:30:00Z'));
      const row = await db.prisma.identityLink.findUniqueOrThrow({ where: { userRef: 'discord:1' } });
      expect(row).toMatchObject({ pendingLogin: 'alice', githubLogin: null, codeHash: sha256(normaliseLinkCode(start.code)!) });
      expect(JSON.stringify(row)).not.toContain(start.code.replace(/-/g, ''));

      const confirm = (commenter: string, at: Date, code = start.code) => confirmIdentityLink({ links, clock: fixedClock(at), hash: sha256, code, commenter });
      const refusal = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as DomainError).code;
      expect(await refusal(confirm('mallory', t0))).toBe('identity_mismatch');
      expect(await refusal(confirm('alice', t0, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'))).toBe('not_found');
      expect(await refusal(confirm('alice', t0, 'not a code'))).toBe('invalid_input');
      expect(await refusal(confirm('alice', new Date('2026-11-21T10:30:00Z')))).toBe('link_expired');
      expect((await links.find('discord:1'))!.githubLogin).toBeNull();

      // Typed in lower case with spaces: still the code.
      expect(await confirm('ALICE', new Date('2026-11-21T10:29:59Z'), start.code.toLowerCase().replace(/-/g, ' '))).toEqual({ userRef: 'discord:1', githubLogin: 'alice' });
      expect(await refusal(confirm('alice', t0))).toBe('not_found'); // used once
      expect(await links.find('discord:1')).toMatchObject({ githubLogin: 'alice', pendingLogin: null, expiresAt: null });
    });

    it('refuses a login GitHub would not accept', async () => {
      const links = new PrismaIdentityLinkStore(db.prisma);
      for (const login of ['', '-bob', 'bob-', 'a--b', 'x'.repeat(40), 'bob smith', 'bob/evil']) {
        const e = await startIdentityLink({ links, clock: fixedClock(t0), randomBytes: bytes(1), hash: sha256, userRef: 'discord:2', githubLogin: login }).catch((x: unknown) => x);
        expect((e as DomainError).code).toBe('invalid_input');
      }
      expect(await links.find('discord:2')).toBeNull();
    });
  });
});

describe('/link github in Discord, confirmed by a GitHub comment', () => {
  let db: TestDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    h = await startHarness(db);
    await openWish({ wishes: h.services.wishes, outbox: h.services.outbox, gateway: h.services.gateway, clock: h.services.clock, currency: 'EUR', id: 'acme/ui#7' as WishId, title: 'Dark mode', description: '', requester: 'carol' });
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  let commentId = 5000;
  const comment = (author: string, body: string, created = true): IssueComment => ({
    repo: 'acme/ui' as RepoId,
    issueNumber: 7,
    commentId: commentId++,
    author,
    body,
    created,
    deliveryId: `d-${commentId}`,
  });
  const run = async (c: IssueComment) => {
    const replies: string[] = [];
    const handled = await linkCommand(c, { deps: h.services, reply: async (md) => void replies.push(md) });
    return { handled, replies };
  };

  it('links, refuses an impostor, and pledges then show the GitHub identity', async () => {
    const ada = user('ada');
    const i = guildInteraction(2, subcommand('link', 'github', [{ name: 'login', value: 'Alice' }]), ada);
    const res = await h.post(i);
    const reply = res.json.type === 4 ? res.json.data : (await h.fake.editOf(String(i.token))).body;
    if (res.json.type === 5) expect(res.json.data.flags).toBe(64);
    else expect(reply.flags).toBe(64);
    const code = /\/link ([0-9A-Z-]{19})/.exec(reply.content)?.[1];
    expect(code).toBeDefined();
    expect(reply.content).toContain('@alice');

    // Someone else who saw the code cannot use it.
    const impostor = await run(comment('mallory', `/link ${code}`));
    expect(impostor.handled).toBe(true);
    expect(impostor.replies[0]).toContain('only @alice can confirm it');
    expect((await h.services.identityLinks.find(`discord:${ada.id}`))!.githubLogin).toBeNull();

    // Not a /link comment: left to the wish commands.
    expect((await run(comment('alice', '/pledge 20'))).handled).toBe(false);

    const c = comment('Alice', `Thanks!\n/link ${code}`);
    const ok = await run(c);
    expect(ok.replies).toEqual([expect.stringContaining('now linked')]);
    expect((await h.services.identityLinks.find(`discord:${ada.id}`))!.githubLogin).toBe('alice');
    // A redelivery of the same comment, or its edit, does nothing more.
    expect(await run({ ...c })).toEqual({ handled: true, replies: [] });
    expect(await run({ ...c, created: false })).toEqual({ handled: true, replies: [] });

    const p = guildInteraction(2, slash('pledge', [{ name: 'wish', value: 'acme/ui#7' }, { name: 'amount', value: '5' }]), ada);
    await h.post(p);
    await h.fake.editOf(String(p.token));
    const wish = (await h.services.wishes.get('acme/ui#7' as WishId))!;
    expect(wish.pledges.map((x) => [x.pledger.source, x.pledger.id, x.amount])).toEqual([['github', 'alice', money(500, 'EUR').amount]]);
  });

  it('refuses a bad login in Discord ephemerally, storing nothing', async () => {
    const bo = user('bo');
    const res = await h.post(guildInteraction(2, subcommand('link', 'github', [{ name: 'login', value: 'not a login!' }]), bo));
    expect(res.json.type).toBe(4);
    expect(res.json.data.flags).toBe(64);
    expect(res.json.data.content).toContain('is not a GitHub login');
    expect(await h.services.identityLinks.find(`discord:${bo.id}`)).toBeNull();
  });

  it('answers /link without a code with how to get one', async () => {
    const r = await run(comment('alice', '/link'));
    expect(r.handled).toBe(true);
    // Says where the code comes from, without Discord's syntax in a GitHub comment.
    expect(r.replies[0]).toContain('code Upkeep gave you in Discord when you asked to link the GitHub account alice');
    expect(r.replies[0]).not.toContain('/link github');
  });
});
