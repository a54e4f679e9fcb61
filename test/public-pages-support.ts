// The world the public pages are tested on, made through the core use-cases on the app's own
// ports: two companies funding the same packages (one identifiable, one anonymous) and a real
// month-end close; an opted-in repository with two maintainers and wishes in every state; a
// second repository with a single, inactive maintainer. Returns what each company's receipt
// says it gave, so the tests can check those figures never reach a public page.
import { money } from '../core/money.ts';
import { formatMinor, formatMoney } from '../core/money.ts';
import { addMonths, periodOf } from '../core/period.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Actor } from '../core/ports/companies.ts';
import { addDependencies } from '../core/use-cases/add-dependencies.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { getReceipt } from '../core/use-cases/get-receipt.ts';
import { setAllocation } from '../core/use-cases/set-allocation.ts';
import { setBudget } from '../core/use-cases/set-budget.ts';
import { setVisibility } from '../core/use-cases/set-visibility.ts';
import { setupCompany } from '../core/use-cases/setup-company.ts';
import { confirmPledgePayment } from '../core/use-cases/wishes/confirm-pledge-payment.ts';
import { deliverWish } from '../core/use-cases/wishes/deliver-wish.ts';
import { openWish } from '../core/use-cases/wishes/open-wish.ts';
import { placePledge } from '../core/use-cases/wishes/place-pledge.ts';
import { quoteWish } from '../core/use-cases/wishes/quote-wish.ts';
import { startWish } from '../core/use-cases/wishes/start-wish.ts';
import type { WishId } from '../core/wishlist.ts';
import type { Services } from '../app/services.ts';
import { TERMS_VERSION } from '../core/opt-in/file.ts';

// An hour ahead of the machine's time: the stores stamp allocations with the database's clock, and
// the close takes those saved before its own `now`.
export const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
/** The month closed for real: the one before NOW's. */
export const CLOSED = addMonths(periodOf(NOW), -1);
const DAY = 86_400_000;
/** The last activity of each repository: recent for REPO, 200 days ago for SOLO_REPO. */
export const ACTIVITY = { repo: new Date(NOW.getTime() - 6 * DAY), solo: new Date(NOW.getTime() - 200 * DAY) };
export const REPO = 'facebook/react';
export const SOLO_REPO = 'solo/tool';
/** Quoted: €300.00, €180.00 paid by one pledger, €25.00 committed by another (not paid yet). */
export const CLOSE_WISH = 'facebook/react#7' as WishId;
/** Quoted: €1,000.00, €100.00 paid. */
export const FAR_WISH = 'facebook/react#8' as WishId;
/** Open (no quote yet) with a €10.00 commitment. */
export const OPEN_WISH = 'facebook/react#9' as WishId;
/** Funded, started and delivered (€50.00). */
export const DONE_WISH = 'facebook/react#3' as WishId;

export const COMPANIES = {
  identifiable: { name: 'Initech Identifiable Corp', workspace: 'slack:TINITECH', budget: 123_400 },
  anonymous: { name: 'Umbrella Hidden Ltd', workspace: 'slack:TUMBRELLA', budget: 56_700 },
} as const;

const ALLOCATION = [
  { package: 'npm:react', points: 34 },
  { package: 'npm:react-dom', points: 33 },
  { package: 'npm:left-pad', points: 33 },
];

export interface World {
  /** What each company's own receipt says it gave each package in CLOSED (minor units). */
  perCompany: { company: keyof typeof COMPANIES; package: string; amount: number }[];
}

const admin = (workspace: string): Actor => ({ userRef: `${workspace}:UADMIN`, workspace });

/** Texts a per-company amount could be written as on a page: `€419.56`, `419.56`, `41956`. */
export const amountForms = (minor: number): string[] => [formatMoney(money(minor, 'EUR')), formatMinor(minor, 'EUR'), String(minor)];

export async function buildWorld(s: Services, clock: Clock): Promise<World> {
  const base = { wishes: s.wishes, outbox: s.outbox, clock, currency: 'EUR', gateway: s.gateway };
  await s.repositories.optIn({
    repository: REPO,
    packages: ['npm:react', 'npm:react-dom'] as never,
    maintainers: [
      { login: 'alice', share: 60 },
      { login: 'bob', share: 40 },
    ],
    termsVersion: TERMS_VERSION,
    license: 'MIT',
    description: 'The library for web and native user interfaces.',
    needs: 'Reviewers for the compiler and funding for release work.',
    contact: 'https://react.dev/community',
  });
  await s.repositories.recordActivity(REPO, ACTIVITY.repo);
  await s.repositories.optIn({
    repository: SOLO_REPO,
    packages: ['npm:solo-tool'] as never,
    maintainers: [{ login: 'carol', share: 100 }],
    termsVersion: TERMS_VERSION,
    license: 'ISC',
    description: 'A small tool kept by one person.',
    needs: null,
    contact: 'carol@example.org',
  });
  await s.repositories.recordActivity(SOLO_REPO, ACTIVITY.solo);

  for (const [, c] of Object.entries(COMPANIES)) {
    const actor = admin(c.workspace);
    await setupCompany({ companies: s.companies, actor, name: c.name, currency: 'EUR' });
    await setBudget({ companies: s.companies, actor, amount: money(c.budget, 'EUR') });
    await addDependencies({ companies: s.companies, actor, packages: ALLOCATION.map((l) => l.package) });
    await setAllocation({ companies: s.companies, clock, actor, lines: ALLOCATION });
  }
  await setVisibility({ companies: s.companies, actor: admin(COMPANIES.identifiable.workspace), visibility: 'identifiable' });
  await setVisibility({ companies: s.companies, actor: admin(COMPANIES.anonymous.workspace), visibility: 'anonymous' });
  await closePeriod({ ledger: s.ledger, clock, period: CLOSED });

  const perCompany: World['perCompany'] = [];
  for (const [key, c] of Object.entries(COMPANIES) as [keyof typeof COMPANIES, (typeof COMPANIES)[keyof typeof COMPANIES]][]) {
    const company = (await s.companies.findByWorkspace(c.workspace))!;
    const receipt = await getReceipt({ ledger: s.ledger, payments: s.payments, company, period: CLOSED });
    for (const line of receipt.lines) perCompany.push({ company: key, package: line.package, amount: line.amount });
  }

  const pledge = async (id: WishId, login: string, amount: number, paid: boolean) => {
    const r = await placePledge({ ...base, id, pledger: { source: 'github', id: login, display: login }, amount: money(amount, 'EUR') });
    if (paid) await confirmPledgePayment({ wishes: s.wishes, ledger: s.ledger, outbox: s.outbox, clock, wishId: id, pledgeId: r.pledgeId, provider: 'offline' });
  };
  const quote = (id: WishId, amount: number) =>
    quoteWish({ wishes: s.wishes, repositories: s.repositories, outbox: s.outbox, clock, id, amount: money(amount, 'EUR'), delayDays: 14, by: 'alice', isMaintainer: true });

  await openWish({ ...base, id: CLOSE_WISH, title: 'Faster hydration', description: 'Hydrate islands first.', requester: 'zoe' });
  await quote(CLOSE_WISH, 30_000);
  await pledge(CLOSE_WISH, 'zoe', 18_000, true);
  await pledge(CLOSE_WISH, 'yann', 2_500, false);
  await openWish({ ...base, id: FAR_WISH, title: 'Signals in the core', description: 'Fine-grained updates.', requester: 'xena' });
  await quote(FAR_WISH, 100_000);
  await pledge(FAR_WISH, 'xena', 10_000, true);
  await openWish({ ...base, id: OPEN_WISH, title: 'Better error overlay', description: 'Show the component stack.', requester: 'will', commitment: money(1_000, 'EUR') });
  await openWish({ ...base, id: DONE_WISH, title: 'Typed refs', description: 'Refs with types.', requester: 'vera' });
  await quote(DONE_WISH, 5_000);
  await pledge(DONE_WISH, 'vera', 5_000, true);
  await startWish({ wishes: s.wishes, outbox: s.outbox, clock, id: DONE_WISH, by: 'alice', isMaintainer: true });
  await deliverWish({ wishes: s.wishes, repositories: s.repositories, ledger: s.ledger, outbox: s.outbox, clock, id: DONE_WISH, by: 'alice', isMaintainer: true });
  return { perCompany };
}
