// The first-run checklist of a company (Slack App Home): which steps are done, from the
// company's state, and the command of the grammar that does each. Pure.
import type { Subcommand } from './commands/usage.ts';

export type OnboardingStepId = 'setup' | 'budget' | 'card' | 'dependencies' | 'allocation';

export interface OnboardingStep {
  readonly id: OnboardingStepId;
  readonly done: boolean;
  /** What the step is, in a few words. */
  readonly title: string;
  /** The command of the grammar that does it (each front-end writes it its own way). */
  readonly command: Subcommand;
  /** Its full text without prefix, e.g. `budget 2,000`. */
  readonly example: string;
}

/** What the checklist reads of a company; null when the workspace has none yet. */
export interface OnboardingState {
  readonly budgetSet: boolean;
  readonly cardSaved: boolean;
  readonly dependencies: number;
  readonly allocated: boolean;
}

/** The checklist in order: setup → budget → card (with Stripe only: offline, no card is saved) → dependencies → allocation. */
export function onboardingSteps(state: OnboardingState | null, { payments }: { payments: 'stripe' | 'offline' }): OnboardingStep[] {
  const steps: OnboardingStep[] = [
    { id: 'setup', done: state !== null, title: 'Set up your company', command: 'setup', example: 'setup Acme Inc' },
    { id: 'budget', done: state?.budgetSet ?? false, title: 'Set a monthly budget', command: 'budget', example: 'budget 2,000' },
  ];
  if (payments === 'stripe') {
    steps.push({ id: 'card', done: state?.cardSaved ?? false, title: 'Save the card the budget is charged to', command: 'billing', example: 'billing' });
  }
  steps.push(
    { id: 'dependencies', done: (state?.dependencies ?? 0) > 0, title: 'Declare your dependencies', command: 'deps', example: 'deps import' },
    { id: 'allocation', done: state?.allocated ?? false, title: 'Share 100 points between them', command: 'allocate', example: 'allocate' },
  );
  return steps;
}

/** Whether every step is done (App Home then stops showing the checklist). */
export const onboardingComplete = (steps: readonly OnboardingStep[]): boolean => steps.every((s) => s.done);
