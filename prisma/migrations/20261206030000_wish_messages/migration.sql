-- Issue 13, live wish cards and tidy replies: the messages the bot posted about a wish and keeps
-- up to date. Discord cards (notices and /wish replies) are edited in place when their wish
-- changes; the reply to a GitHub `/pledge` comment is edited to say "paid" once that pledge is.

-- CreateTable
CREATE TABLE "wish_message" (
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "wish_id" TEXT NOT NULL,
    "pledge_id" TEXT,
    "state" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wish_message_pkey" PRIMARY KEY ("kind","channel","message_id")
);

-- CreateIndex
CREATE INDEX "wish_message_wish_id_kind_idx" ON "wish_message"("wish_id", "kind");
