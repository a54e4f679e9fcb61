-- Issue 12, the wish page shows the discussion: the comments of each issue as GitHub delivered
-- them (issue_comment created/edited/deleted). One row per GitHub comment id; an edit replaces
-- the text only when newer, a deletion erases the text and keeps a tombstone so a late edit
-- cannot bring it back.

-- CreateTable
CREATE TABLE "wish_comment" (
    "comment_id" BIGINT NOT NULL,
    "wish_id" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "url" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "wish_comment_pkey" PRIMARY KEY ("comment_id")
);

-- CreateIndex
CREATE INDEX "wish_comment_wish_id_created_at_idx" ON "wish_comment"("wish_id", "created_at");
