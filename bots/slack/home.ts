// The App Home tab: published when a user opens it, from the company's status and history.
// A workspace without a company sees a short pitch, a "Set up" button (a modal asking the
// company's name) and the first-run checklist; a company keeps the checklist until it is done.
import type { App, types } from '@slack/bolt';
import { isDomainError } from '../../core/errors.ts';
import { onboardingComplete, onboardingSteps, type OnboardingStep } from '../../core/onboarding.ts';
import type { Actor } from '../../core/ports/companies.ts';
import { getHistory } from '../../core/use-cases/get-history.ts';
import { getStatus, type CompanyStatus } from '../../core/use-cases/get-status.ts';
import type { HistoryEntry } from '../../core/use-cases/get-history.ts';
import { setupCompany } from '../../core/use-cases/setup-company.ts';
import { once, type SlackContext } from './ack.ts';
import { BILLING_CHECKOUT_ACTION } from './billing.ts';
import type { SlackDeps } from './deps.ts';
import { INTERNAL_ERROR_TEXT, refusalText } from './errors.ts';
import { homeView as companyHomeView, OPEN_ALLOCATION_ACTION, OPEN_IMPORT_ACTION } from './modals.ts';
import { context, divider, esc, header, section, SLASH_PREFIX } from './render.ts';
import { actorOf } from './workspace.ts';

type HomeView = types.HomeView;
type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;

export const OPEN_SETUP_ACTION = 'upkeep_open_setup';
export const SETUP_CALLBACK = 'upkeep_setup';
export const SETUP_NAME_BLOCK = 'company_name';
export const SETUP_NAME_ACTION = 'name';

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 150), emoji: true });

const PITCH =
  'Upkeep turns your company’s dependence on open-source packages into steady money for the people who maintain them. ' +
  'You set one monthly budget and share it between the packages you use; each month-end pays their maintainers, with a receipt. ' +
  'You can also crowdfund features (wishes) of the projects you rely on.';

const command = (text: string): string => `\`${SLASH_PREFIX}${esc(text)}\``;

/** The command (and, on a company's Home, the button) that does each step. */
function stepAction(step: OnboardingStep, buttons: boolean): string {
  if (step.id === 'setup') return `the button above, or ${command('setup <company name>')}`;
  if (step.id === 'dependencies') return `${command('deps import')} (paste a manifest) or ${command('deps add npm:react')}${buttons ? ', or the *Import dependencies* button' : ''}`;
  if (step.id === 'allocation') return `${command('allocate')} (a form)${buttons ? ', or the *Edit allocation* button' : ''}`;
  return command(step.example);
}

/** The first-run checklist: each step ticked from the company's state, with what does it. */
export function checklistBlocks(steps: readonly OnboardingStep[], { buttons = false }: { buttons?: boolean } = {}): KnownBlock[] {
  const done = steps.filter((s) => s.done).length;
  const lines = steps.map((s, i) => `${s.done ? ':white_check_mark:' : ':white_large_square:'} *${i + 1}. ${s.title}*${s.done ? '' : ` — ${stepAction(s, buttons)}`}`);
  return [section(`*Getting started* (${done} of ${steps.length} done)\n${lines.join('\n')}`)];
}

/**
 * The App Home: for a workspace without a company, the pitch, the "Set up" button and the
 * checklist; for a company, its status, allocation, billing and receipts (modals.ts), with the
 * checklist on top until every step is done. `payments`: offline hides the card step.
 */
export function homeView(input: { status: CompanyStatus | null; history: readonly HistoryEntry[]; payments: 'stripe' | 'offline' }): HomeView {
  const s = input.status;
  if (!s) {
    const steps = onboardingSteps(null, { payments: input.payments });
    return {
      type: 'home',
      blocks: [
        header('Welcome to Upkeep'),
        section(PITCH),
        {
          type: 'actions',
          elements: [{ type: 'button', text: plain('Set up your company'), action_id: OPEN_SETUP_ACTION, style: 'primary' }],
        },
        context('Whoever sets it up becomes its first admin; `/upkeep setup <company name>` does the same.'),
        divider,
        ...checklistBlocks(steps),
        context('`/upkeep help` lists every command, grouped by task.'),
      ],
    };
  }
  const company = companyHomeView({ status: s, history: input.history });
  const steps = onboardingSteps(
    {
      budgetSet: s.budget !== null,
      cardSaved: s.billing ? s.billing.card !== null : false,
      dependencies: s.counts.dependencies,
      allocated: s.allocation !== null,
    },
    { payments: s.billing?.mode ?? input.payments },
  );
  if (onboardingComplete(steps)) return company;
  const [title, ...rest] = company.blocks;
  const admin = s.role === 'admin';
  const who = admin ? [] : [context('An admin of your company does these steps; `/upkeep status` shows where things stand.')];
  return { ...company, blocks: [title!, ...checklistBlocks(steps, { buttons: admin }), ...who, divider, ...rest].slice(0, 95) };
}

/** The "Set up" modal: the company's name. */
export function setupModal(): ModalView {
  return {
    type: 'modal',
    callback_id: SETUP_CALLBACK,
    title: plain('Set up Upkeep'),
    submit: plain('Set up'),
    close: plain('Cancel'),
    blocks: [
      section('Your company’s name, as maintainers see it when you choose to be identifiable (you can stay anonymous). You become its first admin.'),
      {
        type: 'input',
        block_id: SETUP_NAME_BLOCK,
        label: plain('Company name'),
        element: { type: 'plain_text_input', action_id: SETUP_NAME_ACTION, max_length: 80, placeholder: plain('Acme Inc') },
      },
    ],
  };
}

/** After the setup modal: what comes next. */
export function setupDoneView(companyName: string, payments: 'stripe' | 'offline'): ModalView {
  const steps = onboardingSteps({ budgetSet: false, cardSaved: false, dependencies: 0, allocated: false }, { payments });
  return {
    type: 'modal',
    title: plain('Upkeep is set up'),
    close: plain('Done'),
    blocks: [section(`:tada: *${esc(companyName)}* is set up, and you are its admin.`), ...checklistBlocks(steps, { buttons: true }), context('The App Home tab follows your progress.')],
  };
}

type HomeDeps = Pick<SlackDeps, 'companies' | 'packages' | 'clock' | 'payments' | 'gateway' | 'ledger'>;

async function buildHome(deps: HomeDeps, actor: Actor): Promise<HomeView> {
  const company = await deps.companies.findByWorkspace(actor.workspace);
  const status = company
    ? await getStatus({ companies: deps.companies, packages: deps.packages, clock: deps.clock, actor, billing: { payments: deps.payments, gateway: deps.gateway } })
    : null;
  const history = company ? await getHistory({ ledger: deps.ledger, company }) : [];
  return homeView({ status, history, payments: deps.gateway.mode });
}

type ViewBody = {
  team: { id: string } | null;
  enterprise?: { id: string } | null;
  user: { id: string; team_id?: string };
  trigger_id?: string;
  view: { id: string; state: { values: Record<string, Record<string, { value?: string | null }>> } };
};

export function registerHome(app: App, { deps, log }: SlackContext): void {
  app.event('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab !== 'home') return;
    const b = body as { team_id?: string; enterprise_id?: string; event_id?: string };
    const actor = actorOf(event.user, b.team_id, b.enterprise_id);
    if (!actor) return;
    const publish = async () => {
      await client.views.publish({ token: context.botToken, user_id: event.user, view: await buildHome(deps, actor) });
    };
    // Events API retries (X-Slack-Retry-Num) carry the same event id.
    if (b.event_id) await once(deps, `event:${b.event_id}`, 'event', publish);
    else await publish();
  });
  // The billing button is a link (Slack opens Checkout); its click only needs an ack.
  app.action(BILLING_CHECKOUT_ACTION, async ({ ack }) => {
    await ack();
  });

  app.action({ action_id: OPEN_SETUP_ACTION }, async ({ ack, body, client, context }) => {
    await ack();
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    if (triggerId) await client.views.open({ token: context.botToken, trigger_id: triggerId, view: setupModal() }).catch((e: unknown) => log.warn({ err: e }, 'could not open the setup form'));
  });

  app.view(SETUP_CALLBACK, async ({ ack, body, client, context }) => {
    const b = body as unknown as ViewBody;
    const actor = actorOf(b.user.id, b.team?.id ?? b.user.team_id, b.enterprise?.id);
    const name = b.view.state.values[SETUP_NAME_BLOCK]?.[SETUP_NAME_ACTION]?.value ?? '';
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [SETUP_NAME_BLOCK]: message.slice(0, 2000) } });
    if (!actor) return refuse('This request did not say which workspace it came from.');
    try {
      // A retried submission carries the same view id: the company is created once.
      const done = await once(deps, `view:${b.view.id}:setup`, 'view_submission', () => setupCompany({ companies: deps.companies, actor, name, currency: deps.currency }));
      if (!done) return ack();
      await ack({ response_action: 'update', view: setupDoneView(done.value.company.name, deps.gateway.mode) });
    } catch (e) {
      if (!isDomainError(e)) log.error({ err: e }, 'setup from App Home failed');
      return refuse(isDomainError(e) ? refusalText(e, { mrkdwn: false }) : INTERNAL_ERROR_TEXT);
    }
    // The Home tab shows the new company at once.
    await client.views
      .publish({ token: context.botToken, user_id: b.user.id, view: await buildHome(deps, actor) })
      .catch((e: unknown) => log.warn({ err: e }, 'could not refresh the App Home'));
  });
}

export { OPEN_ALLOCATION_ACTION, OPEN_IMPORT_ACTION };
