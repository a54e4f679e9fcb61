// Autocomplete for the `repo`, `id` and `wish` options: suggestions matching what has been
// typed so far, answered within Discord's 3 seconds (an empty list when the look-up fails).
import type { ServerResponse } from 'node:http';
import { InteractionResponseType } from '@discordjs/core/http-only';
import { sendJson } from '../../edge/http.ts';
import { CommandData, focusedOption, type Interaction } from './interaction.ts';
import type { Context } from './respond.ts';

/** Discord shows at most 25 choices, each name and value at most 100 characters. */
const CHOICES = 25;
const CHOICE_MAX = 100;

/** Lower-cases and trims what was typed, turning a pasted GitHub URL into `owner/repo#n`. */
export function normaliseTyped(typed: string): string {
  return typed
    .trim()
    .toLowerCase()
    .replace(/^<|>$/g, '')
    .replace(/^(?:https?:\/\/)?(?:www\.)?github\.com\//, '')
    .replace(/\/issues\/(\d*)\/?$/, '#$1')
    .slice(0, 200);
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export async function handleAutocomplete({ deps }: Context, i: Interaction, res: ServerResponse): Promise<void> {
  const data = CommandData.safeParse(i.data);
  const focused = data.success ? focusedOption(data.data.options) : undefined;
  let choices: { name: string; value: string }[] = [];
  try {
    const typed = normaliseTyped(typeof focused?.value === 'string' ? focused.value : '');
    if (focused?.name === 'repo') {
      choices = (await deps.wishSearch.repositories(typed.replace(/#.*$/, ''), CHOICES)).map((r) => ({
        name: clip(`${r.repo} (${r.wishes} wish${r.wishes === 1 ? '' : 'es'})`, CHOICE_MAX),
        value: r.repo,
      }));
    } else if (focused?.name === 'id' || focused?.name === 'wish') {
      choices = (await deps.wishSearch.wishes(typed, CHOICES))
        .filter((w) => w.id.length <= CHOICE_MAX)
        .map((w) => ({ name: clip(`${w.id} · ${w.status.replace('_', ' ')} · ${w.title}`, CHOICE_MAX), value: w.id }));
    }
  } catch (e) {
    deps.log.warn({ err: e }, 'discord autocomplete failed');
  }
  sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
}
