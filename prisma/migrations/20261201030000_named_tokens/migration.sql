-- Company API tokens get a name and their first characters (`upk_AbCdEf`), so a company can
-- keep several, tell them apart in lists and revoke one; the token itself is still never stored.
ALTER TABLE "api_token" ADD COLUMN "name" TEXT;
ALTER TABLE "api_token" ADD COLUMN "prefix" TEXT;

-- CreateIndex
CREATE INDEX "api_token_company_id_revoked_at_idx" ON "api_token"("company_id", "revoked_at");

-- A maintainer's repositories (the account page) are found by login.
CREATE INDEX "repository_maintainer_login_idx" ON "repository_maintainer"("login");
