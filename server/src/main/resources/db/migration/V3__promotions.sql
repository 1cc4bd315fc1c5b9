-- Promotions requested through the API: what is to be copied where, for which stage, by whom, and what became of it.
CREATE TABLE promotions (
  id                      VARCHAR(40)  NOT NULL PRIMARY KEY,
  source_registry         VARCHAR(200) NOT NULL,
  source_repository       VARCHAR(500) NOT NULL,
  source_reference        VARCHAR(200) NOT NULL,
  destination_registry    VARCHAR(200) NOT NULL,
  destination_repository  VARCHAR(500) NOT NULL,
  destination_tag         VARCHAR(200) NOT NULL,
  stage                   VARCHAR(200) NOT NULL,
  requester               VARCHAR(300) NOT NULL,
  approver                VARCHAR(300),
  allow_retag             INTEGER      NOT NULL,
  state                   VARCHAR(30)  NOT NULL,
  digest                  VARCHAR(200),
  result                  TEXT,
  created_at              BIGINT       NOT NULL,
  updated_at              BIGINT       NOT NULL
);

-- What a job works on when it is not an image scan (a promotion's id).
ALTER TABLE jobs ADD COLUMN subject VARCHAR(64);
