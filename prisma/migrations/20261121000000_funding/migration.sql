-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "company" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "budget" BIGINT,
    "currency" TEXT NOT NULL,
    "visibility" TEXT NOT NULL DEFAULT 'anonymous',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "company_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member" (
    "company_id" UUID NOT NULL,
    "user_ref" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_pkey" PRIMARY KEY ("company_id","user_ref")
);

-- CreateTable
CREATE TABLE "dependency" (
    "company_id" UUID NOT NULL,
    "package_id" TEXT NOT NULL,
    "added_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dependency_pkey" PRIMARY KEY ("company_id","package_id")
);

-- CreateTable
CREATE TABLE "owned_package" (
    "company_id" UUID NOT NULL,
    "package_id" TEXT NOT NULL,
    "added_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "owned_package_pkey" PRIMARY KEY ("company_id","package_id")
);

-- CreateTable
CREATE TABLE "allocation" (
    "id" BIGSERIAL NOT NULL,
    "company_id" UUID NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allocation_line" (
    "allocation_id" BIGINT NOT NULL,
    "package_id" TEXT NOT NULL,
    "points" INTEGER NOT NULL,

    CONSTRAINT "allocation_line_pkey" PRIMARY KEY ("allocation_id","package_id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "company_id" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "period" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMP(3),

    CONSTRAINT "period_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "period_allocation" (
    "period_id" TEXT NOT NULL,
    "company_id" UUID NOT NULL,
    "budget" BIGINT NOT NULL,
    "package_id" TEXT NOT NULL,
    "points" INTEGER NOT NULL,

    CONSTRAINT "period_allocation_pkey" PRIMARY KEY ("period_id","company_id","package_id")
);

-- CreateTable
CREATE TABLE "period_maintainer_share" (
    "period_id" TEXT NOT NULL,
    "package_id" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "share" INTEGER NOT NULL,

    CONSTRAINT "period_maintainer_share_pkey" PRIMARY KEY ("period_id","package_id","login")
);

-- CreateTable
CREATE TABLE "ledger_account" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "company_id" UUID,
    "package_id" TEXT,
    "login" TEXT,
    "origin_period" TEXT,

    CONSTRAINT "ledger_account_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ledger_transaction" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "period" TEXT,
    "memo" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entry" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "account_key" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "ledger_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repository" (
    "id" TEXT NOT NULL,
    "installation_id" BIGINT,
    "opted_in" BOOLEAN NOT NULL DEFAULT false,
    "terms_version" INTEGER,
    "license" TEXT,
    "description" TEXT,
    "needs" TEXT,
    "contact" TEXT,
    "last_activity_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repository_maintainer" (
    "repository_id" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "share" INTEGER NOT NULL,

    CONSTRAINT "repository_maintainer_pkey" PRIMARY KEY ("repository_id","login")
);

-- CreateTable
CREATE TABLE "package_claim" (
    "package_id" TEXT NOT NULL,
    "repository_id" TEXT NOT NULL,
    "claimed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "package_claim_pkey" PRIMARY KEY ("package_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "company_workspace_key" ON "company"("workspace");

-- CreateIndex
CREATE INDEX "allocation_company_id_id_idx" ON "allocation"("company_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"("hash");

-- CreateIndex
CREATE INDEX "ledger_account_kind_package_id_idx" ON "ledger_account"("kind", "package_id");

-- CreateIndex
CREATE INDEX "ledger_account_company_id_idx" ON "ledger_account"("company_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transaction_key_key" ON "ledger_transaction"("key");

-- CreateIndex
CREATE INDEX "ledger_transaction_period_kind_idx" ON "ledger_transaction"("period", "kind");

-- CreateIndex
CREATE INDEX "ledger_entry_transaction_id_idx" ON "ledger_entry"("transaction_id");

-- CreateIndex
CREATE INDEX "ledger_entry_account_key_idx" ON "ledger_entry"("account_key");

-- CreateIndex
CREATE INDEX "package_claim_repository_id_idx" ON "package_claim"("repository_id");

-- AddForeignKey
ALTER TABLE "member" ADD CONSTRAINT "member_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dependency" ADD CONSTRAINT "dependency_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "owned_package" ADD CONSTRAINT "owned_package_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation_line" ADD CONSTRAINT "allocation_line_allocation_id_fkey" FOREIGN KEY ("allocation_id") REFERENCES "allocation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_account_key_fkey" FOREIGN KEY ("account_key") REFERENCES "ledger_account"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "repository_maintainer" ADD CONSTRAINT "repository_maintainer_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repository"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "package_claim" ADD CONSTRAINT "package_claim_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repository"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Invariants the database keeps even if application code is wrong.
ALTER TABLE "company" ADD CONSTRAINT "company_budget_non_negative" CHECK ("budget" IS NULL OR "budget" >= 0);
ALTER TABLE "company" ADD CONSTRAINT "company_visibility_known" CHECK ("visibility" IN ('anonymous', 'identifiable'));
ALTER TABLE "member" ADD CONSTRAINT "member_role_known" CHECK ("role" IN ('admin', 'member'));
ALTER TABLE "allocation_line" ADD CONSTRAINT "allocation_line_points_range" CHECK ("points" BETWEEN 1 AND 34);
ALTER TABLE "repository_maintainer" ADD CONSTRAINT "repository_maintainer_share_range" CHECK ("share" BETWEEN 1 AND 100);
ALTER TABLE "period" ADD CONSTRAINT "period_id_format" CHECK ("id" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$');
ALTER TABLE "period" ADD CONSTRAINT "period_status_known" CHECK ("status" IN ('closing', 'closed'));
ALTER TABLE "period_allocation" ADD CONSTRAINT "period_allocation_budget_non_negative" CHECK ("budget" >= 0);
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_amount_non_zero" CHECK ("amount" <> 0);

-- The ledger is append-only: corrections are new transactions, never edits.
CREATE FUNCTION "upkeep_refuse_ledger_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER "ledger_transaction_append_only" BEFORE UPDATE OR DELETE ON "ledger_transaction"
  FOR EACH ROW EXECUTE FUNCTION "upkeep_refuse_ledger_change"();
CREATE TRIGGER "ledger_entry_append_only" BEFORE UPDATE OR DELETE ON "ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION "upkeep_refuse_ledger_change"();
CREATE TRIGGER "ledger_transaction_no_truncate" BEFORE TRUNCATE ON "ledger_transaction"
  FOR EACH STATEMENT EXECUTE FUNCTION "upkeep_refuse_ledger_change"();
CREATE TRIGGER "ledger_entry_no_truncate" BEFORE TRUNCATE ON "ledger_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION "upkeep_refuse_ledger_change"();
-- A closed period stays closed.
CREATE FUNCTION "upkeep_refuse_reopen"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'closed' THEN
    RAISE EXCEPTION 'period % is closed and cannot change', OLD."id";
  END IF;
  RETURN COALESCE(NEW, OLD);
END;
$$;
CREATE TRIGGER "period_closed_is_final" BEFORE UPDATE OR DELETE ON "period"
  FOR EACH ROW EXECUTE FUNCTION "upkeep_refuse_reopen"();
