// The allocation modal, the dependency-import modal and the App Home tab, as Block Kit views,
// and the reading of submitted values. Pure: the handlers in app.ts open and publish them.
import type { types } from '@slack/bolt';
type HomeView = types.HomeView;
type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;
import { MAX_POINTS_PER_PACKAGE, MIN_PACKAGES, POINTS_PER_MONTH } from '../../core/allocation.ts';
import { formatMoney, money } from '../../core/money.ts';
import type { CompanyStatus } from '../../core/use-cases/get-status.ts';
import type { HistoryEntry } from '../../core/use-cases/get-history.ts';
import type { DependencyView } from '../../core/use-cases/list-dependencies.ts';
import type { AllocationViolation } from '../../core/use-cases/set-allocation.ts';
import { billingBlocks } from './billing.ts';
import { allocationChart, context, divider, esc, header, listBlocks, section, warningNote } from './render.ts';
import { plural } from '../../core/plural.ts';

export const ALLOCATION_CALLBACK = 'upkeep_allocation';
export const IMPORT_CALLBACK = 'upkeep_import';
export const OPEN_ALLOCATION_ACTION = 'upkeep_open_allocation';
export const OPEN_IMPORT_ACTION = 'upkeep_open_import';
export const POINTS_ACTION = 'points';
const BLOCK_PREFIX = 'p:';
/** Slack: 100 blocks per modal, block ids of at most 255 characters. */
const MAX_INPUTS = 90;

export const RULES = `Share *${POINTS_PER_MONTH} points* (percent of your monthly budget) between at least *${MIN_PACKAGES} packages*, at most *${MAX_POINTS_PER_PACKAGE}* each. Only declared dependencies, never your own packages. Leave a field empty or 0 to give nothing.`;

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 150), emoji: true });

/** Points typed in the modal, per package id: `{ 'npm:react': '34' }` (raw text; the core validates). */
export type TypedPoints = Record<string, string | null>;

/**
 * The allocation form: one number input per declared dependency that is not owned, filled
 * with the standing allocation (or what was typed), each with its warnings as a hint.
 */
export function allocationModal(input: {
  companyName: string;
  dependencies: readonly DependencyView[];
  typed?: TypedPoints;
  budget: { amount: number; currency: string } | null;
}): ModalView {
  const candidates = input.dependencies.filter((d) => !d.owned && BLOCK_PREFIX.length + d.package.length <= 255);
  // Packages with points first, so a long dependency list never hides the standing allocation.
  const shown = [...candidates].sort((a, b) => (b.points ?? 0) - (a.points ?? 0) || (a.package < b.package ? -1 : 1)).slice(0, MAX_INPUTS);
  shown.sort((a, b) => (a.package < b.package ? -1 : 1));
  const typed = input.typed ?? Object.fromEntries(shown.map((d) => [d.package, d.points === null ? null : String(d.points)]));
  const total = Object.values(typed).reduce((s, v) => s + (v !== null && /^\d+$/.test(v.trim()) ? Number(v) : 0), 0);
  const filled = Object.values(typed).filter((v) => v !== null && /^\d+$/.test(v.trim()) && Number(v) > 0).length;
  const blocks: KnownBlock[] = [
    section(RULES),
    context(
      `Placed *${total}* of ${POINTS_PER_MONTH} (${POINTS_PER_MONTH - total >= 0 ? `${POINTS_PER_MONTH - total} left` : `${total - POINTS_PER_MONTH} too many`}) on ${filled} packages${input.budget ? ` · budget ${formatMoney(money(input.budget.amount, input.budget.currency))} a month` : ''}.`,
    ),
  ];
  for (const d of shown) {
    const value = typed[d.package];
    const note = warningNote(d.warnings);
    const maintainers = d.maintainers.length === 0 ? '' : `Maintainers: ${d.maintainers.map((m) => `${m.login} ${m.share}%`).join(', ')}. `;
    blocks.push({
      type: 'input',
      block_id: `${BLOCK_PREFIX}${d.package}`,
      optional: true,
      dispatch_action: true,
      label: plain(d.package),
      element: {
        type: 'number_input',
        action_id: POINTS_ACTION,
        is_decimal_allowed: false,
        min_value: '0',
        max_value: String(POINTS_PER_MONTH),
        dispatch_action_config: { trigger_actions_on: ['on_character_entered'] },
        ...(value !== null && value !== undefined && value !== '' ? { initial_value: value } : {}),
        placeholder: plain('0'),
      },
      ...(note || maintainers ? { hint: plain(`${note.replace(':warning: ', '⚠ ')}${note && maintainers ? ' · ' : ''}${maintainers}`.slice(0, 150)) } : {}),
    } as KnownBlock);
  }
  const hidden = candidates.length - shown.length;
  const owned = input.dependencies.filter((d) => d.owned).map((d) => d.package);
  if (hidden > 0) blocks.push(context(`${hidden} more dependencies are not shown; allocate them with \`/upkeep allocate pkg=points …\`.`));
  if (owned.length > 0) blocks.push(context(`Your own packages cannot receive points: ${owned.map(esc).join(', ')}.`));
  return {
    type: 'modal',
    callback_id: ALLOCATION_CALLBACK,
    title: plain('Allocate 100 points'),
    submit: plain('Save allocation'),
    close: plain('Cancel'),
    blocks,
  };
}

/** A modal with a message only (no company, no dependencies, not an admin). */
export function messageModal(title: string, text: string): ModalView {
  return { type: 'modal', title: plain(title.slice(0, 24)), close: plain('Close'), blocks: [section(text)] };
}

/** Typed points per package from a submitted (or edited) allocation view. */
export function readTypedPoints(values: Record<string, Record<string, { value?: string | null }>> | undefined): TypedPoints {
  const typed: TypedPoints = {};
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    if (!blockId.startsWith(BLOCK_PREFIX)) continue;
    const v = actions[POINTS_ACTION]?.value;
    typed[blockId.slice(BLOCK_PREFIX.length)] = typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  }
  return typed;
}

/**
 * Allocation lines from typed points: empty fields give nothing; anything that is not a whole
 * number becomes NaN so the core refuses it with its own message.
 */
export function linesFromTyped(typed: TypedPoints): { package: string; points: number }[] {
  return Object.entries(typed)
    .filter(([, v]) => v !== null)
    .map(([pkg, v]) => ({ package: pkg, points: /^\d+$/.test(v!) ? Number(v) : Number.NaN }));
}

/**
 * `response_action: errors` for a refused allocation: each violation next to the package it
 * names; rules about the whole (total, count) next to the first field.
 */
export function allocationErrors(violations: readonly AllocationViolation[], typed: TypedPoints): Record<string, string> {
  const blockIds = Object.keys(typed).map((p) => `${BLOCK_PREFIX}${p}`);
  const errors: Record<string, string[]> = {};
  const first = blockIds.find((b) => typed[b.slice(BLOCK_PREFIX.length)] !== null) ?? blockIds[0];
  for (const v of violations) {
    const pkg = typeof v.details.package === 'string' ? `${BLOCK_PREFIX}${v.details.package}` : null;
    const target = pkg && blockIds.includes(pkg) ? pkg : first;
    if (!target) continue;
    (errors[target] ??= []).push(v.userMessage);
  }
  return Object.fromEntries(Object.entries(errors).map(([k, list]) => [k, list.join(' ').slice(0, 2000)]));
}

// ---------------------------------------------------------------------------------------
// Dependency import

export const MANIFEST_BLOCK = 'manifest';
export const MANIFEST_ACTION = 'text';
export const FILE_BLOCK = 'manifest_file';
export const FILE_ACTION = 'file';
export const FORMAT_BLOCK = 'format';
export const FORMAT_ACTION = 'format';
const FORMATS = ['package.json', 'package-lock.json', 'requirements.txt', 'pom.xml', 'bom.json'] as const;

export function importModal(): ModalView {
  return {
    type: 'modal',
    callback_id: IMPORT_CALLBACK,
    title: plain('Import dependencies'),
    submit: plain('Import'),
    close: plain('Cancel'),
    blocks: [
      section('Upload or paste a *package.json*, *package-lock.json*, *requirements.txt*, *pom.xml* or a *CycloneDX JSON SBOM*. Every package it names is declared as a dependency; versions are ignored.'),
      {
        type: 'input',
        block_id: FILE_BLOCK,
        optional: true,
        label: plain('Upload a file'),
        element: { type: 'file_input', action_id: FILE_ACTION, max_files: 1, filetypes: ['json', 'txt', 'xml', 'in', 'pom'] },
      } as KnownBlock,
      {
        type: 'input',
        block_id: FORMAT_BLOCK,
        optional: true,
        label: plain('Format'),
        element: {
          type: 'static_select',
          action_id: FORMAT_ACTION,
          placeholder: plain('Detect from the content'),
          options: FORMATS.map((f) => ({ text: plain(f === 'bom.json' ? 'CycloneDX JSON' : f), value: f })),
        },
      },
      {
        type: 'input',
        block_id: MANIFEST_BLOCK,
        optional: true,
        label: plain('…or paste it'),
        element: { type: 'plain_text_input', action_id: MANIFEST_ACTION, multiline: true, max_length: 3000, placeholder: plain('{ "dependencies": { "react": "^18.3.1" } }') },
        hint: plain('A pasted text holds at most 3,000 characters; upload larger files (lockfiles, SBOMs) above.'),
      },
    ],
  };
}

/** Shown while a large upload is read; replaced by the result. */
export function importPendingView(): ModalView {
  return { type: 'modal', title: plain('Import dependencies'), close: plain('Close'), blocks: [section(':hourglass_flowing_sand: Reading your file…')] };
}

export function importResultView(r: { format: string; added: readonly string[]; alreadyDeclared: readonly string[]; ignored: readonly { entry: string; reason: string }[] }): ModalView {
  const blocks: KnownBlock[] = [
    section(`:white_check_mark: Read a *${esc(r.format)}*: *${r.added.length}* added, ${r.alreadyDeclared.length} already declared, ${r.ignored.length} ignored.`),
  ];
  if (r.added.length > 0) blocks.push(section('*Added*'), ...listBlocks([r.added.map(esc).join(', ')], 10));
  if (r.alreadyDeclared.length > 0) blocks.push(section('*Already declared*'), ...listBlocks([r.alreadyDeclared.map(esc).join(', ')], 5));
  if (r.ignored.length > 0) blocks.push(section('*Ignored*'), ...listBlocks(r.ignored.map((i) => `• \`${esc(i.entry)}\` — ${esc(i.reason)}`), 20));
  blocks.push(context('Now share your points: `/upkeep allocate`.'));
  return { type: 'modal', title: plain('Dependencies imported'), close: plain('Done'), blocks: blocks.slice(0, 95) };
}

export function allocationSavedView(lines: Parameters<typeof allocationChart>[0], period: string): ModalView {
  return {
    type: 'modal',
    title: plain('Allocation saved'),
    close: plain('Done'),
    blocks: [section(`:white_check_mark: Saved. It applies from ${period} on and stands until you change it.`), ...listBlocks(allocationChart(lines), 40)],
  };
}

// ---------------------------------------------------------------------------------------
// App Home

export function homeView(input: { status: CompanyStatus | null; history: readonly HistoryEntry[] }): HomeView {
  const s = input.status;
  if (!s) {
    return {
      type: 'home',
      blocks: [header('Upkeep'), section('This workspace has no company yet. An admin-to-be runs `/upkeep setup <company name>`; then `/upkeep help` lists everything.')],
    };
  }
  const warnings = new Map(s.packages.map((p) => [p.package as string, p.warnings]));
  const blocks: KnownBlock[] = [
    header(`Upkeep — ${s.company.name}`),
    section(`*Monthly budget:* ${s.budget ? formatMoney(s.budget) : 'not set — `/upkeep budget 2000`'}\n*Visibility to maintainers:* ${s.company.visibility} · you are ${s.role === 'admin' ? 'an admin' : 'a member'}`),
    divider,
    section(`*Allocation for ${s.period}*`),
  ];
  if (s.allocation) blocks.push(...listBlocks(allocationChart(s.allocation.lines, warnings), 20));
  else blocks.push(section('No allocation yet.'));
  // Billing: the card on file, or that none is saved and what to run; unfunded months with their reason.
  const billing = billingBlocks(s.billing, { admin: s.role === 'admin' });
  if (billing.length > 0) blocks.push(divider, section('*Billing*'), ...billing);
  if (s.role === 'admin') {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: plain('Edit allocation'), action_id: OPEN_ALLOCATION_ACTION, style: 'primary' },
        { type: 'button', text: plain('Import dependencies'), action_id: OPEN_IMPORT_ACTION },
      ],
    });
  }
  blocks.push(divider, section('*Last receipts*'));
  if (input.history.length === 0) blocks.push(context('No closed month yet.'));
  else
    blocks.push(
      ...listBlocks(
        input.history.slice(0, 3).map((h) => `• *${h.period}* — ${formatMoney(money(h.total, s.company.currency))} to ${plural(h.packages.length, 'package')} · \`/upkeep receipt ${h.period}\``),
        3,
      ),
    );
  const flagged = s.packages.filter((p) => p.warnings.length > 0);
  blocks.push(divider, section('*Warnings*'));
  if (flagged.length === 0) blocks.push(context('None: every package is active and has maintainers.'));
  else blocks.push(...listBlocks(flagged.map((p) => `• ${esc(p.package)}: ${warningNote(p.warnings)}`), 10));
  return { type: 'home', blocks: blocks.slice(0, 95) };
}
