-- Up Migration
-- Raised by every role change and disablement. Access tokens carry it as `ver` and verified API
-- keys report it, so the gateway can refuse credentials minted before the change at once instead
-- of waiting for them to expire.
ALTER TABLE auth.users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

-- Admin listing: newest first, keyset-paged.
CREATE INDEX users_created_idx ON auth.users (created_at DESC, id DESC);
-- Audit entries about a user (as target) for the admin audit view.
CREATE INDEX audit_log_target_idx ON auth.audit_log (target, id DESC);

-- Down Migration
DROP INDEX IF EXISTS auth.audit_log_target_idx;
DROP INDEX IF EXISTS auth.users_created_idx;
ALTER TABLE auth.users DROP COLUMN IF EXISTS token_version;
