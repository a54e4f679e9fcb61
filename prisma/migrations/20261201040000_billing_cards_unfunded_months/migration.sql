-- Issue 11, companies pay from Slack: the card on file is shown (brand, last 4, expiry), and a
-- month left unfunded by a failed budget charge keeps its frozen allocation, so a late charge
-- can distribute it to the same period by the allocation and shares of that period.

-- AlterTable
ALTER TABLE "company_billing" ADD COLUMN "card_brand" TEXT,
ADD COLUMN "card_last4" TEXT,
ADD COLUMN "card_exp_month" INTEGER,
ADD COLUMN "card_exp_year" INTEGER;

-- CreateTable
CREATE TABLE "period_unfunded_allocation" (
    "period_id" TEXT NOT NULL,
    "company_id" UUID NOT NULL,
    "budget" BIGINT NOT NULL,
    "package_id" TEXT NOT NULL,
    "points" INTEGER NOT NULL,

    CONSTRAINT "period_unfunded_allocation_pkey" PRIMARY KEY ("period_id","company_id","package_id")
);
