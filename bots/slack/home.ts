// The App Home tab: published when a user opens it, from the company's status and history.
import type { App } from '@slack/bolt';
import { getHistory } from '../../core/use-cases/get-history.ts';
import { getStatus } from '../../core/use-cases/get-status.ts';
import { once, type SlackContext } from './ack.ts';
import { BILLING_CHECKOUT_ACTION } from './billing.ts';
import { homeView } from './modals.ts';
import { actorOf } from './workspace.ts';

export function registerHome(app: App, { deps }: SlackContext): void {
  app.event('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab !== 'home') return;
    const b = body as { team_id?: string; enterprise_id?: string; event_id?: string };
    const actor = actorOf(event.user, b.team_id, b.enterprise_id);
    if (!actor) return;
    const publish = async () => {
      const company = await deps.companies.findByWorkspace(actor.workspace);
      const status = company
        ? await getStatus({ companies: deps.companies, packages: deps.packages, clock: deps.clock, actor, billing: { payments: deps.payments, gateway: deps.gateway } })
        : null;
      const history = company ? await getHistory({ ledger: deps.ledger, company }) : [];
      await client.views.publish({ token: context.botToken, user_id: event.user, view: homeView({ status, history }) });
    };
    // Events API retries (X-Slack-Retry-Num) carry the same event id.
    if (b.event_id) await once(deps, `event:${b.event_id}`, 'event', publish);
    else await publish();
  });
  // The billing button is a link (Slack opens Checkout); its click only needs an ack.
  app.action(BILLING_CHECKOUT_ACTION, async ({ ack }) => {
    await ack();
  });
}
