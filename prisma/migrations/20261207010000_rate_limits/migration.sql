-- Issue 14, abuse: counters of attempts per fixed window (wishes, pledges and checkout links
-- per user and per address), in the database so that every instance of the platform shares them.

-- CreateTable
CREATE TABLE "rate_limit_counter" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "window_end" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "rate_limit_counter_pkey" PRIMARY KEY ("key","window_start")
);

-- CreateIndex
CREATE INDEX "rate_limit_counter_window_end_idx" ON "rate_limit_counter"("window_end");
