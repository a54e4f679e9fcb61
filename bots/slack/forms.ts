// The allocation and dependency-import modals: opening them (from `/upkeep` or the App Home
// buttons), the live total while typing, and their submissions. Views are built in modals.ts.
import type { App } from '@slack/bolt';
import { DomainError, isDomainError } from '../../core/errors.ts';
import type { Actor } from '../../core/ports/companies.ts';
import { importDependencies } from '../../core/use-cases/import-dependencies.ts';
import { listDependencies } from '../../core/use-cases/list-dependencies.ts';
import { requireAdmin, requireCompany } from '../../core/use-cases/require-company.ts';
import { setAllocation, type AllocationViolation } from '../../core/use-cases/set-allocation.ts';
import { once, withinBudget, type SlackContext } from './ack.ts';
import type { SlackDeps } from './deps.ts';
import { INTERNAL_ERROR_TEXT, refusalText } from './errors.ts';
import { downloadFile } from './files.ts';
import {
  ALLOCATION_CALLBACK,
  allocationErrors,
  allocationModal,
  allocationSavedView,
  FILE_ACTION,
  FILE_BLOCK,
  FORMAT_ACTION,
  FORMAT_BLOCK,
  IMPORT_CALLBACK,
  importModal,
  importPendingView,
  importResultView,
  linesFromTyped,
  MANIFEST_ACTION,
  MANIFEST_BLOCK,
  messageModal,
  OPEN_ALLOCATION_ACTION,
  OPEN_IMPORT_ACTION,
  POINTS_ACTION,
  readTypedPoints,
} from './modals.ts';
import { esc } from './render.ts';
import { actorOf } from './workspace.ts';

type Client = App['client'];
type FormDeps = Pick<SlackDeps, 'companies' | 'packages' | 'clock'>;

/** Opens the allocation form for an admin whose company declared dependencies it may fund. */
export async function openAllocation(deps: FormDeps, client: Client, token: string | undefined, triggerId: string, actor: Actor): Promise<null> {
  const company = await requireAdmin({ companies: deps.companies, actor });
  const { dependencies } = await listDependencies({ companies: deps.companies, packages: deps.packages, clock: deps.clock, actor });
  // An empty form helps nobody: say what comes first.
  if (dependencies.filter((d) => !d.owned).length === 0) {
    // Said by the Slack adapter alone, so in Slack's syntax.
    throw new DomainError('invalid_input', 'Declare your dependencies first: `/upkeep deps add npm:react pypi:requests` or `/upkeep deps import`; then `/upkeep allocate` opens the form.');
  }
  const view = allocationModal({ companyName: company.name, dependencies, budget: company.budget === null ? null : { amount: company.budget, currency: company.currency } });
  await client.views.open({ token, trigger_id: triggerId, view });
  return null;
}

/** Opens the dependency-import form for an admin. */
export async function openImport(deps: Pick<SlackDeps, 'companies'>, client: Client, token: string | undefined, triggerId: string, actor: Actor): Promise<null> {
  await requireAdmin({ companies: deps.companies, actor });
  await client.views.open({ token, trigger_id: triggerId, view: importModal() });
  return null;
}

type ViewValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; files?: { id: string }[] }>>;

type ViewBody = {
  team: { id: string } | null;
  enterprise?: { id: string } | null;
  user: { id: string; team_id?: string };
  view: { id: string; hash: string; callback_id?: string; state: { values: ViewValues } };
};

const viewActor = (body: ViewBody): Actor | null => actorOf(body.user.id, body.team?.id ?? body.user.team_id, body.enterprise?.id);

/** Registers the modals' submissions, the live total and the App Home buttons. */
export function registerForms(app: App, ctx: SlackContext): void {
  const { deps, log } = ctx;
  // A retried submission carries the same view and values; its change is applied once.
  const stateKey = (body: ViewBody) => `view:${body.view.id}:${deps.hashToken(JSON.stringify(body.view.state.values))}`;

  app.view(ALLOCATION_CALLBACK, async ({ ack, body }) => {
    const b = body as unknown as ViewBody;
    const actor = viewActor(b);
    const typed = readTypedPoints(b.view.state.values);
    if (!actor) return ack({ response_action: 'errors', errors: allocationErrors([{ code: 'invalid_input', userMessage: 'Unknown workspace.', details: {} }], typed) });
    try {
      const saved = await once(deps, stateKey(b), 'view_submission', () => setAllocation({ companies: deps.companies, clock: deps.clock, actor, lines: linesFromTyped(typed) }));
      if (!saved) return ack();
      await ack({ response_action: 'update', view: allocationSavedView(saved.value.lines, saved.value.period) });
    } catch (e) {
      if (isDomainError(e)) {
        const violations = Array.isArray(e.details.violations)
          ? (e.details.violations as AllocationViolation[])
          : [{ code: e.code, userMessage: refusalText(e, { mrkdwn: false }), details: e.details }];
        const errors = allocationErrors(violations, typed);
        if (Object.keys(errors).length > 0) return ack({ response_action: 'errors', errors });
        return ack({ response_action: 'update', view: messageModal('Not saved', refusalText(e)) });
      }
      log.error({ err: e }, 'allocation submission failed');
      await ack({ response_action: 'update', view: messageModal('Not saved', INTERNAL_ERROR_TEXT) });
    }
  });

  // Live total while typing: the form is redrawn with the running sum.
  app.action({ action_id: POINTS_ACTION }, async ({ ack, body, client, context }) => {
    await ack();
    const b = body as unknown as Partial<ViewBody> & Pick<ViewBody, 'team' | 'user'>;
    if (!b.view || b.view.callback_id !== ALLOCATION_CALLBACK) return;
    const actor = viewActor(b as ViewBody);
    if (!actor) return;
    try {
      const company = await requireCompany({ companies: deps.companies, actor });
      const { dependencies } = await listDependencies({ companies: deps.companies, packages: deps.packages, clock: deps.clock, actor });
      const view = allocationModal({
        companyName: company.name,
        dependencies,
        typed: readTypedPoints(b.view.state.values),
        budget: company.budget === null ? null : { amount: company.budget, currency: company.currency },
      });
      await client.views.update({ token: context.botToken, view_id: b.view.id, hash: b.view.hash, view });
    } catch (e) {
      // A stale hash (the user typed on) is expected; the next keystroke redraws.
      log.debug({ err: e }, 'allocation live total not updated');
    }
  });

  app.view(IMPORT_CALLBACK, async ({ ack, body, client, context }) => {
    const b = body as unknown as ViewBody;
    const actor = viewActor(b);
    if (!actor) return ack({ response_action: 'errors', errors: { [MANIFEST_BLOCK]: 'Unknown workspace.' } });
    const values = b.view.state.values;
    const text = values[MANIFEST_BLOCK]?.[MANIFEST_ACTION]?.value ?? '';
    const fileId = values[FILE_BLOCK]?.[FILE_ACTION]?.files?.[0]?.id ?? null;
    const format = values[FORMAT_BLOCK]?.[FORMAT_ACTION]?.selected_option?.value;
    const field = fileId ? FILE_BLOCK : MANIFEST_BLOCK;
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [field]: message.slice(0, 2000) } });
    if (!fileId && text.trim() === '') return refuse('Upload a manifest file, or paste its contents.');
    try {
      // A member is refused in the form, before anything is downloaded.
      await requireAdmin({ companies: deps.companies, actor });
    } catch (e) {
      if (!isDomainError(e)) log.error({ err: e }, 'import submission failed');
      return refuse(isDomainError(e) ? refusalText(e, { mrkdwn: false }) : INTERNAL_ERROR_TEXT);
    }
    type Outcome = { view: ReturnType<typeof importResultView> } | { refusal: string } | { duplicate: true };
    const work: Promise<Outcome> = once(deps, stateKey(b), 'view_submission', async () => {
      const upload = fileId ? await downloadFile(client, context.botToken, fileId) : null;
      const filename = format ?? upload?.name;
      return importDependencies({ companies: deps.companies, actor, text: upload?.text ?? text, ...(filename ? { filename } : {}) });
    }).then(
      (r): Outcome => (r ? { view: importResultView(r.value) } : { duplicate: true }),
      (e: unknown): Outcome => {
        if (!isDomainError(e)) log.error({ err: e }, 'import submission failed');
        return { refusal: isDomainError(e) ? refusalText(e, { mrkdwn: false }) : INTERNAL_ERROR_TEXT };
      },
    );
    const quick = await withinBudget(work, ctx.ackBudgetMs);
    if (quick) {
      const outcome = quick.value;
      if ('duplicate' in outcome) return ack();
      return 'view' in outcome ? ack({ response_action: 'update', view: outcome.view }) : refuse(outcome.refusal);
    }
    // A large upload: the form says so at once and shows the result when it is read.
    await ack({ response_action: 'update', view: importPendingView() });
    const outcome = await work;
    // A retry's first delivery updates the same view.
    if ('duplicate' in outcome) return;
    const view = 'view' in outcome ? outcome.view : messageModal('Not imported', esc(outcome.refusal));
    await client.views.update({ token: context.botToken, view_id: b.view.id, view }).catch((e: unknown) => log.warn({ err: e }, 'could not show the import result'));
  });

  // Buttons on the App Home tab.
  for (const [actionId, open] of [
    [OPEN_ALLOCATION_ACTION, openAllocation],
    [OPEN_IMPORT_ACTION, openImport],
  ] as const) {
    app.action({ action_id: actionId }, async ({ ack, body, client, context }) => {
      await ack();
      const b = body as unknown as ViewBody & { trigger_id: string };
      const actor = viewActor(b);
      if (!actor) return;
      try {
        await open(deps, client, context.botToken, b.trigger_id, actor);
      } catch (e) {
        if (!isDomainError(e)) log.error({ err: e }, 'opening a modal failed');
        const message = isDomainError(e) ? refusalText(e) : 'Something went wrong on our side; it has been logged.';
        await client.views.open({ token: context.botToken, trigger_id: b.trigger_id, view: messageModal('Upkeep', message) }).catch(() => {});
      }
    });
  }
}
