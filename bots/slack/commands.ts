// `/upkeep <text>`: the core grammar parses the text, one use-case runs, a renderer answers.
// The company is always the verified team (and enterprise) of the request.
import { randomBytes } from 'node:crypto';
import type { App } from '@slack/bolt';
import { parseCompanyCommand, type CompanyCommand } from '../../core/commands.ts';
import { isDomainError } from '../../core/errors.ts';
import { parseWishId, type WishId } from '../../core/wishlist.ts';
import type { Actor } from '../../core/ports/companies.ts';
import { addDependencies } from '../../core/use-cases/add-dependencies.ts';
import { declareOwned } from '../../core/use-cases/declare-owned.ts';
import { getHistory } from '../../core/use-cases/get-history.ts';
import { getReceipt, receiptPeriods } from '../../core/use-cases/get-receipt.ts';
import { getStatus } from '../../core/use-cases/get-status.ts';
import { budgetSetupLink } from '../../core/use-cases/payments/budget-setup-link.ts';
import { getBilling } from '../../core/use-cases/payments/get-billing.ts';
import { grantAdmin } from '../../core/use-cases/grant-admin.ts';
import { issueToken } from '../../core/use-cases/issue-token.ts';
import { listDependencies } from '../../core/use-cases/list-dependencies.ts';
import { removeDependencies } from '../../core/use-cases/remove-dependencies.ts';
import { requireCompany } from '../../core/use-cases/require-company.ts';
import { setAllocation } from '../../core/use-cases/set-allocation.ts';
import { setBudget } from '../../core/use-cases/set-budget.ts';
import { setVisibility } from '../../core/use-cases/set-visibility.ts';
import { setupCompany } from '../../core/use-cases/setup-company.ts';
import { listSubscriptions } from '../../core/use-cases/list-subscriptions.ts';
import { subscribeChannel } from '../../core/use-cases/subscribe-channel.ts';
import { targetName, unsubscribeChannel } from '../../core/use-cases/unsubscribe-channel.ts';
import { myPledges } from '../../core/use-cases/wishes/my-pledges.ts';
import { withdrawPledge } from '../../core/use-cases/wishes/withdraw-pledge.ts';
import { listWishes } from '../../core/use-cases/wishes/list-wishes.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import { answer, once, type SlackContext } from './ack.ts';
import { billingBlocks, budgetNeedsCard, renderBilling } from './billing.ts';
import { downloadUrl } from './downloads.ts';
import { renderError, renderInternalError } from './errors.ts';
import { openAllocation, openImport } from './forms.ts';
import { renderAllocationSaved, renderDependencies, renderHelp, renderHistory, renderReceipt, renderStatus, renderWishes, reply, type SlackReply } from './render.ts';
import {
  renderAdminGranted,
  renderBudgetSet,
  renderDependenciesAdded,
  renderDependenciesRemoved,
  renderExport,
  renderMyPledges,
  renderNothingToExport,
  renderPledgeWithdrawn,
  renderOwned,
  renderPledged,
  renderSetupDone,
  renderSubscribed,
  renderSubscriptions,
  renderToken,
  renderUnsubscribed,
  WITHDRAW_PLEDGE_ACTION,
  renderVisibility,
} from './replies.ts';
import { actorOf, channelRef } from './workspace.ts';
import { SLASH_COMMAND } from './body-shape.ts';

/** One slash command's request, as the handlers need it. */
export interface CommandRequest {
  actor: Actor;
  teamId: string;
  channelId: string;
  userName: string;
  triggerId: string;
  token: string | undefined;
  client: App['client'];
}

/** Runs one parsed command; null when a modal was opened instead of a reply. */
export async function runCommand({ deps }: SlackContext, cmd: CompanyCommand, req: CommandRequest): Promise<SlackReply | null> {
  const { actor } = req;
  const { companies, packages, clock, ledger } = deps;
  const linkFor = (companyId: string, period: string) => downloadUrl(deps.publicUrl, deps.settings.signingSecret, companyId, period, clock.now());
  switch (cmd.type) {
    case 'help':
      return renderHelp(cmd.topic);
    case 'setup': {
      const { company } = await setupCompany({ companies, actor, name: cmd.name, currency: deps.currency });
      return renderSetupDone(company.name);
    }
    case 'budget': {
      const r = await setBudget({ companies, actor, amount: cmd.amount });
      const company = await requireCompany({ companies, actor });
      return renderBudgetSet(r, budgetNeedsCard(await getBilling({ payments: deps.payments, gateway: deps.gateway, clock, companyId: company.id })));
    }
    case 'deps_add':
      return renderDependenciesAdded(await addDependencies({ companies, actor, packages: cmd.packages }));
    case 'deps_remove':
      return renderDependenciesRemoved(await removeDependencies({ companies, actor, packages: cmd.packages }));
    case 'deps_list': {
      const r = await listDependencies({ companies, packages, clock, actor });
      return renderDependencies(r.dependencies, r.owned);
    }
    case 'deps_import':
      return openImport(deps, req.client, req.token, req.triggerId, actor);
    case 'own':
    case 'own_remove':
      return renderOwned(await declareOwned({ companies, actor, packages: cmd.packages, remove: cmd.type === 'own_remove' }));
    case 'allocate': {
      if (cmd.lines === null) return openAllocation(deps, req.client, req.token, req.triggerId, actor);
      const r = await setAllocation({ companies, clock, actor, lines: cmd.lines });
      return renderAllocationSaved(r.lines, r.budget, r.period);
    }
    case 'status': {
      const status = await getStatus({ companies, packages, clock, actor, billing: { payments: deps.payments, gateway: deps.gateway } });
      return renderStatus(status, billingBlocks(status.billing, { admin: status.role === 'admin' }));
    }
    case 'history': {
      const company = await requireCompany({ companies, actor });
      return renderHistory(company.name, await getHistory({ ledger, company }), company.currency);
    }
    case 'receipt': {
      const company = await requireCompany({ companies, actor });
      const receipt = await getReceipt({ ledger, payments: deps.payments, company, period: cmd.period });
      return renderReceipt(receipt, linkFor(company.id, cmd.period));
    }
    case 'export': {
      const company = await requireCompany({ companies, actor });
      // A month that is not closed is refused before a link is made.
      if (cmd.period) await getReceipt({ ledger, payments: deps.payments, company, period: cmd.period });
      const months = cmd.period ? [cmd.period] : await receiptPeriods({ ledger, payments: deps.payments, company });
      if (months.length === 0) return renderNothingToExport();
      return renderExport(linkFor(company.id, cmd.period ?? 'all'), cmd.period, months.length);
    }
    case 'visibility':
      return renderVisibility((await setVisibility({ companies, actor, visibility: cmd.visibility })).visibility);
    case 'billing': {
      // Admins only (budgetSetupLink refuses members); offline, says who settles budgets.
      const link = await budgetSetupLink({ companies, payments: deps.payments, gateway: deps.gateway, actor, rateLimiter: deps.rateLimiter, now: clock.now() });
      const company = await requireCompany({ companies, actor });
      const billing = await getBilling({ payments: deps.payments, gateway: deps.gateway, clock, companyId: company.id });
      return renderBilling({ ...link, billing });
    }
    case 'token': {
      const r = await issueToken({ companies, actor, randomBytes: (n) => new Uint8Array(randomBytes(n)), hash: deps.hashToken });
      return renderToken(r.token, deps.publicUrl);
    }
    case 'wishes':
      return renderWishes(cmd.repo, await listWishes({ wishes: deps.wishes, repo: cmd.repo }));
    case 'pledge': {
      const r = await placePledge({
        wishes: deps.wishes,
        gateway: deps.gateway,
        outbox: deps.outbox,
        clock,
        id: cmd.wish,
        pledger: { source: 'slack', id: actor.userRef, display: req.userName || actor.userRef },
        amount: cmd.amount,
        rateLimiter: deps.rateLimiter,
      });
      return renderPledged({ wish: r.wish, amount: cmd.amount, checkoutUrl: r.checkoutUrl, offline: r.offline });
    }
    case 'pledge_withdraw':
      return withdrawReply(deps, actor, cmd.wish);
    case 'pledges':
      return renderMyPledges(await myPledges({ wishes: deps.wishes, person: { source: 'slack', id: actor.userRef }, userRef: actor.userRef }));
    case 'unsubscribe': {
      const r = await unsubscribeChannel({ subscriptions: deps.subscriptions, platform: 'slack', channel: channelRef(req.teamId, req.channelId), target: cmd.target, companies, actor });
      return renderUnsubscribed(targetName(r.target));
    }
    case 'subscriptions': {
      const list = await listSubscriptions({ subscriptions: deps.subscriptions, platform: 'slack', channel: channelRef(req.teamId, req.channelId) });
      return renderSubscriptions(list.map((s) => ({ what: targetName(s.target), withCompany: s.withCompany })));
    }
    case 'subscribe': {
      const r = await subscribeChannel({
        subscriptions: deps.subscriptions,
        platform: 'slack',
        channel: channelRef(req.teamId, req.channelId),
        target: cmd.target,
        createdBy: actor.userRef,
        companies,
        actor,
      });
      return renderSubscribed({ what: targetName(r.target), created: r.created, withCompany: r.subscription.companyId !== null });
    }
    case 'admin_grant': {
      const r = await grantAdmin({ companies, actor, userRef: `slack:${cmd.userId}` });
      return renderAdminGranted(cmd.userId, r.company.name, r.alreadyAdmin);
    }
  }
}

/** Withdraws the user's unpaid pledges to `wish` (the command and the button on `pledges`). */
async function withdrawReply(deps: SlackContext['deps'], actor: Actor, wish: WishId): Promise<SlackReply> {
  const r = await withdrawPledge({ wishes: deps.wishes, clock: deps.clock, id: wish, person: { source: 'slack', id: actor.userRef }, userRef: actor.userRef });
  return renderPledgeWithdrawn({ wish: r.after.wish, amount: r.amount });
}

/** The "Withdraw" button of `/upkeep pledges`: its value is a wish id (validated: it comes from the client). */
export function registerPledgeActions(app: App, ctx: SlackContext): void {
  app.action({ action_id: WITHDRAW_PLEDGE_ACTION }, async ({ ack, body, respond }) => {
    await ack();
    const b = body as { user?: { id: string; team_id?: string }; team?: { id: string } | null; enterprise?: { id: string } | null; actions?: { value?: string; action_ts?: string }[]; trigger_id?: string };
    const actor = b.user ? actorOf(b.user.id, b.team?.id ?? b.user.team_id, b.enterprise?.id) : null;
    const parsed = parseWishId(b.actions?.[0]?.value ?? '');
    if (!actor || !parsed.ok) return void (await respond(reply('This button is not valid; run `/upkeep pledges` for a fresh list.')).catch(() => {}));
    const key = `withdraw:${b.trigger_id ?? `${actor.userRef}:${parsed.value}:${b.actions?.[0]?.action_ts ?? ''}`}`;
    const r = await once(ctx.deps, key, 'action', () => withdrawReply(ctx.deps, actor, parsed.value)).then(
      (x) => x?.value ?? null,
      (e: unknown) => {
        if (isDomainError(e)) return renderError(e);
        ctx.log.error({ err: e }, 'slack withdraw failed');
        return renderInternalError();
      },
    );
    if (r) await respond({ ...r, replace_original: false }).catch((e: unknown) => ctx.log.warn({ err: e }, 'respond failed'));
  });
}

/** Registers `/upkeep`: parse, then run once per trigger id, answered in the ack or through response_url. */
export function registerSlashCommand(app: App, ctx: SlackContext): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    const actor = actorOf(command.user_id, command.team_id, command.enterprise_id);
    if (!actor) {
      await ack(reply('This request did not say which workspace it came from.'));
      return;
    }
    const parsed = parseCompanyCommand(command.text ?? '', ctx.deps.currency);
    if (!parsed.ok) {
      await ack(renderError(parsed.error));
      return;
    }
    // A retry carries the same trigger id; its change is applied once.
    const key = `command:${command.team_id}:${command.trigger_id || `${command.user_id}:${command.text}:${context.retryNum ?? 0}`}`;
    const request: CommandRequest = {
      actor,
      teamId: command.team_id,
      channelId: command.channel_id,
      userName: command.user_name,
      triggerId: command.trigger_id,
      token: context.botToken,
      client,
    };
    const work = once(ctx.deps, key, 'command', () => runCommand(ctx, parsed.value, request)).then(
      (r) => r?.value ?? null,
      (e: unknown) => {
        if (isDomainError(e)) return renderError(e);
        ctx.log.error({ err: e }, 'slack command failed');
        return renderInternalError();
      },
    );
    await answer(ctx, work, ack, respond);
  });
  registerPledgeActions(app, ctx);
}
