-- Behaviour learning: each workload's profiles as they were sent (every revision kept), the violations its enforcer
-- reported, and the mode people chose for it (monitor or protect), which enforcers read back.
CREATE TABLE behaviour_profiles (
  workload        VARCHAR(40)  NOT NULL,
  revision        INTEGER      NOT NULL,
  complete        INTEGER      NOT NULL,
  status          VARCHAR(400) NOT NULL,
  flows           INTEGER      NOT NULL,
  processes       INTEGER      NOT NULL,
  received_at     BIGINT       NOT NULL,
  profile         TEXT         NOT NULL,
  PRIMARY KEY (workload, revision)
);
CREATE TABLE behaviour_violations (
  id              VARCHAR(40)  NOT NULL PRIMARY KEY,
  workload        VARCHAR(40)  NOT NULL,
  kind            VARCHAR(10)  NOT NULL,
  outcome         VARCHAR(10)  NOT NULL,
  seen_at         BIGINT       NOT NULL,
  received_at     BIGINT       NOT NULL,
  description     VARCHAR(1000) NOT NULL,
  violation       TEXT         NOT NULL
);
CREATE INDEX behaviour_violations_workload ON behaviour_violations (workload, seen_at);
CREATE TABLE behaviour_modes (
  workload        VARCHAR(40)  NOT NULL PRIMARY KEY,
  mode            VARCHAR(10)  NOT NULL,
  set_by          VARCHAR(200) NOT NULL,
  set_at          BIGINT       NOT NULL
);
