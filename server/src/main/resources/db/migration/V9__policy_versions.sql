-- Every policy the server was given: its text, where it came from (the configured file, the built-in default, or
-- "server" for one proposed through the API), who proposed it, who activated or rejected it, and which one is in force.
CREATE TABLE policy_versions (
  version         INTEGER       NOT NULL PRIMARY KEY,
  source          VARCHAR(1000) NOT NULL,
  text            TEXT          NOT NULL,
  sha256          VARCHAR(71)   NOT NULL,
  author          VARCHAR(300)  NOT NULL,
  author_name     VARCHAR(300)  NOT NULL,
  state           VARCHAR(20)   NOT NULL,
  approver        VARCHAR(300),
  approver_name   VARCHAR(300),
  reason          TEXT,
  created_at      BIGINT        NOT NULL,
  updated_at      BIGINT        NOT NULL
);
-- at most one policy is in force, whatever two servers do at once
CREATE UNIQUE INDEX policy_versions_one_active ON policy_versions (state) WHERE state = 'active';
CREATE INDEX policy_versions_author ON policy_versions (author, version);
