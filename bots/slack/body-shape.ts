// Shapes of the Slack requests the app reads, checked before any listener sees them: a signed
// but malformed body (a view without its state, a user without an id, a field of the wrong type)
// is answered 400 naming what is wrong, never a crash inside a listener (a 500, or Bolt's
// 3-second wait for an acknowledgement that never comes).
import { z } from 'zod';

/** The app's one slash command (bots/slack/commands.ts listens to it; another would wait 3 s for an ack that never comes). */
export const SLASH_COMMAND = '/upkeep';

const User = z.object({ id: z.string().min(1), team_id: z.string().optional(), username: z.string().optional(), name: z.string().optional() });
const Team = z.object({ id: z.string().min(1) }).nullish();
/** What Bolt itself reads to route and authorise an interaction, before any listener. */
const Context = { team: Team, enterprise: z.object({ id: z.string() }).nullish(), channel: z.object({ id: z.string() }).nullish(), is_enterprise_install: z.boolean().optional() };
/** One input of a view's state: what the forms read of it (text, a selected option, uploaded files). */
const Input = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  files: z.array(z.object({ id: z.string() })).nullish(),
});
const Values = z.record(z.string(), z.record(z.string(), Input));
const View = z.object({ id: z.string().min(1), callback_id: z.string().optional(), hash: z.string().optional(), private_metadata: z.string().optional(), state: z.object({ values: Values }) });

const SHAPES = {
  command: z.object({ command: z.literal(SLASH_COMMAND, { error: `the only slash command is ${SLASH_COMMAND}` }), text: z.string(), team_id: z.string().min(1), user_id: z.string().min(1), user_name: z.string().optional(), channel_id: z.string().optional(), trigger_id: z.string().optional(), response_url: z.string().optional(), enterprise_id: z.string().optional() }),
  view_submission: z.object({ ...Context, user: User, view: View }),
  block_actions: z.object({
    ...Context,
    user: User,
    trigger_id: z.string().optional(),
    actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
    view: View.partial({ id: true, state: true }).optional(),
  }),
  event_callback: z.object({
    team_id: z.string().min(1),
    enterprise_id: z.string().nullish(),
    is_ext_shared_channel: z.boolean().optional(),
    authorizations: z.array(z.object({ team_id: z.string().nullish(), enterprise_id: z.string().nullish(), user_id: z.string().optional(), is_bot: z.boolean().optional(), is_enterprise_install: z.boolean().optional() })).optional(),
    event: z.object({ type: z.string(), user: z.string().optional(), channel: z.string().optional(), tab: z.string().optional(), item: z.object({ channel: z.string().optional() }).optional() }),
  }),
} as const;

/** Null when the body fits the shape of its kind (or is a kind the app does not read), else the problems. */
export function slackBodyProblem(body: unknown): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body must be an object';
  const b = body as Record<string, unknown>;
  if (!('command' in b) && typeof b.type !== 'string') return 'the body is neither a slash command nor a typed payload';
  const schema = 'command' in b ? SHAPES.command : typeof b.type === 'string' && b.type in SHAPES ? SHAPES[b.type as keyof typeof SHAPES] : null;
  if (!schema) return null;
  const r = schema.safeParse(body);
  if (r.success) return null;
  return r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

/** Thrown by the adapter's first middleware; the receiver answers it 400. */
export class MalformedSlackRequest extends Error {}
