-- What admission decides from, read before any container asks: each image's verified signatures and verdict
-- attestations (the admission module's facts document), refreshed at scan, promotion and attachment pushes.
CREATE TABLE admission_facts (
  registry    VARCHAR(200) NOT NULL,
  digest      VARCHAR(200) NOT NULL,
  facts       TEXT         NOT NULL,
  fetched_at  BIGINT       NOT NULL,
  PRIMARY KEY (registry, digest)
);

-- What admission let start (dry runs are decisions, never deployments).
CREATE TABLE deployments (
  id          VARCHAR(40)   NOT NULL PRIMARY KEY,
  source      VARCHAR(40)   NOT NULL,
  namespace   VARCHAR(300)  NOT NULL,
  kind        VARCHAR(100)  NOT NULL,
  name        VARCHAR(300)  NOT NULL,
  container   VARCHAR(300)  NOT NULL,
  image       VARCHAR(1000) NOT NULL,
  digest      VARCHAR(200)  NOT NULL,
  stage       VARCHAR(100)  NOT NULL,
  outcome     VARCHAR(20)   NOT NULL,
  at          BIGINT        NOT NULL
);
CREATE INDEX deployments_digest ON deployments (digest, at);
CREATE INDEX image_names_tag ON image_names (registry, repository, tag, seen_at);
