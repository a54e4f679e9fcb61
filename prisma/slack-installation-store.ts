// Slack OAuth installations (multi-workspace mode) in the `slack_installation` table, in the
// shape Bolt's InstallProvider stores and fetches. Id: `T0123`, `E01:T0123` (a workspace of an
// Enterprise Grid) or `E01` (an org-wide install). Implements bots/slack's SlackInstallations
// (Bolt's InstallationStore plus the bot token of a team, for notices).
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Prisma, PrismaClient } from './generated/client.ts';

/** The row id of an installation or of a query for one. */
export function installationId(q: { isEnterpriseInstall?: boolean; enterpriseId?: string | undefined; teamId?: string | undefined }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return q.enterpriseId;
  if (!q.teamId) throw new Error('a Slack installation needs a team id (or an enterprise id for org-wide installs)');
  return q.enterpriseId ? `${q.enterpriseId}:${q.teamId}` : q.teamId;
}

export class PrismaSlackInstallationStore implements InstallationStore {
  constructor(private readonly prisma: PrismaClient) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const id = installationId({
      isEnterpriseInstall: installation.isEnterpriseInstall,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    const data = JSON.parse(JSON.stringify(installation)) as Prisma.InputJsonValue;
    await this.prisma.slackInstallation.upsert({
      where: { id },
      create: { id, teamId: installation.team?.id ?? null, enterpriseId: installation.enterprise?.id ?? null, installation: data },
      update: { installation: data, updatedAt: new Date() },
    });
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const row = await this.prisma.slackInstallation.findUnique({ where: { id: installationId(query) } });
    // An org-wide install also answers for every workspace of its enterprise.
    const fallback = !row && query.enterpriseId ? await this.prisma.slackInstallation.findUnique({ where: { id: query.enterpriseId } }) : null;
    const found = row ?? fallback;
    if (!found) throw new Error(`no Slack installation for ${installationId(query)}`);
    return found.installation as unknown as Installation<'v1' | 'v2', boolean>;
  }

  /** The bot token of the installation serving `teamId` (its row id or its team), null when none. */
  async botTokenOf(teamId: string): Promise<string | null> {
    const row = await this.prisma.slackInstallation.findFirst({ where: { OR: [{ id: teamId }, { teamId }] } });
    const installation = row?.installation as { bot?: { token?: unknown } } | null | undefined;
    return typeof installation?.bot?.token === 'string' ? installation.bot.token : null;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.prisma.slackInstallation.deleteMany({ where: { id: installationId(query) } });
  }
}
