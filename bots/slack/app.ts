// The Slack adapter: a Bolt app on an HTTPReceiver mounted on our one HTTP server.
// It parses (`/upkeep` text through the core grammar, modal values), calls the core use-cases
// and renders Block Kit. The company is always the verified team (and enterprise) of the request.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { parseCompanyCommand, type CompanyCommand } from '../../core/commands.ts';
import { DomainError, isDomainError } from '../../core/errors.ts';
import type { Actor } from '../../core/ports/companies.ts';
import { addDependencies } from '../../core/use-cases/add-dependencies.ts';
import { declareOwned } from '../../core/use-cases/declare-owned.ts';
import { getHistory } from '../../core/use-cases/get-history.ts';
import { getReceipt } from '../../core/use-cases/get-receipt.ts';
import { getStatus } from '../../core/use-cases/get-status.ts';
import { grantAdmin } from '../../core/use-cases/grant-admin.ts';
import { importDependencies, MAX_MANIFEST_CHARS } from '../../core/use-cases/import-dependencies.ts';
import { issueToken } from '../../core/use-cases/issue-token.ts';
import { listDependencies } from '../../core/use-cases/list-dependencies.ts';
import { removeDependencies } from '../../core/use-cases/remove-dependencies.ts';
import { requireAdmin, requireCompany } from '../../core/use-cases/require-company.ts';
import { setAllocation, type AllocationViolation } from '../../core/use-cases/set-allocation.ts';
import { setBudget } from '../../core/use-cases/set-budget.ts';
import { setVisibility } from '../../core/use-cases/set-visibility.ts';
import { setupCompany } from '../../core/use-cases/setup-company.ts';
import { subscribeChannel } from '../../core/use-cases/subscribe-channel.ts';
import { listWishes } from '../../core/use-cases/wishes/list-wishes.ts';
import { placePledge } from '../../core/use-cases/wishes/place-pledge.ts';
import { formatMoney } from '../../core/money.ts';
import { forgetInbound, recordInbound } from '../../prisma/inbound-events.ts';
import { PrismaSlackInstallationStore } from '../../prisma/slack-installation-store.ts';
import type { Config } from '../../app/config.ts';
import type { Mount } from '../../edge/contribution.ts';
import type { Services } from '../../app/services.ts';
import { slackDownloadRoutes } from '../../web/slack-downloads.ts';
import type { Route } from '../../edge/http.ts';
import { downloadUrl } from './downloads.ts';
import {
  ALLOCATION_CALLBACK,
  allocationErrors,
  allocationModal,
  allocationSavedView,
  FORMAT_ACTION,
  FILE_ACTION,
  FILE_BLOCK,
  FORMAT_BLOCK,
  homeView,
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
import {
  context,
  esc,
  renderAllocationSaved,
  renderDependencies,
  renderError,
  renderHelp,
  renderHistory,
  renderInternalError,
  renderReceipt,
  renderStatus,
  renderWishes,
  reply,
  section,
  type SlackReply,
} from './render.ts';

/** Bot scopes the app asks for (also in slack-app-manifest.yml). */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:read', 'users:read'];

export type SlackConfig = NonNullable<Config['slack']>;

export interface SlackAdapterOptions {
  services: Services;
  slack: SlackConfig;
  /** Work that finishes within this many ms is answered in the ack itself; slower work replies through `respond`. */
  ackBudgetMs?: number;
  /** Web API retries (Slack's client default); tests turn them off. */
  retries?: boolean;
}

export interface SlackAdapter {
  app: App;
  receiver: HTTPReceiver;
  mounts: Mount[];
  routes: Route[];
}

/** `slack:T0123`, or `slack:E0123:T0456` inside an Enterprise Grid: the company's workspace key. */
export function workspaceOf(teamId: string | null | undefined, enterpriseId: string | null | undefined): string | null {
  if (!teamId) return null;
  return enterpriseId ? `slack:${enterpriseId}:${teamId}` : `slack:${teamId}`;
}

/** Where notifications go: `T0123/C0456`. */
export const channelRef = (teamId: string, channelId: string): string => `${teamId}/${channelId}`;

const sleep = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref());

function boltLogger(log: Services['log']): BoltLogger {
  const child = log.child({ adapter: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map((x) => (x instanceof Error ? x.stack ?? x.message : String(x))).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackAdapter({ services, slack, ackBudgetMs = 2000, retries = true }: SlackAdapterOptions): SlackAdapter {
  const log = services.log.child({ adapter: 'slack' });
  const logger = boltLogger(services.log);
  const apiUrl = slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/`;
  const clientOptions = { slackApiUrl: apiUrl, ...(retries ? {} : { retryConfig: { retries: 0 } }) };
  const prisma = services.db.prisma;
  const currency = services.config.currency;

  const receiver = new HTTPReceiver({
    signingSecret: slack.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logger,
    ...(slack.oauth
      ? {
          clientId: slack.oauth.clientId,
          clientSecret: slack.oauth.clientSecret,
          stateSecret: slack.oauth.stateSecret,
          scopes: BOT_SCOPES,
          installationStore: new PrismaSlackInstallationStore(prisma),
          redirectUri: `${services.config.publicUrl}/slack/oauth_redirect`,
          installerOptions: {
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            directInstall: true,
            clientOptions,
          },
        }
      : {}),
  });

  // Single workspace: one bot token. Its identity (auth.test) is asked once, in the background:
  // only the self-message filter needs it, and a slow Slack API must never delay an ack.
  let identity: { botId: string; botUserId: string } | null = null;
  let asking = false;
  const botToken = slack.oauth ? null : slack.botToken;
  const app: App = new App({
    receiver,
    logger,
    clientOptions,
    ...(botToken
      ? {
          authorize: async () => {
            if (!identity && !asking) {
              asking = true;
              app.client.auth
                .test({ token: botToken })
                .then((r) => {
                  identity = { botId: String(r.bot_id ?? ''), botUserId: String(r.user_id ?? '') };
                })
                .catch((e: unknown) => log.warn({ err: e }, 'auth.test failed; will ask again'))
                .finally(() => {
                  asking = false;
                });
            }
            return { botToken, ...(identity ?? {}) };
          },
        }
      : {}),
  });

  app.error(async (error) => {
    log.error({ err: error }, 'slack handler failed');
  });

  // -------------------------------------------------------------------------------------
  // Helpers

  /** Claims a request id; false when it was seen before (a Slack retry): its effect is already applied. */
  const claim = (key: string, kind: string) => recordInbound(prisma, 'slack', key, kind);
  const release = (key: string) => forgetInbound(prisma, 'slack', key).catch((e: unknown) => log.warn({ err: e }, 'could not release an inbound key'));

  /** Runs `work`; a refusal becomes its ephemeral rendering, anything else a logged generic reply. */
  async function guarded(key: string | null, work: () => Promise<SlackReply | null>): Promise<SlackReply | null> {
    try {
      return await work();
    } catch (e) {
      // A refusal applied nothing, so a retry may try again. After an unexpected failure, or a
      // pledge recorded whose payment could not start, the key stays: a retry must not apply it twice
      // (the user can run the command again; a new command has a new trigger id).
      if (key && isDomainError(e) && e.code !== 'payment_failed') await release(key);
      if (isDomainError(e)) return renderError(e);
      log.error({ err: e }, 'slack command failed');
      return renderInternalError();
    }
  }

  /** Answers in the ack when `work` is quick; otherwise acks at once and replies through `respond`. */
  async function answer(
    work: Promise<SlackReply | null>,
    ack: (r?: SlackReply) => Promise<void>,
    respond: ((r: SlackReply) => Promise<unknown>) | null,
  ): Promise<void> {
    const quick = ackBudgetMs > 0 ? await Promise.race([work.then((r) => ({ r })), sleep(ackBudgetMs)]) : null;
    if (quick) {
      await ack(quick.r ?? undefined);
      return;
    }
    await ack(reply(':hourglass_flowing_sand: Working on it…'));
    const r = await work;
    if (r && respond) await respond({ ...r, replace_original: true }).catch((e: unknown) => log.warn({ err: e }, 'respond failed'));
  }

  const linkFor = (companyId: string, period: string) => downloadUrl(services.config.publicUrl, slack.signingSecret, companyId, period, services.clock.now());

  async function openAllocation(client: App['client'], token: string | undefined, triggerId: string, actor: Actor): Promise<SlackReply | null> {
    const company = await requireAdmin({ companies: services.companies, actor });
    const { dependencies } = await listDependencies({ companies: services.companies, packages: services.packages, clock: services.clock, actor });
    if (dependencies.filter((d) => !d.owned).length === 0) {
      throw new DomainError('invalid_input', 'Declare your dependencies first: `/upkeep deps add npm:react pypi:requests` or `/upkeep deps import`; then `/upkeep allocate` opens the form.', {});
    }
    const view = allocationModal({ companyName: company.name, dependencies, budget: company.budget === null ? null : { amount: company.budget, currency: company.currency } });
    await client.views.open({ token, trigger_id: triggerId, view });
    return null;
  }

  async function openImport(client: App['client'], token: string | undefined, triggerId: string, actor: Actor): Promise<SlackReply | null> {
    await requireAdmin({ companies: services.companies, actor });
    await client.views.open({ token, trigger_id: triggerId, view: importModal() });
    return null;
  }

  async function run(cmd: CompanyCommand, req: { actor: Actor; teamId: string; channelId: string; userName: string; triggerId: string; token: string | undefined; client: App['client'] }): Promise<SlackReply | null> {
    const { actor } = req;
    const companies = services.companies;
    switch (cmd.type) {
      case 'help':
        return renderHelp(cmd.topic);
      case 'setup': {
        const { company } = await setupCompany({ companies, actor, name: cmd.name, currency });
        return reply(`${company.name} is set up; you are its admin.`, [
          section(`:tada: *${esc(company.name)}* is set up in this workspace, and you are its admin.`),
          section('Next: `/upkeep budget 2000` · `/upkeep deps import` (or `deps add npm:react`) · `/upkeep allocate`'),
        ]);
      }
      case 'budget': {
        const r = await setBudget({ companies, actor, amount: cmd.amount });
        return reply(`Monthly budget set to ${formatMoney(r.budget)}.`, [
          section(`:white_check_mark: Monthly budget set to *${formatMoney(r.budget)}*${r.previous ? ` (was ${formatMoney(r.previous)})` : ''}. It applies from the next month-end close.`),
        ]);
      }
      case 'deps_add': {
        const r = await addDependencies({ companies, actor, packages: cmd.packages });
        return reply(`Added ${r.added.length} dependencies.`, [
          section(
            `:white_check_mark: Added ${r.added.length ? r.added.map(esc).join(', ') : 'nothing new'}${r.alreadyDeclared.length ? `; already declared: ${r.alreadyDeclared.map(esc).join(', ')}` : ''}. You now declare ${r.total}.`,
          ),
        ]);
      }
      case 'deps_remove': {
        const r = await removeDependencies({ companies, actor, packages: cmd.packages });
        return reply(`Removed ${r.removed.length} dependencies.`, [
          section(`:white_check_mark: Removed ${r.removed.length ? r.removed.map(esc).join(', ') : 'nothing'}${r.notDeclared.length ? `; not declared: ${r.notDeclared.map(esc).join(', ')}` : ''}.`),
        ]);
      }
      case 'deps_list': {
        const r = await listDependencies({ companies, packages: services.packages, clock: services.clock, actor });
        return renderDependencies(r.dependencies, r.owned);
      }
      case 'deps_import':
        return openImport(req.client, req.token, req.triggerId, actor);
      case 'own':
      case 'own_remove': {
        const r = await declareOwned({ companies, actor, packages: cmd.packages, remove: cmd.type === 'own_remove' });
        return reply(`Own packages: ${r.owned.join(', ') || 'none'}.`, [
          section(
            `:white_check_mark: ${r.removed ? 'No longer your own' : 'Declared as your own'}: ${r.changed.length ? r.changed.map(esc).join(', ') : 'nothing changed'}. Your own packages: ${r.owned.length ? r.owned.map(esc).join(', ') : 'none'}.`,
          ),
        ]);
      }
      case 'allocate': {
        if (cmd.lines === null) return openAllocation(req.client, req.token, req.triggerId, actor);
        const r = await setAllocation({ companies, clock: services.clock, actor, lines: cmd.lines });
        return renderAllocationSaved(r.lines, r.budget, r.period);
      }
      case 'status':
        return renderStatus(await getStatus({ companies, packages: services.packages, clock: services.clock, actor }));
      case 'history': {
        const company = await requireCompany({ companies, actor });
        return renderHistory(company.name, await getHistory({ ledger: services.ledger, company }), company.currency);
      }
      case 'receipt': {
        const company = await requireCompany({ companies, actor });
        const receipt = await getReceipt({ ledger: services.ledger, company, period: cmd.period });
        return renderReceipt(receipt, linkFor(company.id, cmd.period));
      }
      case 'export': {
        const company = await requireCompany({ companies, actor });
        if (cmd.period) await getReceipt({ ledger: services.ledger, company, period: cmd.period });
        const months = cmd.period ? [cmd.period] : (await getHistory({ ledger: services.ledger, company })).map((h) => h.period);
        if (months.length === 0) return reply('No closed month yet, so nothing to export.', [section('No closed month yet, so nothing to export; receipts exist once a month-end close has run.')]);
        const url = linkFor(company.id, cmd.period ?? 'all');
        return reply(`CSV export: ${url}`, [
          section(`:page_facing_up: <${url}|Download the CSV> — ${cmd.period ? cmd.period : `${months.length} closed months`}, one row per package and maintainer share.`),
          context('The link works for 15 minutes and only for your company; run `/upkeep export` again for a new one.'),
        ]);
      }
      case 'visibility': {
        const r = await setVisibility({ companies, actor, visibility: cmd.visibility });
        return reply(`Visibility: ${r.visibility}.`, [
          section(
            r.visibility === 'identifiable'
              ? ':white_check_mark: Maintainers can now see your company name among their funders. The public never sees which company gave what.'
              : ':white_check_mark: Your company is now anonymous to maintainers; they see aggregates only.',
          ),
        ]);
      }
      case 'token': {
        const r = await issueToken({ companies, actor, randomBytes: (n) => new Uint8Array(randomBytes(n)), hash: services.hashToken });
        return reply(`Your company API token (shown once): ${r.token}`, [
          section(`:key: Your company API token — *shown only this once*, copy it now:\n\`${r.token}\``),
          context(`Use it as \`Authorization: Bearer <token>\` on ${esc(services.config.publicUrl)}/api/v1/company/receipts?period=YYYY-MM. Any earlier token is revoked; run \`/upkeep token\` again to replace a lost one.`),
        ]);
      }
      case 'wishes': {
        return renderWishes(cmd.repo, await listWishes({ wishes: services.wishes, repo: cmd.repo }));
      }
      case 'pledge': {
        if (!services.gateway) throw new DomainError('payments_offline', 'Pledging is not available on this installation: no payment gateway is configured.', {});
        const r = await placePledge({
          wishes: services.wishes,
          payments: services.gateway,
          outbox: services.outbox,
          clock: services.clock,
          id: cmd.wish,
          pledger: { source: 'slack', id: actor.userRef, display: req.userName || actor.userRef },
          amount: cmd.amount,
        });
        const amount = formatMoney(cmd.amount);
        return reply(`Pledged ${amount} to ${r.wish.id}.`, [
          section(`:handshake: You pledged *${amount}* to *${esc(r.wish.id)}* “${esc(r.wish.title)}”.`),
          r.checkoutUrl
            ? section(`<${r.checkoutUrl}|Pay your pledge> to confirm it; it counts toward the quote once paid.`)
            : section(r.offline ? ':information_source: Payments are *offline* here: your commitment is recorded, and an operator settles it with you.' : 'Your pledge is recorded.'),
        ]);
      }
      case 'subscribe': {
        const r = await subscribeChannel({
          subscriptions: services.subscriptions,
          platform: 'slack',
          channel: channelRef(req.teamId, req.channelId),
          target: cmd.target,
          createdBy: actor.userRef,
          companies,
          actor,
        });
        const what = r.target.kind === 'repo' ? `wishes of ${r.target.repo}` : `${r.target.package}`;
        return reply(`This channel follows ${what}.`, [
          section(
            `:bell: ${r.created ? 'This channel now follows' : 'This channel already follows'} *${esc(what)}*: wish progress (25/50/75/100 %), funded, started and delivered${r.subscription.companyId ? ', and your company’s month-end summaries' : ''}.`,
          ),
          context('Invite the app to a private channel (`/invite @Upkeep`) so it can post there.'),
        ]);
      }
      case 'admin_grant': {
        const r = await grantAdmin({ companies, actor, userRef: `slack:${cmd.userId}` });
        return reply(`<@${cmd.userId}> is an admin.`, [section(r.alreadyAdmin ? `<@${cmd.userId}> was already an admin.` : `:white_check_mark: <@${cmd.userId}> is now an admin of ${esc(r.company.name)}.`)]);
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Slash command

  app.command('/upkeep', async ({ command, ack, respond, client, context: ctx }) => {
    const workspace = workspaceOf(command.team_id, command.enterprise_id);
    if (!workspace) {
      await ack(reply('This request did not say which workspace it came from.'));
      return;
    }
    const parsed = parseCompanyCommand(command.text ?? '', currency);
    if (!parsed.ok) {
      await ack(renderError(parsed.error));
      return;
    }
    const actor: Actor = { userRef: `slack:${command.user_id}`, workspace };
    // A retry carries the same trigger id; its change is applied once.
    const key = `command:${command.team_id}:${command.trigger_id || `${command.user_id}:${command.text}:${ctx.retryNum ?? 0}`}`;
    let first: boolean;
    try {
      first = await claim(key, 'command');
    } catch (e) {
      log.error({ err: e }, 'could not record a slash command');
      await ack(renderInternalError());
      return;
    }
    if (!first) {
      await ack();
      return;
    }
    const work = guarded(key, () =>
      run(parsed.value, {
        actor,
        teamId: command.team_id,
        channelId: command.channel_id,
        userName: command.user_name,
        triggerId: command.trigger_id,
        token: ctx.botToken,
        client,
      }),
    );
    await answer(work, ack, respond);
  });

  // -------------------------------------------------------------------------------------
  // Modals

  type ViewBody = {
    team: { id: string } | null;
    enterprise?: { id: string } | null;
    user: { id: string; team_id?: string };
    view: { id: string; hash: string; state: { values: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>> } };
  };

  const viewActor = (body: ViewBody): Actor | null => {
    const teamId = body.team?.id ?? body.user.team_id;
    const workspace = workspaceOf(teamId, body.enterprise?.id);
    return workspace ? { userRef: `slack:${body.user.id}`, workspace } : null;
  };

  const stateKey = (body: ViewBody) => `view:${body.view.id}:${services.hashToken(JSON.stringify(body.view.state.values))}`;

  app.view(ALLOCATION_CALLBACK, async ({ ack, body }) => {
    const b = body as unknown as ViewBody;
    const actor = viewActor(b);
    const typed = readTypedPoints(b.view.state.values);
    if (!actor) return ack({ response_action: 'errors', errors: allocationErrors([{ code: 'invalid_input', userMessage: 'Unknown workspace.', details: {} }], typed) });
    const key = stateKey(b);
    const first = await claim(key, 'view_submission').catch((e: unknown) => e);
    if (first !== true && first !== false) {
      log.error({ err: first }, 'could not record a view submission');
      return ack({ response_action: 'update', view: messageModal('Not saved', 'Something went wrong on our side; it has been logged. Please try again.') });
    }
    if (!first) return ack();
    try {
      const r = await setAllocation({ companies: services.companies, clock: services.clock, actor, lines: linesFromTyped(typed) });
      await ack({ response_action: 'update', view: allocationSavedView(r.lines, r.period) });
    } catch (e) {
      await release(key);
      if (isDomainError(e)) {
        const violations = Array.isArray(e.details.violations) ? (e.details.violations as AllocationViolation[]) : [{ code: e.code, userMessage: e.userMessage, details: e.details }];
        const errors = allocationErrors(violations, typed);
        if (Object.keys(errors).length > 0) return ack({ response_action: 'errors', errors });
        return ack({ response_action: 'update', view: messageModal('Not saved', esc(e.userMessage)) });
      }
      log.error({ err: e }, 'allocation submission failed');
      await ack({ response_action: 'update', view: messageModal('Not saved', 'Something went wrong on our side; it has been logged. Please try again.') });
    }
  });

  // Live total while typing: the form is redrawn with the running sum.
  app.action({ action_id: POINTS_ACTION }, async ({ ack, body, client, context: ctx }) => {
    await ack();
    const b = body as unknown as ViewBody & { view?: { id: string; hash: string; callback_id?: string } };
    if (!b.view || (b.view as { callback_id?: string }).callback_id !== ALLOCATION_CALLBACK) return;
    const actor = viewActor(b);
    if (!actor) return;
    try {
      const company = await requireCompany({ companies: services.companies, actor });
      const { dependencies } = await listDependencies({ companies: services.companies, packages: services.packages, clock: services.clock, actor });
      const view = allocationModal({
        companyName: company.name,
        dependencies,
        typed: readTypedPoints(b.view.state.values),
        budget: company.budget === null ? null : { amount: company.budget, currency: company.currency },
      });
      await client.views.update({ token: ctx.botToken, view_id: b.view.id, hash: b.view.hash, view });
    } catch (e) {
      // A stale hash (the user typed on) is expected; the next keystroke redraws.
      log.debug({ err: e }, 'allocation live total not updated');
    }
  });

  /** Reads an uploaded file through files.info (Slack's own URL for it) and the bot token. */
  async function downloadFile(client: App['client'], token: string | undefined, fileId: string): Promise<{ name: string; text: string }> {
    const info = await client.files.info({ token, file: fileId });
    const file = info.file as { name?: string; size?: number; url_private_download?: string; url_private?: string } | undefined;
    const url = file?.url_private_download ?? file?.url_private;
    if (!file || !url) throw new DomainError('invalid_manifest', 'The uploaded file could not be read; upload it again, or paste its contents.', { fileId });
    if ((file.size ?? 0) > MAX_MANIFEST_CHARS) {
      throw new DomainError('invalid_manifest', `The file is too large (${file.size} bytes); upload one manifest of at most ${MAX_MANIFEST_CHARS} bytes.`, { max: MAX_MANIFEST_CHARS });
    }
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'error' });
    if (!res.ok) throw new DomainError('invalid_manifest', 'The uploaded file could not be downloaded from Slack; upload it again, or paste its contents.', { status: res.status });
    const text = await res.text();
    if (text.length > MAX_MANIFEST_CHARS) throw new DomainError('invalid_manifest', `The file is too large; upload one manifest of at most ${MAX_MANIFEST_CHARS} characters.`, { max: MAX_MANIFEST_CHARS });
    return { name: file.name ?? 'upload', text };
  }

  app.view(IMPORT_CALLBACK, async ({ ack, body, client, context: ctx }) => {
    const b = body as unknown as ViewBody;
    const actor = viewActor(b);
    if (!actor) return ack({ response_action: 'errors', errors: { [MANIFEST_BLOCK]: 'Unknown workspace.' } });
    const values = b.view.state.values as Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; files?: { id: string }[] }>>;
    const text = values[MANIFEST_BLOCK]?.[MANIFEST_ACTION]?.value ?? '';
    const fileId = values[FILE_BLOCK]?.[FILE_ACTION]?.files?.[0]?.id ?? null;
    const format = values[FORMAT_BLOCK]?.[FORMAT_ACTION]?.selected_option?.value;
    const field = fileId ? FILE_BLOCK : MANIFEST_BLOCK;
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [field]: message.slice(0, 2000) } });
    if (!fileId && text.trim() === '') return refuse('Upload a manifest file, or paste its contents.');
    try {
      // A member is refused in the form, before anything is downloaded.
      await requireAdmin({ companies: services.companies, actor });
    } catch (e) {
      return refuse(isDomainError(e) ? e.userMessage : 'Something went wrong on our side; it has been logged. Please try again.');
    }
    const key = stateKey(b);
    const first = await claim(key, 'view_submission').catch((e: unknown) => e);
    if (first !== true && first !== false) {
      log.error({ err: first }, 'could not record a view submission');
      return refuse('Something went wrong on our side; it has been logged. Please try again.');
    }
    if (!first) return ack();
    type Outcome = { view: ReturnType<typeof importResultView> } | { error: string };
    const work: Promise<Outcome> = (async () => {
      try {
        const upload = fileId ? await downloadFile(client, ctx.botToken, fileId) : null;
        const filename = format ?? upload?.name;
        const r = await importDependencies({ companies: services.companies, actor, text: upload?.text ?? text, ...(filename ? { filename } : {}) });
        return { view: importResultView(r) };
      } catch (e) {
        await release(key);
        if (!isDomainError(e)) log.error({ err: e }, 'import submission failed');
        return { error: isDomainError(e) ? e.userMessage : 'Something went wrong on our side; it has been logged. Please try again.' };
      }
    })();
    const quick = ackBudgetMs > 0 ? await Promise.race([work, sleep(ackBudgetMs)]) : null;
    if (quick) return 'view' in quick ? ack({ response_action: 'update', view: quick.view }) : refuse(quick.error);
    // A large upload: the form says so at once and shows the result when it is read.
    await ack({ response_action: 'update', view: importPendingView() });
    const outcome = await work;
    const view = 'view' in outcome ? outcome.view : messageModal('Not imported', esc(outcome.error));
    await client.views.update({ token: ctx.botToken, view_id: b.view.id, view }).catch((e: unknown) => log.warn({ err: e }, 'could not show the import result'));
  });

  // Buttons on the App Home tab.
  for (const [actionId, open] of [
    [OPEN_ALLOCATION_ACTION, openAllocation],
    [OPEN_IMPORT_ACTION, openImport],
  ] as const) {
    app.action({ action_id: actionId }, async ({ ack, body, client, context: ctx }) => {
      await ack();
      const b = body as unknown as ViewBody & { trigger_id: string };
      const actor = viewActor(b);
      if (!actor) return;
      try {
        await open(client, ctx.botToken, b.trigger_id, actor);
      } catch (e) {
        const message = isDomainError(e) ? e.userMessage : 'Something went wrong on our side; it has been logged.';
        if (!isDomainError(e)) log.error({ err: e }, 'opening a modal failed');
        await client.views.open({ token: ctx.botToken, trigger_id: b.trigger_id, view: messageModal('Upkeep', esc(message)) }).catch(() => {});
      }
    });
  }

  // -------------------------------------------------------------------------------------
  // App Home

  app.event('app_home_opened', async ({ event, body, client, context: ctx }) => {
    if (event.tab !== 'home') return;
    const b = body as { team_id?: string; enterprise_id?: string; event_id?: string };
    const workspace = workspaceOf(b.team_id, b.enterprise_id);
    if (!workspace) return;
    // Events API retries (X-Slack-Retry-Num) carry the same event id.
    if (b.event_id && !(await claim(`event:${b.event_id}`, 'event'))) return;
    const actor: Actor = { userRef: `slack:${event.user}`, workspace };
    const company = await services.companies.findByWorkspace(workspace);
    const status = company ? await getStatus({ companies: services.companies, packages: services.packages, clock: services.clock, actor }) : null;
    const history = company ? await getHistory({ ledger: services.ledger, company }) : [];
    await client.views.publish({ token: ctx.botToken, user_id: event.user, view: homeView({ status, history }) });
  });

  const listener = receiver.requestListener as (req: IncomingMessage, res: ServerResponse) => void;
  const mounts: Mount[] = [{ name: 'slack', path: '/slack/events', listener }];
  if (slack.oauth) {
    mounts.push({ name: 'slack-install', path: '/slack/install', listener }, { name: 'slack-oauth', path: '/slack/oauth_redirect', listener });
  }
  return { app, receiver, mounts, routes: slackDownloadRoutes(services, slack.signingSecret) };
}
