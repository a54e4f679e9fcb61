-- CreateTable
CREATE TABLE "slack_installation" (
    "id" TEXT NOT NULL,
    "team_id" TEXT,
    "enterprise_id" TEXT,
    "installation" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slack_installation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscription" (
    "id" BIGSERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "company_id" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "wish_id" TEXT,
    "pledge_id" TEXT,
    "company_id" UUID,
    "period" TEXT,
    "login" TEXT,
    "external_id" TEXT,
    "url" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "company_billing" (
    "company_id" UUID NOT NULL,
    "customer_id" TEXT,
    "payment_method_id" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "company_billing_pkey" PRIMARY KEY ("company_id")
);

-- CreateTable
CREATE TABLE "maintainer_account" (
    "login" TEXT NOT NULL,
    "account_id" TEXT,
    "payouts_enabled" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintainer_account_pkey" PRIMARY KEY ("login")
);

-- CreateTable
CREATE TABLE "wish" (
    "id" TEXT NOT NULL,
    "repository_id" TEXT NOT NULL,
    "issue_number" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "deadline" TIMESTAMP(3),
    "status_comment_id" BIGINT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wish_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wish_event" (
    "id" BIGSERIAL NOT NULL,
    "wish_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "wish_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbound_event" (
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "kind" TEXT,
    "payload" JSONB,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_event_pkey" PRIMARY KEY ("source","external_id")
);

-- CreateTable
CREATE TABLE "identity_link" (
    "user_ref" TEXT NOT NULL,
    "github_login" TEXT,
    "pending_login" TEXT,
    "code_hash" TEXT,
    "expires_at" TIMESTAMP(3),
    "confirmed_at" TIMESTAMP(3),

    CONSTRAINT "identity_link_pkey" PRIMARY KEY ("user_ref")
);

-- CreateIndex
CREATE INDEX "subscription_target_idx" ON "subscription"("target");

-- CreateIndex
CREATE UNIQUE INDEX "subscription_platform_channel_target_key" ON "subscription"("platform", "channel", "target");

-- CreateIndex
CREATE UNIQUE INDEX "notification_key_key" ON "notification"("key");

-- CreateIndex
CREATE INDEX "notification_status_idx" ON "notification"("status");

-- CreateIndex
CREATE UNIQUE INDEX "payment_idempotency_key_key" ON "payment"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "payment_external_id_key" ON "payment"("external_id");

-- CreateIndex
CREATE INDEX "payment_wish_id_idx" ON "payment"("wish_id");

-- CreateIndex
CREATE INDEX "payment_company_id_period_idx" ON "payment"("company_id", "period");

-- CreateIndex
CREATE INDEX "payment_kind_status_idx" ON "payment"("kind", "status");

-- CreateIndex
CREATE UNIQUE INDEX "maintainer_account_account_id_key" ON "maintainer_account"("account_id");

-- CreateIndex
CREATE INDEX "wish_repository_id_status_idx" ON "wish"("repository_id", "status");

-- CreateIndex
CREATE INDEX "wish_status_deadline_idx" ON "wish"("status", "deadline");

-- CreateIndex
CREATE INDEX "wish_event_wish_id_id_idx" ON "wish_event"("wish_id", "id");

-- CreateIndex
CREATE INDEX "identity_link_github_login_idx" ON "identity_link"("github_login");

-- AddForeignKey
ALTER TABLE "wish_event" ADD CONSTRAINT "wish_event_wish_id_fkey" FOREIGN KEY ("wish_id") REFERENCES "wish"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Invariants the database keeps even if application code is wrong.
ALTER TABLE "wish" ADD CONSTRAINT "wish_status_known" CHECK ("status" IN ('open', 'quoted', 'funded', 'in_progress', 'delivered', 'cancelled', 'expired'));
ALTER TABLE "payment" ADD CONSTRAINT "payment_kind_known" CHECK ("kind" IN ('pledge', 'refund', 'budget_charge', 'payout', 'setup'));
ALTER TABLE "payment" ADD CONSTRAINT "payment_provider_known" CHECK ("provider" IN ('stripe', 'offline'));
ALTER TABLE "payment" ADD CONSTRAINT "payment_status_known" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'cancelled'));
ALTER TABLE "payment" ADD CONSTRAINT "payment_amount_non_negative" CHECK ("amount" >= 0);
ALTER TABLE "notification" ADD CONSTRAINT "notification_status_known" CHECK ("status" IN ('pending', 'delivered', 'failed'));
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_platform_known" CHECK ("platform" IN ('slack', 'discord'));
-- The wish event log is append-only, like the ledger.
CREATE TRIGGER "wish_event_append_only" BEFORE UPDATE OR DELETE ON "wish_event"
  FOR EACH ROW EXECUTE FUNCTION "upkeep_refuse_ledger_change"();
