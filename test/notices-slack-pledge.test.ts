// The "Pledge" button of a Slack wish notice, through the real Bolt app: a signed block_actions
// click opens the amount modal (views.open on the fake Slack API), a signed view_submission
// pledges through the core use-case under the Slack pledger, and the person is answered
// ephemerally in the channel. State checked in PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotice } from '../bots/slack/notices.ts';
import { NOTICE_PLEDGE_CALLBACK } from '../bots/slack/notice-pledge.ts';
import { money } from '../core/money.ts';
import { fixedClock } from '../core/ports/clock.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { wishNotices } from '../core/wish-notices.ts';
import type { WishId } from '../core/wishlist.ts';
import { openTestDatabase, type TestDatabase } from './databases.ts';
import { startFakeSlackApi, startSlackTestApp, newTriggerId, type FakeSlackApi, type SlackTestApp } from './fakes/slack-api.ts';
import { optInToQuote } from './opt-in-support.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const WISH = 'acme/ui#7' as WishId;

let db: TestDatabase;
let fake: FakeSlackApi;
let t: SlackTestApp;

const click = (blocks: unknown[], user = 'U1') => {
  const actions = (blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!.elements!;
  return t.driver.interaction({
    type: 'block_actions',
    team: { id: 'T1', domain: 't1' },
    user: { id: user, username: 'ada', team_id: 'T1' },
    api_app_id: 'A0UPKEEP',
    token: 'unused',
    trigger_id: newTriggerId(),
    container: { type: 'message', message_ts: '1.2', channel_id: 'C1', is_ephemeral: false },
    channel: { id: 'C1', name: 'general' },
    message: { type: 'message', ts: '1.2', text: 'notice', blocks },
    actions: actions.map((a) => ({ type: 'button', action_id: a.action_id, block_id: 'b', value: a.value, action_ts: '1.3', text: { type: 'plain_text', text: 'Pledge' } })),
  });
};

const submit = (view: { id: string; private_metadata: string }, amount: string, user = 'U1') =>
  t.driver.interaction({
    type: 'view_submission',
    team: { id: 'T1', domain: 't1' },
    user: { id: user, username: 'ada', team_id: 'T1' },
    api_app_id: 'A0UPKEEP',
    token: 'unused',
    trigger_id: newTriggerId(),
    view: { id: view.id, team_id: 'T1', type: 'modal', callback_id: NOTICE_PLEDGE_CALLBACK, hash: 'h', private_metadata: view.private_metadata, state: { values: { amount: { amount: { type: 'plain_text_input', value: amount } } } }, blocks: [] },
    response_urls: [],
  });

beforeAll(async () => {
  db = await openTestDatabase('postgres');
  fake = await startFakeSlackApi();
  t = await startSlackTestApp({ db, fake, clock: fixedClock(NOW) });
  const s = t.services;
  await openWish({ wishes: s.wishes, outbox: s.outbox, gateway: s.gateway, clock: s.clock, id: WISH, currency: 'EUR', title: 'Dark mode', description: '', requester: 'carol' });
  await optInToQuote(s.repositories, 'acme/ui');
  await quoteWish({ wishes: s.wishes, outbox: s.outbox, clock: s.clock, repositories: s.repositories, id: WISH, amount: money(40_000, 'EUR'), delayDays: 14, by: 'maint', isMaintainer: true });
});

afterAll(async () => {
  await t?.close();
  await fake?.close();
  await db?.close();
});

describe('the Pledge button of a Slack notice', () => {
  it('opens the amount modal, pledges what is typed under the Slack user, and answers ephemerally with the offline label', async () => {
    const wish = (await t.services.wishes.get(WISH))!;
    const notice = wishNotices(wish, [{ type: 'quoted', wishId: WISH, at: NOW, quote: wish.quote!, notify: [] }])[0]!;
    const { blocks } = renderNotice(notice);
    fake.reset();
    const r = await click(blocks);
    expect(r.status).toBe(200);
    const opened = await fake.waitFor((c) => c.method === 'views.open');
    const view = opened.params.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(NOTICE_PLEDGE_CALLBACK);
    expect(JSON.parse(view.private_metadata)).toEqual({ wishId: WISH, channel: 'C1' });
    expect(JSON.stringify(view.blocks)).toContain('€400.00 to go');

    // A bad amount is refused in the form; nothing is recorded.
    const bad = await submit({ id: 'VPLEDGE', private_metadata: view.private_metadata }, 'lots');
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { amount: expect.stringMatching(/amount/i) } });
    expect((await t.services.wishes.get(WISH))!.pledges).toHaveLength(0);

    const ok = await submit({ id: 'VPLEDGE', private_metadata: view.private_metadata }, '25');
    expect(ok.status).toBe(200);
    const answer = await fake.waitFor((c) => c.method === 'chat.postEphemeral');
    expect(answer.params).toMatchObject({ channel: 'C1', user: 'U1' });
    expect(String(answer.params.text)).toBe('Pledged €25.00 to acme/ui#7.');
    expect(JSON.stringify(answer.params.blocks)).toContain('offline');
    // A retried submission (same view, same value) pledges nothing more.
    await submit({ id: 'VPLEDGE', private_metadata: view.private_metadata }, '25');
    const pledges = (await t.services.wishes.get(WISH))!.pledges;
    expect(pledges.map((p) => [p.pledger.source, p.pledger.id, p.amount, p.status])).toEqual([['slack', 'slack:U1', 2_500, 'committed']]);
  });

  it('says so ephemerally when the wish no longer takes pledges', async () => {
    const wish = (await t.services.wishes.get(WISH))!;
    const { blocks } = renderNotice(wishNotices(wish, [{ type: 'quoted', wishId: WISH, at: NOW, quote: wish.quote!, notify: [] }])[0]!);
    await db.prisma.$executeRawUnsafe(`UPDATE wish SET state = jsonb_set(state, '{status}', '"funded"') WHERE id = $1`, WISH);
    fake.reset();
    await click(blocks, 'U2');
    const answer = await fake.waitFor((c) => c.method === 'chat.postEphemeral');
    expect(answer.params).toMatchObject({ channel: 'C1', user: 'U2' });
    expect(String(answer.params.text)).toMatch(/no longer accepts pledges/);
    expect(fake.of('views.open')).toHaveLength(0);
  });
});
