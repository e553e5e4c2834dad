-- Up Migration
-- Everything lives in schema auth (created by the migration runner); no other service writes here.

CREATE TABLE auth.users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored lower-case so uniqueness is case-insensitive without citext.
  email         text NOT NULL UNIQUE CHECK (email = lower(email)),
  -- argon2id PHC string (parameters and salt included)
  password_hash text NOT NULL,
  role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'premium', 'admin')),
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per issued refresh token. Tokens of one login form a family (rotation chain); the
-- token itself is never stored, only its sha256.
CREATE TABLE auth.refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  family_id   uuid NOT NULL,
  token_hash  bytea NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  -- The token that replaced this one on rotation; set together with revoked_at.
  replaced_by uuid REFERENCES auth.refresh_tokens (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON auth.refresh_tokens (family_id) WHERE revoked_at IS NULL;
CREATE INDEX refresh_tokens_user_idx ON auth.refresh_tokens (user_id);

-- The full key is shown once at creation; only its visible prefix and sha256 are kept.
CREATE TABLE auth.api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  prefix       text NOT NULL UNIQUE,
  key_hash     bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Updated at most once a minute per key, so verification does not write on every request.
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_user_idx ON auth.api_keys (user_id, created_at DESC);

-- Security-relevant events (logins, key changes). No secrets: never a password, token, key or hash.
CREATE TABLE auth.audit_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_user_id uuid REFERENCES auth.users (id) ON DELETE SET NULL,
  action        text NOT NULL,
  target        text,
  ip            text,
  details       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_actor_idx ON auth.audit_log (actor_user_id, created_at DESC);
CREATE INDEX audit_log_created_idx ON auth.audit_log (created_at);

-- Down Migration
DROP TABLE IF EXISTS auth.audit_log;
DROP TABLE IF EXISTS auth.api_keys;
DROP TABLE IF EXISTS auth.refresh_tokens;
DROP TABLE IF EXISTS auth.users;
