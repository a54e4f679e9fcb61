// The "Pledge" button of a wish notice (notices.ts): it opens a modal asking for the amount;
// the submission pledges through the core use-case under the Slack pledger, once per
// submission, and answers the person ephemerally in the channel with the payment link (or
// the offline label). A bad amount is refused in the form itself.
import type { App, types } from '@slack/bolt';
import { DomainError, isDomainError } from '../../core/errors.ts';
import { formatMoney, money, parseAmount } from '../../core/money.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import { acceptsPledges, fundingGap, parseWishId, wishProgress, type Wish } from '../../core/wishlist.ts';
import { once, type SlackContext } from './ack.ts';
import { renderError, renderInternalError } from './errors.ts';
import { NOTICE_PLEDGE_ACTION } from './notices.ts';
import { esc, type SlackReply } from './render.ts';
import { renderPledged } from './replies.ts';
import { actorOf } from './workspace.ts';

type ModalView = types.ModalView;

export const NOTICE_PLEDGE_CALLBACK = 'notice_pledge_modal';
export const AMOUNT_BLOCK = 'amount';
export const AMOUNT_ACTION = 'amount';

/** What the modal carries to its submission: the wish, and where to answer. */
interface Metadata {
  wishId: string;
  channel: string | null;
}

/** The amount modal of a wish: what it still needs, and one field. */
export function pledgeModal(wish: Wish, meta: Metadata, now: Date): ModalView {
  const { toGo, daysLeft } = fundingGap(wish, now);
  const p = wishProgress(wish);
  const m = (n: number) => formatMoney(money(n, wish.currency));
  const facts = wish.quote
    ? `${p.percent}% funded: ${m(p.paid)} of ${m(wish.quote.amount)}${toGo !== null ? ` · *${m(toGo)} to go*` : ''}${daysLeft !== null ? ` · ${daysLeft === 1 ? '1 day' : `${daysLeft} days`} left` : ''}`
    : 'Not quoted yet: pledges count once the maintainers quote it.';
  return {
    type: 'modal',
    callback_id: NOTICE_PLEDGE_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Pledge to a wish' },
    submit: { type: 'plain_text', text: 'Pledge' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${esc(wish.id)}* “${esc(wish.title)}”\n${facts}` } },
      {
        type: 'input',
        block_id: AMOUNT_BLOCK,
        label: { type: 'plain_text', text: `Amount (${wish.currency})` },
        element: { type: 'plain_text_input', action_id: AMOUNT_ACTION, placeholder: { type: 'plain_text', text: `e.g. 25 or 25.50 ${wish.currency}` }, max_length: 40 },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Only paid pledges count toward the quote; every pledge is refunded if the wish is not funded in time.' }] },
    ],
  };
}

const readMetadata = (raw: string | undefined): Metadata | null => {
  try {
    const m = JSON.parse(raw ?? '') as Partial<Metadata>;
    return typeof m.wishId === 'string' ? { wishId: m.wishId, channel: typeof m.channel === 'string' ? m.channel : null } : null;
  } catch {
    return null;
  }
};

type ActionBody = {
  trigger_id: string;
  team: { id: string } | null;
  enterprise?: { id: string } | null;
  user: { id: string; username?: string; name?: string; team_id?: string };
  channel?: { id: string };
  actions: { action_id: string; value?: string }[];
};

type ViewBody = {
  team: { id: string } | null;
  enterprise?: { id: string } | null;
  user: { id: string; username?: string; name?: string; team_id?: string };
  view: { id: string; private_metadata?: string; state: { values: Record<string, Record<string, { value?: string | null }>> } };
};

/** Registers the notice's "Pledge" button and its amount modal. */
export function registerNoticePledge(app: App, ctx: SlackContext): void {
  const { deps, log } = ctx;
  type Client = App['client'];
  /** An answer only the person sees: ephemeral in the notice's channel, else a direct message. */
  const tell = async (client: Client, token: string | undefined, user: string, channel: string | null, r: SlackReply) => {
    const message = { text: r.text, ...(r.blocks ? { blocks: r.blocks } : {}) };
    if (channel) await client.chat.postEphemeral({ token, channel, user, ...message });
    else await client.chat.postMessage({ token, channel: user, ...message });
  };

  app.action(NOTICE_PLEDGE_ACTION, async ({ ack, body, client, context }) => {
    await ack();
    const b = body as unknown as ActionBody;
    const channel = b.channel?.id ?? null;
    const id = parseWishId(b.actions.find((a) => a.action_id === NOTICE_PLEDGE_ACTION)?.value ?? '');
    try {
      if (!id.ok) throw id.error;
      const wish = await deps.wishes.get(id.value);
      if (!wish || !acceptsPledges(wish)) {
        await tell(client, context.botToken, b.user.id, channel, renderError(refusal(wish, id.value)));
        return;
      }
      await client.views.open({ token: context.botToken, trigger_id: b.trigger_id, view: pledgeModal(wish, { wishId: wish.id, channel }, deps.clock.now()) });
    } catch (e) {
      log.warn({ err: e }, 'notice pledge button failed');
      await tell(client, context.botToken, b.user.id, channel, isDomainError(e) ? renderError(e) : renderInternalError()).catch(() => {});
    }
  });

  app.view(NOTICE_PLEDGE_CALLBACK, async ({ ack, body, client, context }) => {
    const b = body as unknown as ViewBody;
    const meta = readMetadata(b.view.private_metadata);
    const id = meta ? parseWishId(meta.wishId) : null;
    const actor = actorOf(b.user.id, b.team?.id ?? b.user.team_id, b.enterprise?.id);
    if (!meta || !id?.ok || !actor) return ack({ response_action: 'errors', errors: { [AMOUNT_BLOCK]: 'This form is not valid any more; use the Pledge button of a newer notice.' } });
    const typed = b.view.state.values[AMOUNT_BLOCK]?.[AMOUNT_ACTION]?.value ?? '';
    const amount = parseAmount(typed, deps.currency);
    if (!amount.ok) return ack({ response_action: 'errors', errors: { [AMOUNT_BLOCK]: amount.error.userMessage.slice(0, 2000) } });
    // The modal closes at once; the pledge calls the payment provider, which may take longer than Slack waits.
    await ack();
    let answer: SlackReply;
    try {
      // A retried submission carries the same view and values: one pledge.
      const done = await once(deps, `notice-pledge:${b.view.id}:${deps.hashToken(typed)}`, 'view_submission', () =>
        placePledge({
          wishes: deps.wishes,
          gateway: deps.gateway,
          outbox: deps.outbox,
          clock: deps.clock,
          id: id.value,
          pledger: { source: 'slack', id: actor.userRef, display: b.user.username || b.user.name || actor.userRef },
          amount: amount.value,
          rateLimiter: deps.rateLimiter,
        }),
      );
      if (!done) return;
      answer = renderPledged({ wish: done.value.wish, amount: amount.value, checkoutUrl: done.value.checkoutUrl, offline: done.value.offline });
    } catch (e) {
      if (!isDomainError(e)) log.error({ err: e }, 'notice pledge failed');
      answer = isDomainError(e) ? renderError(e) : renderInternalError();
    }
    await tell(client, context.botToken, b.user.id, meta.channel, answer).catch((e: unknown) => log.warn({ err: e }, 'could not answer the pledge'));
  });
}

/** Why a notice's button cannot pledge: the wish is gone, or closed to pledges. */
function refusal(wish: Wish | null, id: string): DomainError {
  return wish
    ? new DomainError('wish_transition', `${wish.id} no longer accepts pledges (it is ${wish.status.replace('_', ' ')}).`, { wishId: wish.id, from: wish.status, action: 'pledge' })
    : new DomainError('wish_not_found', `There is no wish ${id} any more.`, { wishId: id });
}
