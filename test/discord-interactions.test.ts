// The Discord app end to end: signed interactions in Discord's payload shapes, POSTed to the
// running server (createHttpApp with the Discord mount), against a recording fake Discord
// REST API on 127.0.0.1 and a real PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../edge/logger.ts';
import { encodeAction } from '../bots/discord/custom-ids.ts';
import { money } from '../core/money.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import type { Wish, WishId } from '../core/wishlist.ts';
import { discordDeliverer } from '../bots/discord/deliverer.ts';
import { deliverNotification } from '../worker/notifications.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from './databases.ts';
import { optInToQuote } from './opt-in-support.ts';
import { eventually } from './worker-support.ts';
import {
  BOT_TOKEN,
  CHANNEL_ID,
  MODERATOR_PERMISSIONS,
  button,
  dmInteraction,
  ed25519,
  guildInteraction,
  modalSubmit,
  signHeaders,
  slash,
  startHarness,
  user,
  type Harness,
} from './discord-support.ts';

const WISH = 'acme/ui#7' as WishId;
const OPEN_WISH = 'acme/ui#8' as WishId;
const OTHER_REPO_WISH = 'beta/api#3' as WishId;

let db: TestDatabase;
let h: Harness;

async function wish(id: WishId): Promise<Wish> {
  return (await h.services.wishes.get(id))!;
}

const pledgesBy = async (id: WishId, discordUserId: string) => (await wish(id)).pledges.filter((p) => p.pledger.source === 'discord' && p.pledger.id === discordUserId);

describe.each(BACKENDS)('on %s', (backend) => {
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    h = await startHarness(db);
    const s = h.services;
    const base = { wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', description: 'Dark mode for every component.' };
    await openWish({ ...base, id: WISH, title: 'Dark mode', requester: 'carol' });
    await optInToQuote(s.repositories, 'acme/ui');
    await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock: s.clock, id: WISH, amount: money(40_000, 'EUR'), delayDays: 14, by: 'maria', isMaintainer: true });
    await openWish({ ...base, id: OPEN_WISH, title: 'Keyboard shortcuts', requester: 'dave' });
    await openWish({ ...base, id: OTHER_REPO_WISH, title: 'Rate limits', requester: 'erin' });
  });

  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  describe('signature verification', () => {
    it('answers a signed PING with PONG', async () => {
      const res = await h.post({ application_id: '1300000000000000001', id: '1310000000000000999', token: 'x', type: 1, version: 1, user: { id: '1', username: 'discord', global_name: null } });
      expect(res).toEqual({ status: 200, json: { type: 1 } });
    });

    it.each([
      ['no signature headers', () => ({})],
      ['a signature of another body', (body: string) => signHeaders(h.keys.privateKey, `${body} `)],
      ['another timestamp than the signed one', (body: string) => ({ ...signHeaders(h.keys.privateKey, body, '1700000000'), 'x-signature-timestamp': '1700000001' })],
      ['a signature by another key', (body: string) => signHeaders(ed25519().privateKey, body)],
      ['a malformed signature', () => ({ 'x-signature-ed25519': 'zz', 'x-signature-timestamp': '1700000000' })],
    ])('refuses %s with 401', async (_label, headers) => {
      const body = JSON.stringify({ application_id: '1300000000000000001', id: '1', token: 'x', type: 1, version: 1 });
      const res = await h.post(body, (headers as (b: string) => Record<string, string>)(body));
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('invalid_signature');
    });

    it('refuses an oversized body with 413 before reading it as an interaction', async () => {
      const body = JSON.stringify({ application_id: '1300000000000000001', id: '1', token: 'x', type: 1, version: 1, padding: 'x'.repeat(300 * 1024) });
      const res = await h.post(body, signHeaders(h.keys.privateKey, body));
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('payload_too_large');
    });

    it('refuses a signed request that is not an interaction with 400, not 500', async () => {
      for (const body of ['null', '"x"', '123', '{"type":2}', 'not json']) {
        const res = await h.post(body, signHeaders(h.keys.privateKey, body));
        expect(res.status).toBe(400);
      }
    });
  });

  describe('/wish and /wishlist', () => {
    it('shows a wish card: state, quote, progress bar, pledgers, deadline, pledge buttons', async () => {
      const i = guildInteraction(2, slash('wish', [{ name: 'id', value: 'https://github.com/Acme/UI/issues/7' }]), user('ada'));
      const res = await h.post(i);
      expect(res.status).toBe(200);
      const { ephemeral, message } = await h.finalMessage(i, res);
      expect(ephemeral).toBe(false);
      const embed = message.embeds[0];
      expect(embed.author.name).toBe(WISH);
      expect(embed.title).toBe('Dark mode');
      expect(embed.url).toBe('https://github.com/acme/ui/issues/7');
      const field = (name: string) => embed.fields.find((f: any) => f.name === name)?.value as string;
      expect(field('State')).toMatch(/Quoted/);
      expect(field('Quote')).toContain('€400.00');
      expect(field('Quote')).toContain('14 days');
      expect(field('Progress')).toContain('░░░░░░░░░░ 0%');
      expect(field('Pledgers')).toBe('0');
      expect(field('Deadline')).toMatch(/^<t:\d+:D>/);
      expect(embed.footer.text).toMatch(/Offline payments/);
      const ids = message.components[0].components.map((b: any) => b.custom_id);
      expect(ids).toEqual(['u1:p:500:acme/ui#7', 'u1:p:2000:acme/ui#7', 'u1:p:5000:acme/ui#7', 'u1:p:40000:acme/ui#7', 'u1:o:acme/ui#7']);
      expect(message.components[0].components.map((b: any) => b.label)).toEqual(['Pledge €5', 'Pledge €20', 'Pledge €50', 'Fund the rest: €400', 'Other amount…']);
    });

    it('refuses a malformed wish id ephemerally, with the expected form', async () => {
      const i = guildInteraction(2, slash('wish', [{ name: 'id', value: 'acme ui 7' }]), user('ada'));
      const res = await h.post(i);
      expect(res.json.type).toBe(4);
      expect(res.json.data.flags).toBe(64);
      expect(res.json.data.content).toContain('owner/repo#7');
    });

    it('says so, ephemerally, when the issue is not a wish', async () => {
      // `/wish` always defers (its card is remembered to be edited later): a refusal replaces the
      // public "thinking" with an ephemeral follow-up.
      const i = guildInteraction(2, slash('wish', [{ name: 'id', value: 'acme/ui#99' }]), user('ada'));
      expect((await h.post(i)).json).toEqual({ type: 5, data: {} });
      const followUp = await h.fake.waitFor((c) => c.method === 'POST' && c.path === `/webhooks/${i.application_id}/${i.token}`);
      expect(followUp.body.flags).toBe(64);
      expect(followUp.body.content).toContain('There is no wish for acme/ui#99');
    });

    it('lists a repository wishlist', async () => {
      const i = guildInteraction(2, slash('wishlist', [{ name: 'repo', value: 'acme/ui' }]), user('ada'));
      const { message } = await h.finalMessage(i, await h.post(i));
      const text = message.embeds[0].description as string;
      expect(message.embeds[0].title).toBe('Wishlist of acme/ui');
      expect(text).toContain('Dark mode');
      expect(text).toContain('0% of €400.00');
      expect(text).toContain('Keyboard shortcuts');
      expect(text).not.toContain('Rate limits');
    });
  });

  describe('autocomplete', () => {
    it('suggests wish ids matching what was typed', async () => {
      const i = guildInteraction(4, slash('pledge', [{ name: 'wish', value: 'acme', focused: true }, { name: 'amount', value: '' }]), user('ada'));
      const res = await h.post(i);
      expect(res.json.type).toBe(8);
      const values = res.json.data.choices.map((c: any) => c.value);
      expect(values).toEqual(expect.arrayContaining([WISH, OPEN_WISH]));
      expect(values).not.toContain(OTHER_REPO_WISH);
      expect(res.json.data.choices.every((c: any) => c.name.length <= 100)).toBe(true);
    });

    it('suggests from a pasted issue URL, and matches typed text literally (no SQL wildcards)', async () => {
      const pasted = guildInteraction(4, slash('wish', [{ name: 'id', value: 'https://github.com/Acme/UI/issues/7', focused: true }]), user('ada'));
      expect((await h.post(pasted)).json.data.choices.map((c: any) => c.value)).toEqual([WISH]);
      const wildcard = guildInteraction(4, slash('wish', [{ name: 'id', value: '%', focused: true }]), user('ada'));
      expect((await h.post(wildcard)).json.data.choices).toEqual([]);
    });

    it('suggests repositories that have wishes', async () => {
      const i = guildInteraction(4, slash('wishlist', [{ name: 'repo', value: 'be', focused: true }]), user('ada'));
      const res = await h.post(i);
      expect(res.json.data.choices).toEqual([{ name: 'beta/api (1 wish)', value: 'beta/api' }]);
    });
  });

  describe('/pledge', () => {
    it('defers ephemerally, pledges through the payments port and follows up (offline mode, labelled)', async () => {
      const ada = user('ada');
      const i = guildInteraction(2, slash('pledge', [{ name: 'wish', value: WISH }, { name: 'amount', value: '20.50' }]), ada);
      const res = await h.post(i);
      expect(res.json).toEqual({ type: 5, data: { flags: 64 } });
      const edit = await h.fake.editOf(String(i.token));
      expect(edit.path).toBe(`/webhooks/${i.application_id}/${i.token}/messages/@original`);
      expect(edit.authorization).toBeNull();
      expect(edit.body.content).toContain('€20.50');
      expect(edit.body.content).toContain('Offline mode');
      const pledges = await pledgesBy(WISH, ada.id);
      expect(pledges.map((p) => [p.amount, p.status, p.pledger.display])).toEqual([[2050, 'committed', 'Ada']]);
      const payment = await db.prisma.payment.findMany({ where: { pledgeId: pledges[0]!.id } });
      expect(payment.map((p) => [p.provider, p.kind, Number(p.amount)])).toEqual([['offline', 'pledge', 2050]]);
      expect(await db.prisma.inboundEvent.count({ where: { source: 'discord', externalId: String(i.id) } })).toBe(1);
    });

    it('a replayed interaction has no second effect', async () => {
      const bo = user('bo');
      const i = guildInteraction(2, slash('pledge', [{ name: 'wish', value: WISH }, { name: 'amount', value: '10' }]), bo);
      const body = JSON.stringify(i);
      const headers = signHeaders(h.keys.privateKey, body);
      expect((await h.post(body, headers)).json.type).toBe(5);
      await h.fake.editOf(String(i.token));
      const again = await h.post(body, headers);
      expect(again.status).toBe(200);
      expect(again.json.type).toBe(4);
      expect(again.json.data.flags).toBe(64);
      expect(again.json.data.content).toMatch(/already handled/);
      expect((await pledgesBy(WISH, bo.id)).length).toBe(1);
      expect(h.fake.callsTo(new RegExp(`/${String(i.token)}/messages/@original$`)).length).toBe(1);
    });

    it.each([
      ['-5', 'negative'],
      ['0', 'more than zero'],
      ['20 USD', 'Amounts are in EUR'],
      ['lots', 'not an amount'],
    ])('refuses the amount %s ephemerally, at once, with nothing recorded', async (amount, message) => {
      const cy = user('cy');
      const i = guildInteraction(2, slash('pledge', [{ name: 'wish', value: WISH }, { name: 'amount', value: amount }]), cy);
      const res = await h.post(i);
      expect(res.json.type).toBe(4);
      expect(res.json.data.flags).toBe(64);
      expect(res.json.data.content).toContain(message);
      expect(await pledgesBy(WISH, cy.id)).toEqual([]);
    });

    it('refuses a pledge to an unknown wish in the follow-up, ephemerally', async () => {
      const i = guildInteraction(2, slash('pledge', [{ name: 'wish', value: 'acme/ui#404' }, { name: 'amount', value: '5' }]), user('dee'));
      const { ephemeral, message } = await h.finalMessage(i, await h.post(i));
      expect(ephemeral).toBe(true);
      expect(message.content).toContain('There is no wish for acme/ui#404');
    });
  });

  describe('wish card buttons and the amount modal', () => {
    it('a preset button pledges its amount (state in custom_id, no server memory)', async () => {
      const eve = user('eve');
      const i = guildInteraction(3, button('u1:p:2000:acme/ui#7'), eve, undefined, { message: { id: '1', channel_id: CHANNEL_ID, components: [] } });
      const res = await h.post(i);
      expect(res.json).toEqual({ type: 5, data: { flags: 64 } });
      const edit = await h.fake.editOf(String(i.token));
      expect(edit.body.content).toContain('€20.00');
      expect((await pledgesBy(WISH, eve.id)).map((p) => p.amount)).toEqual([2000]);
    });

    it.each([
      ['malformed', 'hello'],
      ['an amount of zero', 'u1:p:0:acme/ui#7'],
      ['a non-numeric amount', 'u1:p:abc:acme/ui#7'],
      ['a negative amount', 'u1:p:-500:acme/ui#7'],
      ['an absurd amount', 'u1:p:999999999999999:acme/ui#7'],
      ['an amount with leading zeros', 'u1:p:02000:acme/ui#7'],
      ['a non-canonical wish id', 'u1:p:2000:ACME/ui#7'],
      ['a bad wish id', 'u1:p:2000:acme#7'],
      ['a modal id on a button', 'u1:m:acme/ui#7'],
      ['an unknown version', 'u2:p:2000:acme/ui#7'],
    ])('refuses a forged custom_id with %s, ephemerally, recording nothing', async (_label, customId) => {
      const mallory = user('mallory');
      const i = guildInteraction(3, button(customId), mallory);
      const res = await h.post(i);
      expect(res.status).toBe(200);
      expect(res.json.type).toBe(4);
      expect(res.json.data.flags).toBe(64);
      expect(res.json.data.content).toMatch(/not valid/);
      expect((await wish(WISH)).pledges.some((p) => p.pledger.id === mallory.id)).toBe(false);
    });

    it('refuses a forged custom_id naming an unknown wish, ephemerally', async () => {
      const mallory = user('mallory');
      const i = guildInteraction(3, button('u1:p:2000:nobody/nothing#1'), mallory);
      const { ephemeral, message } = await h.finalMessage(i, await h.post(i));
      expect(ephemeral).toBe(true);
      expect(message.content).toContain('There is no wish for nobody/nothing#1');
      expect(await db.prisma.wish.count({ where: { id: 'nobody/nothing#1' } })).toBe(0);

      const other = guildInteraction(3, button('u1:o:nobody/nothing#1'), mallory);
      const res = await h.post(other);
      expect(res.json.type).toBe(4);
      expect(res.json.data.flags).toBe(64);
    });

    it('"Other amount" opens a modal; its submission pledges the typed amount', async () => {
      const fay = user('fay');
      const click = guildInteraction(3, button(encodeAction({ kind: 'pledge_other', wishId: OPEN_WISH })!), fay);
      const res = await h.post(click);
      expect(res.json.type).toBe(9);
      expect(res.json.data.custom_id).toBe('u1:m:acme/ui#8');
      expect(res.json.data.components[0].components[0]).toMatchObject({ type: 4, custom_id: 'amount', required: true });

      const submit = guildInteraction(5, modalSubmit('u1:m:acme/ui#8', '1.234,50 EUR'), fay);
      const done = await h.post(submit);
      expect(done.json).toEqual({ type: 5, data: { flags: 64 } });
      expect((await h.fake.editOf(String(submit.token))).body.content).toContain('€1,234.50');
      expect((await pledgesBy(OPEN_WISH, fay.id)).map((p) => p.amount)).toEqual([123_450]);
    });

    it('refuses a bad modal amount and a forged modal id, ephemerally', async () => {
      const gus = user('gus');
      const bad = await h.post(guildInteraction(5, modalSubmit('u1:m:acme/ui#8', 'ten euros'), gus));
      expect(bad.json.type).toBe(4);
      expect(bad.json.data.flags).toBe(64);
      expect(bad.json.data.content).toContain('not an amount');
      const forged = await h.post(guildInteraction(5, modalSubmit('u1:p:100:acme/ui#8', '10'), gus));
      expect(forged.json.data.content).toMatch(/not valid/);
      expect(await pledgesBy(OPEN_WISH, gus.id)).toEqual([]);
    });
  });

  describe('/subscribe and progress messages in the channel', () => {
    it('requires Manage Channels', async () => {
      const res = await h.post(guildInteraction(2, slash('subscribe', [{ name: 'repo', value: 'acme/ui' }]), user('hal')));
      expect(res.json.type).toBe(4);
      expect(res.json.data.flags).toBe(64);
      expect(res.json.data.content).toContain('Manage Channels');
      expect(await db.prisma.subscription.count()).toBe(0);
    });

    it('is refused in a DM', async () => {
      const res = await h.post(dmInteraction(2, slash('subscribe', [{ name: 'repo', value: 'acme/ui' }]), user('hal')));
      expect(res.json.data.flags).toBe(64);
      expect(await db.prisma.subscription.count()).toBe(0);
    });

    it('a replayed /subscribe does nothing a second time', async () => {
      const mod = user('mod');
      const i = guildInteraction(2, slash('subscribe', [{ name: 'repo', value: 'beta/api' }]), mod, MODERATOR_PERMISSIONS);
      const body = JSON.stringify(i);
      const headers = signHeaders(h.keys.privateKey, body);
      expect((await h.finalMessage(i, await h.post(body, headers))).message.content).toContain('now follows the wishes of **beta/api**');
      const again = await h.post(body, headers);
      expect(again.json.type).toBe(4);
      expect(again.json.data.content).toMatch(/already handled/);
      expect(await db.prisma.subscription.count({ where: { target: 'repo:beta/api' } })).toBe(1);
      await db.prisma.subscription.deleteMany({ where: { target: 'repo:beta/api' } });
    });

    it('subscribes the channel; progress milestones reach it once each', async () => {
      const mod = user('mod');
      const i = guildInteraction(2, slash('subscribe', [{ name: 'repo', value: 'github.com/acme/ui' }]), mod, MODERATOR_PERMISSIONS);
      const { message } = await h.finalMessage(i, await h.post(i));
      expect(message.content).toContain('now follows the wishes of **acme/ui**');
      expect(await db.prisma.subscription.findMany({ select: { platform: true, channel: true, target: true, createdBy: true } })).toEqual([
        { platform: 'discord', channel: CHANNEL_ID, target: 'repo:acme/ui', createdBy: `discord:${mod.id}` },
      ]);
      const again = guildInteraction(2, slash('subscribe', [{ name: 'repo', value: 'acme/ui' }]), mod, MODERATOR_PERMISSIONS);
      expect((await h.finalMessage(again, await h.post(again))).message.content).toContain('already follows');
      expect(await db.prisma.subscription.count()).toBe(1);

      // A community member pledges €100 of the €400 quote with the button; the operator settles it.
      const ivy = user('ivy');
      const pledge = guildInteraction(3, button('u1:p:10000:acme/ui#7'), ivy);
      await h.post(pledge);
      await h.fake.editOf(String(pledge.token));
      const [p] = await pledgesBy(WISH, ivy.id);
      const s = h.services;
      const pay = () => confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, wishId: WISH, pledgeId: p!.id, provider: 'offline' });
      await pay();
      await pay(); // a second confirmation (webhook redelivery) announces nothing new

      const followerRows = () => db.prisma.notification.findMany({ where: { platform: 'discord', destination: CHANNEL_ID }, orderBy: { id: 'asc' } });
      const rows = await followerRows();
      expect(rows.map((r) => [r.key, r.destination])).toEqual([[`wish:${WISH}:progress:25|discord:${CHANNEL_ID}`, CHANNEL_ID]]);
      const deliverers = { discord: discordDeliverer({ wishes: s.wishes, wishMessages: s.wishMessages, threads: s.threads, gateway: s.gateway, publicUrl: 'http://upkeep.test', settings: { apiUrl: h.fake.url, botToken: BOT_TOKEN } }) };
      const deliverPending = async (attempt = 1) => {
        for (const r of await db.prisma.notification.findMany({ where: { platform: 'discord', status: 'pending' }, orderBy: { id: 'asc' } }))
          await deliverNotification({ notifications: s.notifications, id: String(r.id), deliverers, log: createLogger('silent'), attempt });
      };
      await deliverPending(1);
      for (const r of rows) await deliverNotification({ notifications: s.notifications, id: String(r.id), deliverers, log: createLogger('silent'), attempt: 2 });
      const posted = h.fake.channelMessages.get(CHANNEL_ID) ?? [];
      expect(posted).toHaveLength(1);
      expect(posted[0]!.content).toContain('25% funded: €100.00 of €400.00 raised, €300.00 to go');
      expect(posted[0]!.content).toMatch(/\d+ days left/);
      const progress = (m: any) => m.embeds[0].fields.find((f: any) => f.name === 'Progress').value as string;
      expect(progress(posted[0]!)).toContain('██░░░░░░░░ 25%');
      expect(progress(posted[0]!)).toContain('€300.00 to go');
      // The notice is the wish's card: pledge buttons (custom ids hold wish and amount), "Fund the rest" from what is paid, links.
      const [pledging, links] = posted[0]!.components;
      expect(pledging.components.map((b: any) => [b.label, b.custom_id])).toEqual([
        ['Pledge €5', 'u1:p:500:acme/ui#7'],
        ['Pledge €20', 'u1:p:2000:acme/ui#7'],
        ['Pledge €50', 'u1:p:5000:acme/ui#7'],
        ['Fund the rest: €300', 'u1:p:30000:acme/ui#7'],
        ['Other amount…', 'u1:o:acme/ui#7'],
      ]);
      expect(links.components.map((b: any) => [b.label, b.url])).toEqual([
        ['Issue on GitHub', 'https://github.com/acme/ui/issues/7'],
        ['Share page', 'http://upkeep.test/wishes/acme/ui/7'],
      ]);
      const call = h.fake.callsTo(/^\/channels\/\d+\/messages$/, 'POST')[0]!;
      expect(call.authorization).toBe('Bot test-bot-token');
      expect(call.body.allowed_mentions).toEqual({ parse: [] });
      expect(await s.wishMessages.list(WISH, 'discord_card')).toEqual([expect.objectContaining({ channel: CHANNEL_ID, messageId: posted[0]!.id })]);

      // Another member funds the rest (€300) in one payment: one notice ("funded", no 50/75/100 %),
      // and the card posted earlier is edited in place (PATCH), not posted again.
      const jo = user('jo');
      const rest = guildInteraction(3, button('u1:p:30000:acme/ui#7'), jo);
      await h.post(rest);
      await h.fake.editOf(String(rest.token));
      const [q] = await pledgesBy(WISH, jo.id);
      const payRest = () => confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock: s.clock, wishId: WISH, pledgeId: q!.id, provider: 'offline' });
      await payRest();
      await payRest();
      expect((await followerRows()).map((r) => r.key.split('|')[0])).toEqual([`wish:${WISH}:progress:25`, `wish:${WISH}:funded`]);
      await deliverPending(1);
      const messages = h.fake.channelMessages.get(CHANNEL_ID)!;
      expect(messages).toHaveLength(2);
      expect(messages[1]!.content).toContain('is funded: €400.00 of €400.00 raised, €0.00 to go');
      expect(messages[1]!.embeds[0].title).toBe('Dark mode');
      const edits = h.fake.callsTo(new RegExp(`^/channels/${CHANNEL_ID}/messages/${messages[0]!.id}$`), 'PATCH');
      expect(edits.length).toBeGreaterThan(0);
      // The first card now shows the wish as it is: funded, no pledge buttons, the links kept; its line (what it announced) stays.
      expect(messages[0]!.content).toContain('25% funded');
      expect(messages[0]!.embeds[0].fields[0]).toMatchObject({ name: 'State', value: 'Funded — waiting for the maintainers to start' });
      expect(messages[0]!.components.map((r: any) => r.components.map((b: any) => b.label))).toEqual([['Issue on GitHub', 'Share page']]);
      expect(h.fake.callsTo(/^\/channels\/\d+\/messages$/, 'POST')).toHaveLength(2);
    });
  });
});

describe('with Stripe configured', () => {
  it('a pledge answers with the Checkout link (ephemeral), and the card has no offline label', async () => {
    const { startFakeStripe } = await import('./fakes/stripe-api.ts');
    const stripe = await startFakeStripe();
    const sdb = await openTestDatabase('postgres');
    const sh = await startHarness(sdb, { STRIPE_SECRET_KEY: 'sk_test_upkeep', STRIPE_WEBHOOK_SECRET: 'whsec_test', STRIPE_API_URL: stripe.url });
    try {
      const s = sh.services;
      await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', id: WISH, title: 'Dark mode', description: '', requester: 'carol' });
      const card = guildInteraction(2, slash('wish', [{ name: 'id', value: WISH }]), user('ada'));
      const shown = await sh.finalMessage(card, await sh.post(card));
      expect(shown.message.embeds[0].footer).toBeUndefined();

      const i = guildInteraction(3, button('u1:p:2000:acme/ui#7'), user('ada'));
      const res = await sh.post(i);
      expect(res.json).toEqual({ type: 5, data: { flags: 64 } });
      const edit = await sh.fake.editOf(String(i.token));
      const link = edit.body.components[0].components[0];
      expect(link).toMatchObject({ type: 2, style: 5, label: 'Pay €20.00' });
      expect(link.url).toMatch(/^https?:\/\//);
      expect(edit.body.content).toContain(link.url);
      expect(edit.body.content).not.toContain('Offline');
      expect(stripe.calls.filter((c) => c.path === '/v1/checkout/sessions' && c.method === 'POST')).toHaveLength(1);
    } finally {
      await sh.close();
      await sdb.close();
      await stripe.stop();
    }
  });
});

describe('deferred replies (work slower than the inline budget)', () => {
  it('defers publicly, then edits in the card; a refusal replaces the public "thinking" with an ephemeral follow-up', async () => {
    const ddb = await openTestDatabase('pglite');
    const dh = await startHarness(ddb, {}, { inlineMs: 0 });
    try {
      const s = dh.services;
      await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', id: WISH, title: 'Dark mode', description: '', requester: 'carol' });
      const card = guildInteraction(2, slash('wish', [{ name: 'id', value: WISH }]), user('ada'));
      const res = await dh.post(card);
      expect(res.json).toEqual({ type: 5, data: {} });
      const edit = await dh.fake.editOf(String(card.token));
      expect(edit.body.embeds[0].author.name).toBe(WISH);
      expect(edit.body.components[0].components.at(-1).custom_id).toBe('u1:o:acme/ui#7');

      const missing = guildInteraction(2, slash('wish', [{ name: 'id', value: 'acme/ui#404' }]), user('ada'));
      expect((await dh.post(missing)).json).toEqual({ type: 5, data: {} });
      const followUp = await dh.fake.waitFor((c) => c.method === 'POST' && c.path === `/webhooks/${missing.application_id}/${missing.token}`);
      expect(followUp.body.flags).toBe(64);
      expect(followUp.body.content).toContain('There is no wish for acme/ui#404');
      const order = dh.fake.calls.filter((c) => c.path.includes(String(missing.token))).map((c) => c.method);
      expect(order).toEqual(['DELETE', 'POST']);
    } finally {
      await dh.close();
      await ddb.close();
    }
  });
});

describe('a /wish card', () => {
  it('is remembered and edited in place through the channel when its wish changes later', async () => {
    const ddb = await openTestDatabase('pglite');
    const dh = await startHarness(ddb);
    try {
      const s = dh.services;
      await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, currency: 'EUR', id: WISH, title: 'Dark mode', description: '', requester: 'carol' });
      await optInToQuote(s.repositories, 'acme/ui');
      const card = guildInteraction(2, slash('wish', [{ name: 'id', value: WISH }]), user('ada'));
      dh.fake.interactionChannels.set(String(card.token), CHANNEL_ID);
      const res = await dh.post(card);
      expect(res.json.type).toBe(5); // deferred, so the card's message is known
      const edit = await dh.fake.editOf(String(card.token));
      expect(edit.body.components.at(-1).components.map((b: any) => b.label)).toEqual(['Issue on GitHub', 'Share page']);
      const [original] = dh.fake.channelMessages.get(CHANNEL_ID) ?? [];
      await eventually(async () => (await s.wishMessages.list(WISH, 'discord_card')).length === 1, 5_000, 'the card remembered');
      expect(await s.wishMessages.list(WISH, 'discord_card')).toEqual([expect.objectContaining({ channel: CHANNEL_ID, messageId: original!.id })]);

      // The wish is quoted later (long after the interaction's token has expired): the card is
      // edited through the channel endpoint, and nothing new is posted.
      await quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock: s.clock, id: WISH, amount: money(40_000, 'EUR'), delayDays: 14, by: 'maria', isMaintainer: true });
      const deliverers = { discord: discordDeliverer({ wishes: s.wishes, wishMessages: s.wishMessages, threads: s.threads, gateway: s.gateway, publicUrl: 'http://upkeep.test', settings: { apiUrl: dh.fake.url, botToken: BOT_TOKEN } }) };
      for (const r of await ddb.prisma.notification.findMany({ where: { platform: 'discord', status: 'pending' }, orderBy: { id: 'asc' } }))
        await deliverNotification({ notifications: s.notifications, id: String(r.id), deliverers, log: createLogger('silent'), attempt: 1 });
      const edits = dh.fake.callsTo(new RegExp(`^/channels/${CHANNEL_ID}/messages/${original!.id}$`), 'PATCH');
      expect(edits).toHaveLength(1);
      expect(original!.embeds[0].fields.find((f: any) => f.name === 'Quote').value).toContain('€400.00');
      expect(dh.fake.callsTo(/^\/channels\/\d+\/messages$/, 'POST')).toHaveLength(0);
    } finally {
      await dh.close();
      await ddb.close();
    }
  });
});
