-- Identities: local users, API tokens and dashboard sessions. No secret is stored in a form that gives it back:
-- passwords as Argon2id PHC strings, token secrets and session cookies as SHA-256 hex.

-- A local user; failed logins and the lock are counted here, so a lockout survives restarts and holds for every server.
CREATE TABLE users (
  name           VARCHAR(64)  NOT NULL PRIMARY KEY,
  password_hash  VARCHAR(400) NOT NULL,
  grants         TEXT         NOT NULL,
  disabled       INTEGER      NOT NULL,
  failed_logins  INTEGER      NOT NULL,
  locked_until   BIGINT       NOT NULL,
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL
);

-- An API token; owner '' is a machine token. Grants are one per line, as Grant.toString writes them.
CREATE TABLE api_tokens (
  id            VARCHAR(40)  NOT NULL PRIMARY KEY,
  name          VARCHAR(64)  NOT NULL,
  owner         VARCHAR(64)  NOT NULL,
  secret_sha256 VARCHAR(64)  NOT NULL UNIQUE,
  grants        TEXT         NOT NULL,
  created_at    BIGINT       NOT NULL,
  expires_at    BIGINT       NOT NULL,
  revoked_at    BIGINT,
  last_used_at  BIGINT
);
CREATE INDEX api_tokens_owner ON api_tokens (owner);

-- A dashboard session, found by the SHA-256 of its cookie; the CSRF token is derived from the cookie, never stored.
CREATE TABLE sessions (
  cookie_sha256 VARCHAR(64)  NOT NULL PRIMARY KEY,
  user_name     VARCHAR(64)  NOT NULL,
  source        VARCHAR(200) NOT NULL,
  created_at    BIGINT       NOT NULL,
  last_seen_at  BIGINT       NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
