-- The audit trail (dev.portcullis.server.audit): one row per record, each chained to the one before
-- by SHA-256 (AuditRecord documents the canonical form). Rows are only ever inserted: no code path
-- updates or deletes them, and db.migration.V6_1__audit_triggers adds triggers refusing both.
CREATE TABLE audit_records (
  seq         BIGINT       NOT NULL PRIMARY KEY,
  at          BIGINT       NOT NULL,
  actor_id    TEXT         NOT NULL,
  actor_name  TEXT         NOT NULL,
  actor_kind  VARCHAR(20)  NOT NULL,
  source      TEXT         NOT NULL,
  action      TEXT         NOT NULL,
  target      TEXT         NOT NULL,
  outcome     TEXT         NOT NULL,
  reason      TEXT         NOT NULL,
  prev        VARCHAR(64)  NOT NULL,
  hash        VARCHAR(64)  NOT NULL
);
CREATE INDEX audit_records_at ON audit_records (at);
CREATE INDEX audit_records_actor ON audit_records (actor_id);
CREATE INDEX audit_records_action ON audit_records (action);
CREATE INDEX audit_records_target ON audit_records (target);

-- The chain's head, one row: appends lock it (SELECT ... FOR UPDATE on PostgreSQL), so every
-- process appending to this database extends the one chain; checkpoint_seq is the last signed seq.
CREATE TABLE audit_head (
  id              INTEGER      NOT NULL PRIMARY KEY,
  seq             BIGINT       NOT NULL,
  hash            VARCHAR(64)  NOT NULL,
  checkpoint_seq  BIGINT       NOT NULL
);
INSERT INTO audit_head (id, seq, hash, checkpoint_seq)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- Signed chain heads: the server's key over {"hash":...,"seq":...,"type":"portcullis-audit-checkpoint/v1"}.
CREATE TABLE audit_checkpoints (
  seq        BIGINT        NOT NULL,
  hash       VARCHAR(64)   NOT NULL,
  key_id     VARCHAR(100)  NOT NULL,
  signature  TEXT          NOT NULL,
  at         BIGINT        NOT NULL,
  PRIMARY KEY (seq, key_id)
);
