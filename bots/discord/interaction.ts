// Interaction payload shapes (only the fields we read; Discord sends many more) and readers
// for their options, buttons and modal fields.
import { z } from 'zod';

export const User = z.object({ id: z.string().min(1), username: z.string(), global_name: z.string().nullish() });
export type User = z.infer<typeof User>;

export interface OptionValue {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: OptionValue[] | undefined;
}
const Option: z.ZodType<OptionValue> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    focused: z.boolean().optional(),
    options: z.array(Option).optional(),
  }),
);

export const Interaction = z.object({
  id: z.string().min(1),
  application_id: z.string().min(1),
  type: z.number().int(),
  token: z.string().optional(),
  guild_id: z.string().optional(),
  channel_id: z.string().optional(),
  channel: z.object({ id: z.string() }).partial().optional(),
  member: z.object({ user: User, permissions: z.string().regex(/^\d+$/).optional() }).optional(),
  user: User.optional(),
  data: z.unknown().optional(),
});
export type Interaction = z.infer<typeof Interaction>;

export const CommandData = z.object({ name: z.string(), options: z.array(Option).optional() });
export const ComponentData = z.object({ custom_id: z.string(), component_type: z.number() });
export const ModalData = z.object({ custom_id: z.string(), components: z.array(z.unknown()) });

/** Who acted: the guild member's user, or the user of a DM. */
export const userOf = (i: Interaction): User | null => i.member?.user ?? i.user ?? null;

/** How identity links and subscriptions name a Discord user. */
export const userRef = (user: User): string => `discord:${user.id}`;

function findOption(options: readonly OptionValue[] | undefined, name: string): OptionValue | undefined {
  for (const o of options ?? []) {
    if (o.name === name && o.value !== undefined) return o;
    const inner = findOption(o.options, name);
    if (inner) return inner;
  }
  return undefined;
}

/** The option `name` (at any depth of subcommands) as text; '' when absent. */
export const stringOption = (options: readonly OptionValue[] | undefined, name: string): string => {
  const v = findOption(options, name)?.value;
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
};

/** The option being typed in an autocomplete request. */
export function focusedOption(options: readonly OptionValue[] | undefined): OptionValue | undefined {
  for (const o of options ?? []) {
    if (o.focused) return o;
    const inner = focusedOption(o.options);
    if (inner) return inner;
  }
  return undefined;
}

/** The value of the text input `id` in a modal submission (inside action rows or labels). */
export function modalValue(components: unknown, id: string): string | null {
  if (Array.isArray(components)) {
    for (const c of components) {
      const v = modalValue(c, id);
      if (v !== null) return v;
    }
    return null;
  }
  if (!components || typeof components !== 'object') return null;
  const c = components as Record<string, unknown>;
  if (c.custom_id === id && typeof c.value === 'string') return c.value;
  return modalValue(c.components, id) ?? modalValue(c.component, id);
}
