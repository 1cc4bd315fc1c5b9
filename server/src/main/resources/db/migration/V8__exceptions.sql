-- Exceptions requested through the server or imported from an exceptions file: what they cover, until when, who asked
-- (requester: the authenticated principal, or file:KEY for an imported entry), who decided, and where they stand.
CREATE TABLE exceptions (
  id              VARCHAR(40)   NOT NULL PRIMARY KEY,
  name            VARCHAR(200)  NOT NULL,
  finding         VARCHAR(500),
  package_name    VARCHAR(500),
  purl            VARCHAR(500),
  image           VARCHAR(500),
  stages          TEXT          NOT NULL,
  justification   TEXT          NOT NULL,
  owner           VARCHAR(200)  NOT NULL,
  expires         VARCHAR(10)   NOT NULL,
  requester       VARCHAR(300)  NOT NULL,
  requester_name  VARCHAR(300)  NOT NULL,
  approver        VARCHAR(300),
  approver_name   VARCHAR(300),
  reason          TEXT,
  state           VARCHAR(20)   NOT NULL,
  source          VARCHAR(1000),
  content_key     VARCHAR(64)   UNIQUE,
  created_at      BIGINT        NOT NULL,
  updated_at      BIGINT        NOT NULL
);
CREATE INDEX exceptions_state ON exceptions (state, expires);
