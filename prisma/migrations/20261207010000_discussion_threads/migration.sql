-- Issue 13, discussion threads: a Discord thread per (wish, channel) following its repository,
-- the Discord message that shows each relayed issue comment (edits and deletions follow it),
-- and named leases so exactly one process holds the Discord Gateway connection.

-- CreateTable
CREATE TABLE "wish_thread" (
    "wish_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "thread_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wish_thread_pkey" PRIMARY KEY ("wish_id","channel")
);

-- CreateTable
CREATE TABLE "thread_relay" (
    "comment_id" BIGINT NOT NULL,
    "channel" TEXT NOT NULL,
    "thread_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "thread_relay_pkey" PRIMARY KEY ("comment_id","channel")
);

-- CreateTable
CREATE TABLE "lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "wish_thread_thread_id_key" ON "wish_thread"("thread_id");

-- CreateIndex
CREATE UNIQUE INDEX "thread_relay_message_id_key" ON "thread_relay"("message_id");
