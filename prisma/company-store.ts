// CompanyStore on PostgreSQL (or PGlite) through the generated Prisma client.
import type { AllocationLine } from '../core/allocation.ts';
import type { PackageId } from '../core/packages.ts';
import type { ApiTokenInfo, Company, CompanyStore, Role, StandingAllocation, Visibility } from '../core/ports/companies.ts';
import type { PrismaClient } from './generated/client.ts';
import { toBigInt, toSafeNumber } from './numbers.ts';
import { byString } from '../core/order.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type CompanyRow = {
  id: string;
  name: string;
  workspace: string;
  budget: bigint | null;
  currency: string;
  visibility: string;
  createdAt: Date;
};

function toCompany(row: CompanyRow): Company {
  return {
    id: row.id,
    name: row.name,
    workspace: row.workspace,
    budget: row.budget === null ? null : toSafeNumber(row.budget, 'budget'),
    currency: row.currency,
    visibility: row.visibility as Visibility,
    createdAt: row.createdAt,
  };
}

export class PrismaCompanyStore implements CompanyStore {
  constructor(private readonly prisma: PrismaClient) {}

  async findByWorkspace(workspace: string): Promise<Company | null> {
    const row = await this.prisma.company.findUnique({ where: { workspace } });
    return row && toCompany(row);
  }

  async findById(id: string): Promise<Company | null> {
    // The column is a UUID: anything else would be a database error, not "not found".
    if (!UUID.test(id)) return null;
    const row = await this.prisma.company.findUnique({ where: { id } });
    return row && toCompany(row);
  }

  async create(input: { name: string; workspace: string; currency: string; adminRef: string }): Promise<Company | null> {
    return this.prisma.$transaction(async (tx) => {
      // ON CONFLICT DO NOTHING: a concurrent setup in the same workspace yields no row instead of aborting.
      const [row] = await tx.company.createManyAndReturn({
        data: [{ name: input.name, workspace: input.workspace, currency: input.currency }],
        skipDuplicates: true,
      });
      if (!row) return null;
      await tx.member.create({ data: { companyId: row.id, userRef: input.adminRef, role: 'admin' } });
      return toCompany(row);
    });
  }

  async roleOf(companyId: string, userRef: string): Promise<Role | null> {
    if (!UUID.test(companyId)) return null;
    const row = await this.prisma.member.findUnique({ where: { companyId_userRef: { companyId, userRef } } });
    return (row?.role as Role | undefined) ?? null;
  }

  async admins(companyId: string): Promise<string[]> {
    if (!UUID.test(companyId)) return [];
    const rows = await this.prisma.member.findMany({ where: { companyId, role: 'admin' }, orderBy: [{ createdAt: 'asc' }, { userRef: 'asc' }], select: { userRef: true } });
    return rows.map((r) => r.userRef);
  }

  async setRole(companyId: string, userRef: string, role: Role): Promise<void> {
    await this.prisma.member.upsert({
      where: { companyId_userRef: { companyId, userRef } },
      create: { companyId, userRef, role },
      update: { role },
    });
  }

  async setBudget(companyId: string, budget: number): Promise<void> {
    await this.prisma.company.update({ where: { id: companyId }, data: { budget: toBigInt(budget, 'budget') } });
  }

  async setVisibility(companyId: string, visibility: Visibility): Promise<void> {
    await this.prisma.company.update({ where: { id: companyId }, data: { visibility } });
  }

  async dependencies(companyId: string): Promise<PackageId[]> {
    const rows = await this.prisma.dependency.findMany({ where: { companyId }, select: { packageId: true } });
    return rows.map((r) => r.packageId as PackageId).sort(byString);
  }

  async addDependencies(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]> {
    if (packages.length === 0) return [];
    const rows = await this.prisma.dependency.createManyAndReturn({
      data: unique(packages).map((packageId) => ({ companyId, packageId })),
      skipDuplicates: true,
      select: { packageId: true },
    });
    return rows.map((r) => r.packageId as PackageId).sort(byString);
  }

  async removeDependencies(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]> {
    if (packages.length === 0) return [];
    const where = { companyId, packageId: { in: unique(packages) } };
    const [present] = await this.prisma.$transaction([
      this.prisma.dependency.findMany({ where, select: { packageId: true } }),
      this.prisma.dependency.deleteMany({ where }),
    ]);
    return present.map((r) => r.packageId as PackageId).sort(byString);
  }

  async ownedPackages(companyId: string): Promise<PackageId[]> {
    const rows = await this.prisma.ownedPackage.findMany({ where: { companyId }, select: { packageId: true } });
    return rows.map((r) => r.packageId as PackageId).sort(byString);
  }

  async addOwned(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]> {
    if (packages.length === 0) return [];
    const rows = await this.prisma.ownedPackage.createManyAndReturn({
      data: unique(packages).map((packageId) => ({ companyId, packageId })),
      skipDuplicates: true,
      select: { packageId: true },
    });
    return rows.map((r) => r.packageId as PackageId).sort(byString);
  }

  async removeOwned(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]> {
    if (packages.length === 0) return [];
    const where = { companyId, packageId: { in: unique(packages) } };
    const [present] = await this.prisma.$transaction([
      this.prisma.ownedPackage.findMany({ where, select: { packageId: true } }),
      this.prisma.ownedPackage.deleteMany({ where }),
    ]);
    return present.map((r) => r.packageId as PackageId).sort(byString);
  }

  async standingAllocation(companyId: string): Promise<StandingAllocation | null> {
    const row = await this.prisma.allocation.findFirst({
      where: { companyId },
      orderBy: { id: 'desc' },
      include: { lines: true },
    });
    return row && toStanding(row);
  }

  /** Every allocation version, newest first (the first is the standing one). */
  async allocationHistory(companyId: string, limit = 50): Promise<StandingAllocation[]> {
    const rows = await this.prisma.allocation.findMany({
      where: { companyId },
      orderBy: { id: 'desc' },
      take: limit,
      include: { lines: true },
    });
    return rows.map(toStanding);
  }

  async saveAllocation(companyId: string, lines: readonly AllocationLine[], createdBy: string): Promise<void> {
    // One statement: the version and its lines appear together or not at all.
    await this.prisma.allocation.create({
      data: {
        companyId,
        createdBy,
        lines: { createMany: { data: lines.map((l) => ({ packageId: l.package, points: l.points })) } },
      },
    });
  }

  async replaceToken(companyId: string, tokenHash: string, createdBy: string, prefix?: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.apiToken.updateMany({ where: { companyId, revokedAt: null }, data: { revokedAt: new Date() } });
      await tx.$executeRawUnsafe(
        'INSERT INTO api_token (id, company_id, hash, prefix, created_by) VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4)',
        companyId,
        tokenHash,
        prefix ?? null,
        createdBy,
      );
    });
  }

  async findByIds(ids: readonly string[]): Promise<Company[]> {
    const valid = [...new Set(ids)].filter((id) => UUID.test(id));
    if (valid.length === 0) return [];
    const rows = await this.prisma.company.findMany({ where: { id: { in: valid } } });
    return rows.map(toCompany);
  }

  async addToken(input: { companyId: string; tokenHash: string; prefix: string; name: string | null; createdBy: string }): Promise<ApiTokenInfo> {
    const rows = await this.prisma.$queryRawUnsafe<TokenRow[]>(
      `INSERT INTO api_token (id, company_id, hash, name, prefix, created_by) VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5)
       RETURNING id, prefix, name, created_by, created_at`,
      input.companyId,
      input.tokenHash,
      input.name,
      input.prefix,
      input.createdBy,
    );
    return toTokenInfo(rows[0]!);
  }

  async listTokens(companyId: string): Promise<ApiTokenInfo[]> {
    if (!UUID.test(companyId)) return [];
    const rows = await this.prisma.$queryRawUnsafe<TokenRow[]>(
      'SELECT id, prefix, name, created_by, created_at FROM api_token WHERE company_id = $1::uuid AND revoked_at IS NULL ORDER BY created_at, id',
      companyId,
    );
    return rows.map(toTokenInfo);
  }

  async revokeToken(companyId: string, tokenId: string, at: Date): Promise<boolean> {
    if (!UUID.test(companyId) || !UUID.test(tokenId)) return false;
    // Scoped to the company: an id of another company's token revokes nothing.
    const revoked = await this.prisma.apiToken.updateMany({ where: { id: tokenId, companyId, revokedAt: null }, data: { revokedAt: at } });
    return revoked.count === 1;
  }

  async findByTokenHash(tokenHash: string): Promise<Company | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { hash: tokenHash }, include: { company: true } });
    if (!row || row.revokedAt !== null) return null;
    return toCompany(row.company);
  }
}

interface TokenRow {
  id: string;
  prefix: string | null;
  name: string | null;
  created_by: string;
  created_at: Date;
}

const toTokenInfo = (r: TokenRow): ApiTokenInfo => ({ id: r.id, prefix: r.prefix, name: r.name, createdBy: r.created_by, createdAt: new Date(r.created_at) });

function toStanding(row: { createdAt: Date; createdBy: string; lines: { packageId: string; points: number }[] }): StandingAllocation {
  return {
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    // Code-unit order, as the close sorts (a database collation might order differently).
    lines: row.lines.map((l) => ({ package: l.packageId as PackageId, points: l.points })).sort((a, b) => byString(a.package, b.package)),
  };
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];
