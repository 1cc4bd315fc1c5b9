-- One schema for SQLite and PostgreSQL: text keys made by the server, times as epoch milliseconds.

-- An image as one registry holds it: its state, and the last scan's result.
CREATE TABLE images (
  registry    VARCHAR(200) NOT NULL,
  digest      VARCHAR(200) NOT NULL,
  repository  VARCHAR(500) NOT NULL,
  state       VARCHAR(20)  NOT NULL,
  score       INTEGER,
  summary     TEXT,
  first_seen  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL,
  PRIMARY KEY (registry, digest)
);
CREATE INDEX images_state ON images (state);

-- The repositories and tags an image was seen under (the gate blocks tags that resolve to a blocked digest).
CREATE TABLE image_names (
  registry    VARCHAR(200) NOT NULL,
  digest      VARCHAR(200) NOT NULL,
  repository  VARCHAR(500) NOT NULL,
  tag         VARCHAR(200) NOT NULL,
  seen_at     BIGINT       NOT NULL,
  PRIMARY KEY (registry, digest, repository, tag)
);

-- Every state change: who or what caused it, when and why.
CREATE TABLE transitions (
  id          VARCHAR(40)  NOT NULL PRIMARY KEY,
  registry    VARCHAR(200) NOT NULL,
  digest      VARCHAR(200) NOT NULL,
  from_state  VARCHAR(20),
  to_state    VARCHAR(20)  NOT NULL,
  actor       VARCHAR(200) NOT NULL,
  reason      TEXT         NOT NULL,
  at          BIGINT       NOT NULL,
  seq         BIGINT       NOT NULL
);
CREATE INDEX transitions_image ON transitions (registry, digest, seq);

-- The full result of the last scan: the assessment, the risk report, and the decision of every stage.
CREATE TABLE assessments (
  registry    VARCHAR(200) NOT NULL,
  digest      VARCHAR(200) NOT NULL,
  assessment  TEXT         NOT NULL,
  risk        TEXT         NOT NULL,
  decisions   TEXT         NOT NULL,
  scanned_at  BIGINT       NOT NULL,
  PRIMARY KEY (registry, digest)
);

-- The job queue: one row per piece of work; idem_key makes enqueueing the same work twice harmless.
CREATE TABLE jobs (
  id           VARCHAR(40)  NOT NULL PRIMARY KEY,
  kind         VARCHAR(20)  NOT NULL,
  idem_key     VARCHAR(700) NOT NULL UNIQUE,
  registry     VARCHAR(200) NOT NULL,
  repository   VARCHAR(500) NOT NULL,
  digest       VARCHAR(200) NOT NULL,
  state        VARCHAR(20)  NOT NULL,
  attempts     INTEGER      NOT NULL,
  run_after    BIGINT       NOT NULL,
  lease_owner  VARCHAR(200),
  lease_until  BIGINT,
  last_error   TEXT,
  created_at   BIGINT       NOT NULL,
  updated_at   BIGINT       NOT NULL,
  completed_by VARCHAR(200)
);
CREATE INDEX jobs_ready ON jobs (state, run_after);
