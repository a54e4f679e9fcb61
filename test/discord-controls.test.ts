// Discord controls (issue 13) end to end: signed interactions against the running server, the
// fake Discord REST API and a real database: /help, /subscriptions and /unsubscribe, /pledges
// with its Withdraw buttons, and /unlink github.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../bots/discord/custom-ids.ts';
import { money } from '../core/money.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { wishProgress, type WishId } from '../core/wishlist.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { button, dmInteraction, guildInteraction, MODERATOR_PERMISSIONS, slash, startHarness, subcommand, user, type Harness } from './discord-support.ts';

const WISH = 'acme/ui#7' as WishId;
const SMALL = 'acme/ui#8' as WishId;

let db: TestDatabase;
let h: Harness;

/** What the user finally reads for an interaction. */
async function shown(i: Record<string, unknown>) {
  return h.finalMessage(i, await h.post(i));
}

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  h = await startHarness(db);
  const s = h.services;
  const base = { wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', description: 'Dark mode.' };
  await optInToQuote(s.repositories, 'acme/ui');
  for (const [id, amount] of [[WISH, 40_000], [SMALL, 1_000]] as const) {
    await openWish({ ...base, id, title: `Wish ${id}`, requester: 'carol' });
    await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock: s.clock, id, amount: money(amount, 'EUR'), delayDays: 14, by: 'maria', isMaintainer: true });
  }
});

afterAll(async () => {
  await h?.close();
  await db?.close();
});

describe('/help', () => {
  it('explains Upkeep and lists the Discord commands by task, ephemerally, in a DM too', async () => {
    const { ephemeral, message } = await shown(dmInteraction(2, slash('help', []), user('ada')));
    expect(ephemeral).toBe(true);
    const embed = message.embeds[0];
    expect(embed.title).toBe('Upkeep on Discord');
    expect(embed.fields.map((f: { name: string }) => f.name)).toEqual(['Wishes', 'Your pledges and account', 'Channel notices (Manage Channels)', 'Elsewhere']);
    const text = JSON.stringify(embed);
    for (const c of ['/wishlist repo:', '/wish id:', '/pledge wish:', '/pledges', '/link github login:', '/unlink github', '/subscribe repo:', '/unsubscribe repo:', '/subscriptions']) expect(text).toContain(c);
    expect(text).not.toContain('/upkeep');
  });
});

describe('/subscriptions and /unsubscribe', () => {
  it('lists what the channel follows and stops one; needs Manage Channels; a second unsubscribe says it did not follow it', async () => {
    const mod = user('mod');
    await shown(guildInteraction(2, slash('subscribe', [{ name: 'repo', value: 'acme/ui' }]), mod, MODERATOR_PERMISSIONS));
    await shown(guildInteraction(2, slash('subscribe', [{ name: 'repo', value: 'beta/api' }]), mod, MODERATOR_PERMISSIONS));
    const list = await shown(guildInteraction(2, slash('subscriptions', []), user('ada')));
    expect(list.ephemeral).toBe(true);
    expect(list.message.embeds[0].title).toBe('This channel follows 2 repositories');
    expect(list.message.embeds[0].description).toContain('**acme/ui**');

    const member = await h.post(guildInteraction(2, slash('unsubscribe', [{ name: 'repo', value: 'acme/ui' }]), user('hal')));
    expect(member.json.data.content).toContain('Manage Channels');
    expect(await db.prisma.subscription.count({ where: { platform: 'discord' } })).toBe(2);

    const done = await shown(guildInteraction(2, slash('unsubscribe', [{ name: 'repo', value: 'https://github.com/acme/ui' }]), mod, MODERATOR_PERMISSIONS));
    expect(done.message.content).toContain('no longer follows the wishes of **acme/ui**');
    expect((await db.prisma.subscription.findMany({ where: { platform: 'discord' } })).map((s) => s.target)).toEqual(['repo:beta/api']);
    const again = await shown(guildInteraction(2, slash('unsubscribe', [{ name: 'repo', value: 'acme/ui' }]), mod, MODERATOR_PERMISSIONS));
    expect(again.ephemeral).toBe(true);
    expect(again.message.content).toContain('This channel does not follow wishes of acme/ui');
    expect(again.message.content).toContain('`/subscriptions`');
    expect((await h.post(dmInteraction(2, slash('subscriptions', []), user('ada')))).json.data.content).toContain('server channel');
  });
});

describe('/pledges and its Withdraw buttons', () => {
  it('shows one’s own pledges with status; Withdraw takes back the unpaid ones once; paid and funded are refused with the reason', async () => {
    const ada = user('ada');
    const s = h.services;
    // Two pledges to the big wish (one paid later), one that funds the small wish.
    for (const [id, amount] of [[WISH, '50'], [WISH, '20'], [SMALL, '10']] as const) await shown(guildInteraction(2, slash('pledge', [{ name: 'wish', value: id }, { name: 'amount', value: amount }]), ada));
    const mine = async (id: WishId) => (await s.wishes.get(id))!.pledges.filter((p) => p.pledger.id === ada.id);
    const [fifty] = await mine(WISH);
    await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, wishId: WISH, pledgeId: fifty!.id, provider: 'offline' });
    const [ten] = await mine(SMALL);
    await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, wishId: SMALL, pledgeId: ten!.id, provider: 'offline' });

    const list = await shown(guildInteraction(2, slash('pledges', []), ada));
    expect(list.ephemeral).toBe(true);
    const description = list.message.embeds[0].description;
    expect(description).toContain('€50.00 paid, €20.00 awaiting payment');
    expect(description).toContain('acme/ui#8');
    expect(description).toMatch(/\*\*\[acme\/ui#8\]\([^)]+\)\*\* .* — funded\n€10\.00 paid/);
    // One Withdraw button: the funded wish has none.
    const buttons = list.message.components.flatMap((r: { components: { custom_id: string; label: string }[] }) => r.components);
    expect(buttons.map((b: { custom_id: string; label: string }) => [b.custom_id, b.label])).toEqual([[encodeAction({ kind: 'withdraw', wishId: WISH }), 'Withdraw €20.00 from acme/ui#7']]);

    const click = guildInteraction(3, button(buttons[0].custom_id), ada);
    const withdrawn = await shown(click);
    expect(withdrawn.message.content).toContain('Your unpaid pledge of €20.00 to **acme/ui#7**');
    const replay = await h.post(click);
    expect(replay.json.data.content).toMatch(/already handled/);
    expect((await mine(WISH)).map((p) => [p.amount, p.status])).toEqual([[5000, 'paid'], [2000, 'refunded']]);
    expect(wishProgress((await s.wishes.get(WISH))!)).toMatchObject({ pledged: 5000, paid: 5000 });

    // Clicked again (a new interaction): only a paid pledge is left.
    const paid = await shown(guildInteraction(3, button(buttons[0].custom_id), ada));
    expect(paid.message.content).toContain('is paid, so it can no longer be withdrawn');
    const funded = await shown(guildInteraction(3, button(encodeAction({ kind: 'withdraw', wishId: SMALL })!), ada));
    expect(funded.message.content).toContain('already funded, so pledges to it can no longer be withdrawn');
    expect((await mine(SMALL)).map((p) => p.status)).toEqual(['paid']);
    // Someone else's click withdraws nothing of Ada's.
    const other = await shown(guildInteraction(3, button(buttons[0].custom_id), user('eve')));
    expect(other.message.content).toContain('You have no standing pledge to acme/ui#7');
    // A forged button is refused.
    expect((await h.post(guildInteraction(3, button('u1:w:not-a-wish'), ada))).json.data.content).toContain('not valid');

    const after = await shown(guildInteraction(2, slash('pledges', []), ada));
    expect(after.message.embeds[0].description).toContain('€50.00 paid, €20.00 withdrawn');
    expect(after.message.components).toEqual([]);
    expect((await shown(guildInteraction(2, slash('pledges', []), user('nobody')))).message.content).toContain('You have no pledges yet');
  });
});

describe('/unlink github', () => {
  it('forgets the link: pledges go back to the Discord name; pledges under the login stay; unlinking twice says so', async () => {
    const bo = user('bo');
    await h.services.identityLinks.savePending({ userRef: `discord:${bo.id}`, pendingLogin: 'bo-gh', codeHash: 'h-bo', expiresAt: new Date(Date.now() + 60_000) });
    await h.services.identityLinks.confirm({ userRef: `discord:${bo.id}`, codeHash: 'h-bo', githubLogin: 'bo-gh', at: new Date() });
    await shown(guildInteraction(2, slash('pledge', [{ name: 'wish', value: WISH }, { name: 'amount', value: '5' }]), bo));
    const linked = await shown(guildInteraction(2, slash('pledges', []), bo));
    expect(linked.message.embeds[0].description).toContain('€5.00 awaiting payment');

    const r = await shown(guildInteraction(2, subcommand('unlink', 'github', []), bo));
    expect(r.ephemeral).toBe(true);
    expect(r.message.content).toContain('no longer linked to GitHub **@bo-gh**');
    expect(await h.services.identityLinks.find(`discord:${bo.id}`)).toBeNull();
    await shown(guildInteraction(2, slash('pledge', [{ name: 'wish', value: WISH }, { name: 'amount', value: '6' }]), bo));
    const pledgers = (await h.services.wishes.get(WISH))!.pledges.slice(-2).map((p) => [p.pledger.source, p.pledger.id, p.amount]);
    expect(pledgers).toEqual([['github', 'bo-gh', 500], ['discord', bo.id, 600]]);

    const twice = await shown(guildInteraction(2, subcommand('unlink', 'github', []), bo));
    expect(twice.message.content).toContain('not linked to a GitHub login');
  });
});
