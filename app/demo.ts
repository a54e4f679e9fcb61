// `npm run demo`: a narrated walk through the whole mission on the embedded default (PGlite,
// queue on that database, payments offline), driven through the real adapters with correctly
// signed Slack, GitHub and Discord requests. The chat platforms' own APIs are the small local
// fakes the tests use (test/fakes), so the demo runs on a machine without network.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../dev/free-port.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signWebhook } from '../bots/github/index.ts';
import { systemClock } from '../core/ports/clock.ts';
import { closePeriod } from '../core/use-cases/close-period.ts';
import { formatMoney } from '../core/money.ts';
import { runPaymentsCommand } from '../payments/operator-commands.ts';
import { operatorDeps } from './cli.ts';
import { openDatabase } from '../prisma/db.ts';
import { checkLedgerInvariants } from '../prisma/ledger-checks.ts';
import { APP_ID, BOT_TOKEN, ed25519, guildInteraction, signHeaders, slash, user } from '../dev/fakes/discord-interactions.ts';
import { FakeDiscord } from '../dev/fakes/discord-api.ts';
import { startFakeGithubApi } from '../dev/fakes/github-api.ts';
import { SIGNING_SECRET, SlackDriver, startFakeSlackApi } from '../dev/fakes/slack-api.ts';
import { loadConfig } from './config.ts';
import { createLogger } from '../edge/logger.ts';
import { issueOperatorToken } from './operator.ts';
import { assemblePlatform } from './platform.ts';
import { createHttpApp } from '../edge/server.ts';
import { httpBasics } from './web.ts';
import { createServices } from './services.ts';

const REPO = 'reactjs/react-widgets';
const GITHUB_SECRET = 'demo-webhook-secret';
const TEAM = 'T0ACME';
const ADMIN = 'U0ADMIN';

let step = 0;
const say = (title: string) => console.log(`\n${++step}. ${title}`);
const show = (line: string) => console.log(`   ${line}`);
const firstLine = (s: string) => s.replace(/\s+/g, ' ').slice(0, 220);


async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'upkeep-demo-'));
  const slackApi = await startFakeSlackApi();
  const githubApi = await startFakeGithubApi();
  const discordApi = await new FakeDiscord(BOT_TOKEN).start();
  const discordKeys = ed25519();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  // Links (banner, share page, downloads) are built from PUBLIC_URL when the routes are made, so
  // the port is chosen before the platform is assembled.
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    UPKEEP_DATA_DIR: dataDir,
    CURRENCY: 'EUR',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-demo',
    SLACK_API_URL: slackApi.apiUrl,
    GITHUB_APP_ID: '123',
    GITHUB_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    GITHUB_API_URL: githubApi.url,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: discordKeys.publicKeyHex,
    DISCORD_BOT_TOKEN: BOT_TOKEN,
    DISCORD_API_URL: discordApi.url,
  });
  const db = await openDatabase(config.database);
  const services = createServices({ config, db, clock: systemClock, log: createLogger('warn') });
  const platform = await assemblePlatform(services);
  const http = createHttpApp({ ...httpBasics(services, platform.probes), routes: platform.routes, mounts: platform.mounts });
  const url = await http.listen(port, '127.0.0.1');
  const slack = new SlackDriver(url, slackApi);

  const github = async (event: string, payload: unknown) => {
    const body = JSON.stringify(payload);
    const res = await fetch(`${url}/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(GITHUB_SECRET, body) },
      body,
    });
    if (res.status >= 300) throw new Error(`GitHub delivery ${event} answered ${res.status}: ${await res.text()}`);
  };
  const [owner, name] = REPO.split('/') as [string, string];
  const repository = { id: 1, full_name: REPO, name, owner: { login: owner }, default_branch: 'main' };
  const installation = { id: 42 };
  let commentId = 1000;
  const comment = (login: string, body: string) =>
    github('issue_comment', {
      action: 'created',
      installation,
      repository,
      sender: { login, type: 'User' },
      issue: { number: 7, title: 'Keyboard navigation in the date picker', body: 'Arrow keys should move between days.' },
      comment: { id: ++commentId, body, user: { login, type: 'User' } },
    });
  const slackSays = async (userId: string, text: string) => {
    const r = await slack.command(TEAM, userId, text);
    let reply = String(r.json?.text ?? '');
    // Slow work is acknowledged at once and answered through response_url.
    if (/Working on it/.test(reply)) {
      await new Promise((done) => setTimeout(done, 1500));
      reply = String(slackApi.calls.filter((c) => c.method === 'respond').at(-1)?.params.text ?? reply);
    }
    show(`/upkeep ${text} → ${firstLine(reply)}`);
  };

  try {
    console.log(`Upkeep demo on ${url} (embedded PGlite in ${dataDir}; payments offline)`);

    say('A company sets up in Slack, declares its dependencies, sets a budget and spreads 100 points');
    await slackSays(ADMIN, 'setup Acme Corp');
    await slackSays(ADMIN, 'budget 1,000 EUR');
    await slackSays(ADMIN, 'deps add npm:react-widgets npm:date-fns pypi:requests npm:left-pad');
    await slackSays(ADMIN, 'allocate npm:react-widgets=40 npm:date-fns=30 pypi:requests=30');
    show('(refused: at most 34 points per package)');
    await slackSays(ADMIN, 'allocate npm:react-widgets=34 npm:date-fns=33 pypi:requests=33');
    await slackSays('U0INTERN', 'budget 5000');
    show('(refused: only company admins change the budget)');

    say(`Maintainers opt ${REPO} in with .github/upkeep.yml; GitHub App installation event`);
    githubApi.addRepo(REPO, {
      installationId: 42,
      license: 'MIT',
      files: { '.github/upkeep.yml': 'packages: [npm:react-widgets]\nmaintainers:\n  alice: 60\n  bob: 40\naccept_terms: 1\ndescription: "Accessible React widgets"\n' },
      permissions: { alice: 'admin', bob: 'write', zoe: 'read' },
    });
    await github('installation', { action: 'created', installation, repositories: [{ full_name: REPO }] });
    const profile = (await services.packages.profiles(['npm:react-widgets' as never])).get('npm:react-widgets' as never);
    show(`npm:react-widgets maintainers: ${profile?.maintainers.map((m) => `${m.login} ${m.share} %`).join(', ')}`);

    say('A user opens a wish from an issue; a reader may not quote, a maintainer does');
    await comment('zoe', 'We need this for accessibility.\n/wish 20');
    await comment('zoe', '/quote 500 EUR 2w');
    await comment('alice', '/spec Roving tabindex over the grid, arrow keys, Home/End, PageUp/PageDown.\n');
    await comment('alice', '/quote 300 EUR 2 weeks');
    let wish = await services.wishes.get(`${REPO}#7` as never);
    show(`wish ${wish?.id}: ${wish?.status}, quote ${wish?.quote ? formatMoney({ amount: wish.quote.amount, currency: 'EUR' }) : '—'}, deadline ${wish?.deadline?.toISOString().slice(0, 10)}`);
    show(`replies on the issue: ${githubApi.of('POST', /\/issues\/7\/comments$/).length} (one status comment, edited in place ${githubApi.of('PATCH', /\/issues\/comments\//).length} times)`);

    say('The community pledges from Discord and GitHub');
    const ada = user('ada');
    const interaction = guildInteraction(2, slash('pledge', [{ name: 'wish', value: `${REPO}#7` }, { name: 'amount', value: '250' }]), ada);
    const body = JSON.stringify(interaction);
    const res = await fetch(`${url}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(discordKeys.privateKey, body) }, body });
    show(`Discord /pledge 250 → HTTP ${res.status} (ephemeral confirmation, payments offline)`);
    await comment('bob', '/pledge 30');
    await new Promise((r) => setTimeout(r, 500));
    wish = await services.wishes.get(`${REPO}#7` as never);
    show(`pledges recorded: ${wish?.pledges.map((p) => `${p.pledger.display} ${formatMoney({ amount: p.amount, currency: 'EUR' })} (${p.status})`).join(', ')}`);

    say('Payments are offline: the operator marks the pledges paid (`npm run upkeep -- payments:mark-paid <id>`)');
    const pending = await db.prisma.payment.findMany({ where: { kind: 'pledge', status: 'pending' }, orderBy: { createdAt: 'asc' } });
    for (const p of pending) {
      const r = await runPaymentsCommand(operatorDeps(services), 'payments:mark-paid', [p.id]);
      show(firstLine(r.lines.join(' ')));
    }
    wish = await services.wishes.get(`${REPO}#7` as never);
    show(`wish is now ${wish?.status}`);

    say('The maintainer starts and delivers; the wish escrow is released to alice and bob by their shares');
    await comment('alice', '/start');
    await comment('alice', '/deliver #8');
    wish = await services.wishes.get(`${REPO}#7` as never);
    show(`wish is now ${wish?.status}`);

    say('Month-end: the operator closes the current month early (the scheduled job does this on the 1st)');
    const period = new Date().toISOString().slice(0, 7);
    const report = await closePeriod({
      ledger: services.ledger,
      clock: services.clock,
      period: period as never,
      announce: { outbox: services.outbox, currency: 'EUR' },
    });
    show(`${period}: ${report.companies} company, ${report.planned} ledger transactions`);
    const balances = await db.prisma.$queryRawUnsafe<{ account_key: string; balance: bigint }[]>(
      "SELECT account_key, SUM(amount) AS balance FROM ledger_entry e GROUP BY account_key HAVING account_key LIKE 'maintainer:%' OR account_key LIKE 'escrow:%' ORDER BY 1",
    );
    for (const b of balances) show(`${b.account_key.padEnd(60)} ${formatMoney({ amount: Number(b.balance), currency: 'EUR' })}`);

    say("The company reads its receipt through the API with its token; the public sees aggregates only");
    const { token } = await issueOperatorToken(services, 'Acme Corp');
    const receipt = await fetch(`${url}/api/v1/company/receipts?period=${period}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } });
    for (const line of (await receipt.text()).trim().split('\n')) show(line);
    const pkg = (await (await fetch(`${url}/api/v1/packages/npm%3Areact-widgets`)).json()) as { fundingCompanies: number; monthlyTotal: { amount: number }; maintainers: string[] };
    show(`public npm:react-widgets: ${pkg.fundingCompanies} funding company, ${formatMoney({ amount: pkg.monthlyTotal.amount, currency: 'EUR' })} a month, maintainers ${pkg.maintainers.join(', ')}`);
    show(`progress banner: ${url}/widget/wishes/${REPO}/7.svg · share page: ${url}/wishes/${REPO}/7`);

    say('Ledger invariants (`npm run upkeep -- check`)');
    const violations = await checkLedgerInvariants(db.prisma);
    show(violations.length === 0 ? 'every transaction balances; no pool, escrow or maintainer account is off' : `${violations.length} violation(s)!`);
    if (violations.length > 0) process.exitCode = 1;
  } finally {
    await http.close();
    for (const stop of [...platform.stops].reverse()) await stop().catch(() => {});
    await db.close();
    await slackApi.close();
    await githubApi.close();
    await discordApi.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error('The demo failed:', e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
