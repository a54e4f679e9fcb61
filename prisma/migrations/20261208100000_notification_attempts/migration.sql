-- Issue 14, notification delivery effectively exactly-once: when a row's first delivery attempt
-- began (recorded before anything is posted, so a retry knows an earlier attempt may have
-- posted and looks for that message instead of posting again), and the platform's reference
-- of the message the row was delivered as (Slack channel and ts, Discord channel and message
-- id, GitHub issue and comment id).

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "message_channel" TEXT,
ADD COLUMN     "message_id" TEXT,
ADD COLUMN     "sending_since" TIMESTAMPTZ(3);
