import type { AllocationLine } from '../allocation.ts';
import type { PackageId } from '../packages.ts';

export type Visibility = 'anonymous' | 'identifiable';
export type Role = 'admin' | 'member';

/** Who acts: a user of a chat workspace (or the operator CLI). */
export interface Actor {
  /** Platform user reference, e.g. `slack:U0123`. */
  readonly userRef: string;
  /** The verified workspace the request came from, e.g. `slack:T0123`; never typed by the user. */
  readonly workspace: string;
}

export interface Company {
  readonly id: string;
  readonly name: string;
  readonly workspace: string;
  /** Monthly budget in minor units of `currency`, null until an admin sets it. */
  readonly budget: number | null;
  readonly currency: string;
  readonly visibility: Visibility;
  readonly createdAt: Date;
}

export interface StandingAllocation {
  readonly lines: readonly AllocationLine[];
  readonly createdAt: Date;
  readonly createdBy: string;
}

/** Persistence of companies and their choices. Implemented in prisma/. */
export interface CompanyStore {
  findByWorkspace(workspace: string): Promise<Company | null>;
  findById(id: string): Promise<Company | null>;
  /** Creates the company with `adminRef` as its first admin; null when the workspace already has one. */
  create(input: { name: string; workspace: string; currency: string; adminRef: string }): Promise<Company | null>;
  /** Explicit role; users of the workspace without one are plain members. */
  roleOf(companyId: string, userRef: string): Promise<Role | null>;
  setRole(companyId: string, userRef: string, role: Role): Promise<void>;
  /** The user references of the company's admins (e.g. `slack:U0123`), in the order they became admins. */
  admins(companyId: string): Promise<string[]>;
  setBudget(companyId: string, budget: number): Promise<void>;
  setVisibility(companyId: string, visibility: Visibility): Promise<void>;

  dependencies(companyId: string): Promise<PackageId[]>;
  /** Returns the packages that were not already declared. */
  addDependencies(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]>;
  /** Returns the packages that were declared and are now removed. */
  removeDependencies(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]>;
  ownedPackages(companyId: string): Promise<PackageId[]>;
  addOwned(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]>;
  removeOwned(companyId: string, packages: readonly PackageId[]): Promise<PackageId[]>;

  standingAllocation(companyId: string): Promise<StandingAllocation | null>;
  /** Appends a new allocation version; earlier ones are kept as history. */
  saveAllocation(companyId: string, lines: readonly AllocationLine[], createdBy: string): Promise<void>;

  /** Stores a token hash for the company, revoking earlier ones (`prefix`: the token's first characters, shown in lists). */
  replaceToken(companyId: string, tokenHash: string, createdBy: string, prefix?: string): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<Company | null>;

  /** The companies with these ids that exist (any order). */
  findByIds(ids: readonly string[]): Promise<Company[]>;
  /** Adds a token beside the company's others (nothing is revoked). */
  addToken(input: { companyId: string; tokenHash: string; prefix: string; name: string | null; createdBy: string }): Promise<ApiTokenInfo>;
  /** The company's tokens not revoked, oldest first. */
  listTokens(companyId: string): Promise<ApiTokenInfo[]>;
  /** Revokes one of the company's tokens; false when it has no such token still active. */
  revokeToken(companyId: string, tokenId: string, at: Date): Promise<boolean>;
}

/** A company API token as lists show it: never the token, only its first characters. */
export interface ApiTokenInfo {
  readonly id: string;
  /** `upk_` and the next characters of the token, null for tokens issued before prefixes were kept. */
  readonly prefix: string | null;
  readonly name: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}
