-- Host benchmark reports (portcullis host), each as the host sent it, with the score the server computed from its results.
CREATE TABLE host_reports (
  id              VARCHAR(40)  NOT NULL PRIMARY KEY,
  host            VARCHAR(253) NOT NULL,
  mode            VARCHAR(10)  NOT NULL,
  score           INTEGER,
  grade           VARCHAR(2),
  passed          INTEGER      NOT NULL,
  failed          INTEGER      NOT NULL,
  errors          INTEGER      NOT NULL,
  not_applicable  INTEGER      NOT NULL,
  manual          INTEGER      NOT NULL,
  received_at     BIGINT       NOT NULL,
  report          TEXT         NOT NULL
);
CREATE INDEX host_reports_host ON host_reports (host, received_at);
