// Direct seeding for integration tests of the ledger side (companies, allocations, maintainers),
// written through Prisma so tests of the close do not depend on the chat use-cases.
import type { PrismaClient } from '../prisma/generated/client.ts';

export interface SeedCompany {
  name: string;
  budget: number;
  allocation: Record<string, number>;
  createdAt?: Date;
}

export async function seedCompany(prisma: PrismaClient, c: SeedCompany): Promise<string> {
  const company = await prisma.company.create({
    data: { name: c.name, workspace: `test:${c.name}:${Math.random().toString(36).slice(2)}`, currency: 'EUR', budget: BigInt(c.budget) },
  });
  const packages = Object.keys(c.allocation);
  await prisma.dependency.createMany({ data: packages.map((packageId) => ({ companyId: company.id, packageId })) });
  await prisma.allocation.create({
    data: {
      companyId: company.id,
      createdBy: 'test:admin',
      createdAt: c.createdAt ?? new Date('2026-01-01T00:00:00Z'),
      lines: { create: Object.entries(c.allocation).map(([packageId, points]) => ({ packageId, points })) },
    },
  });
  return company.id;
}

export async function seedRepository(
  prisma: PrismaClient,
  repo: string,
  packages: string[],
  maintainers: Record<string, number>,
  lastActivityAt: Date | null = new Date(),
): Promise<void> {
  await prisma.repository.create({
    data: {
      id: repo,
      optedIn: true,
      termsVersion: 1,
      license: 'MIT',
      lastActivityAt,
      maintainers: { create: Object.entries(maintainers).map(([login, share]) => ({ login, share })) },
      packages: { create: packages.map((packageId) => ({ packageId })) },
    },
  });
}
